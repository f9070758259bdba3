// What a run kind returns (STYLE §5 "a run kind is a pure function that returns data"):
// the run's steps in order, each naming a catalogue step, its host, its JSON args, the
// lease epoch it runs under and its undo. The sequencer executes it, resume.ts replays
// it against the journal, and `twinzone plan` prints it; none of them re-derive it.
import { defaultUndo, describeStep, stepSpec, type StepArgs, type StepName, type UndoSpec } from './step-catalog.js';

export const RunKind = {
  Switchover: 'switchover',
  Failover: 'failover',
  Migrate: 'migrate',
  Fallback: 'fallback',
  DrSwitchover: 'dr-switchover',
  DrFailover: 'dr-failover',
  Restart: 'restart',
  Upgrade: 'upgrade',
  Drill: 'drill',
} as const;
export type RunKind = (typeof RunKind)[keyof typeof RunKind];

/**
 * Which fencing epoch a step carries (DESIGN "Leases and fencing", I3): the source's
 * steps run under the lease's current epoch, the target's under the next one, which the
 * run reserves (planned moves) or is granted (failovers) before the target is touched.
 * For the lease steps it is the epoch they reserve, grant or commit. The sequencer reads
 * the number from the lease when the step starts and journals it.
 */
export const EpochRef = { Current: 'current', Next: 'next' } as const;
export type EpochRef = (typeof EpochRef)[keyof typeof EpochRef];

/** An undo as planned: it runs on `host` under the epoch of the step it undoes. */
export type UndoPlan = { [N in StepName]: { name: N; host: string | null; args: StepArgs[N] } }[StepName];

export type PlannedStep<N extends StepName> = {
  /** Position in the run, from 0; the journal's step_index. */
  index: number;
  name: N;
  /** null: carried out by the coordinator (lease transitions, waits, multi-host checks). */
  host: string | null;
  args: StepArgs[N];
  epoch: EpochRef;
  undo: UndoPlan | null;
  /**
   * False when the completed step cannot be taken back by a rollback (an SRDF swap, a
   * committed lease, a replica promoted in a declared disaster): the rollback stops there
   * and the run ends in rollback_failed for an operator (I4: nothing silently half-done).
   */
  reversible: boolean;
  /** One line for `twinzone plan`. */
  description: string;
};

export type StepPlan = { [N in StepName]: PlannedStep<N> }[StepName];

export interface RunPlan {
  kind: RunKind;
  zone: string;
  /** The host the zone leaves; null for a failover with no known holder. */
  source: string | null;
  target: string;
  steps: StepPlan[];
}

/** A step before it has its index: what the kind functions list. */
export type StepDraft = Omit<StepPlan, 'index'>;

export interface DraftOptions {
  /** Replaces the catalogue's default undo (null: none). */
  undo?: UndoSpec | null;
  /** Overrides the catalogue's reversibility (a DR replica promoted in a disaster). */
  reversible?: boolean;
}

/** One step of a plan: catalogue undo on the same host unless overridden, description from the catalogue. */
export function draft<N extends StepName>(zone: string, name: N, host: string | null, epoch: EpochRef, args: StepArgs[N], options: DraftOptions = {}): StepDraft {
  const spec = stepSpec(name);
  const undo = options.undo === undefined ? defaultUndo(name, args) : options.undo;
  const text = describeStep(name, args, { zone, host });
  return {
    name,
    host,
    args,
    epoch,
    undo: undo === null ? null : ({ ...undo, host } as UndoPlan),
    reversible: options.reversible ?? !spec.irreversible,
    description: host === null ? text : `${host}: ${text}`,
  } as StepDraft;
}

export function numberSteps(drafts: readonly StepDraft[]): StepPlan[] {
  return drafts.map((d, index) => ({ index, ...d }) as StepPlan);
}

export interface UndoChain {
  /** The undos to run, in order: the reverse of the steps done. */
  undos: { of: number; undo: UndoPlan }[];
  /** The index of a done step that cannot be undone, where the rollback stops (before it); null if none. */
  stopsAt: number | null;
}

/**
 * The rollback of a run that got as far as `done` (indexes of succeeded steps) and,
 * optionally, `failed` (the step that failed): STYLE §5 "the sequencer runs the undo of
 * every completed step in reverse order". The failed step is undone first: a timed-out
 * command's outcome is unknown, and every undo is idempotent (deporting a deported group
 * succeeds). Steps without an undo are passed over; a step that cannot be undone stops
 * the chain there, and the undos before it in the list are all that run.
 */
export function undoChain(plan: RunPlan, done: readonly number[], failed: number | null = null): UndoChain {
  const order = [...new Set(done)].sort((a, b) => b - a);
  if (failed !== null && !order.includes(failed)) order.unshift(failed);
  const undos: UndoChain['undos'] = [];
  for (const index of order) {
    const step = plan.steps[index];
    if (!step) throw new RangeError(`step ${index} is not in the ${plan.kind} plan of ${plan.zone}`);
    if (!step.reversible && index !== failed) return { undos, stopsAt: index };
    if (step.undo) undos.push({ of: index, undo: step.undo });
  }
  return { undos, stopsAt: null };
}
