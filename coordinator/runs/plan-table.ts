// A run plan as rows of text, the table `twinzone plan` prints before the agents' dry-run
// command lines: one row per step with where it runs, under which epoch, and what undoes
// it. Coordinator-side steps show "coordinator" as their host.
import type { RunPlan, StepPlan } from './run-plan.js';

export const PLAN_COLUMNS = ['#', 'step', 'host', 'epoch', 'undo'] as const;

export const COORDINATOR = 'coordinator';

function undoText(step: StepPlan): string {
  if (!step.reversible) return 'cannot be undone';
  return step.undo ? `${step.undo.name} on ${step.undo.host ?? COORDINATOR}` : '-';
}

/** [index, step, host, epoch, undo] per step. */
export function planTable(plan: RunPlan): string[][] {
  return plan.steps.map((s) => [String(s.index), s.name, s.host ?? COORDINATOR, s.epoch, undoText(s)]);
}
