// The run journal as the sequencer reads and writes it, over coordinator/store (STYLE §5
// write-ahead journaling, I4). The plan itself is journalled as a `run.plan` event when
// the run is admitted, so resume.ts replays exactly the plan that was started rather
// than re-deriving it from an inventory that may have changed since. Every progress
// event is journalled too (`run.progress`), which is what watch() replays.
//
// The steps table names a host for every row (a foreign key to hosts); a coordinator
// step is journalled under the host it concerns (the lease's target, the probed host),
// else the run's target.
import { TwinzoneError } from '../../shared/errors/twinzone-error.js';
import type { Store } from '../store/open-database.js';
import type { StepRecord } from '../store/run-store.js';
import { isUndoOpId } from './op-ids.js';
import type { RunProgressEvent } from './run-progress.js';
import type { RunPlan, StepPlan } from './run-plan.js';
import { requireRunTransition, type RunState } from './run-states.js';

export const JournalEvent = {
  Plan: 'run.plan',
  Progress: 'run.progress',
  /** Why and in which direction a run stopped as blocked (resume reads the last one). */
  Blocked: 'run.blocked',
  /** What an attach reported, accepted or not (DESIGN: "parse the deltas into a structured list"). */
  AttachDeltas: 'run.attach-deltas',
} as const;

export type BlockedDirection = 'forward' | 'rollback';

export interface StepRows {
  forward: StepRecord[];
  undo: StepRecord[];
}

/** The host a step's journal row names. */
export function journalHost(step: { name: string; host: string | null; args: unknown }, plan: RunPlan): string {
  if (step.host !== null) return step.host;
  const a = step.args as Record<string, unknown>;
  for (const key of ['host', 'target', 'targetHost']) if (typeof a[key] === 'string') return a[key] as string;
  if (a.measure && typeof (a.measure as { host?: unknown }).host === 'string') return (a.measure as { host: string }).host;
  return plan.target;
}

export class RunJournal {
  constructor(
    private readonly store: Store,
    private readonly who: string,
  ) {}

  /** Admits the run (one per zone: the store's unique index answers RUN_IN_PROGRESS) with its plan, in one transaction. */
  create(runId: string, plan: RunPlan, requestedBy: string, nowMs: number): void {
    this.store.transaction(() => {
      this.store.runs.create({ id: runId, kind: plan.kind, zone: plan.zone, state: 'pending', requestedBy }, nowMs);
      this.store.events.record({ atMs: nowMs, who: requestedBy, what: JournalEvent.Plan, zone: plan.zone, run: runId, result: 'ok', details: { plan } });
    });
  }

  plan(runId: string): RunPlan {
    const e = this.store.events.list({ run: runId, limit: 100_000 }).find((x) => x.what === JournalEvent.Plan);
    if (!e) throw new TwinzoneError('INTERNAL', `run ${runId} has no journalled plan`, { fields: { run: runId } });
    return e.details.plan as RunPlan;
  }

  state(runId: string): RunState {
    const run = this.store.runs.get(runId);
    if (!run) throw new TwinzoneError('RUN_NOT_FOUND', `run ${runId} does not exist`, { fields: { run: runId } });
    return run.state as RunState;
  }

  rows(runId: string, index: number): StepRows {
    const all = this.store.runs.steps(runId).filter((s) => s.stepIndex === index);
    return { forward: all.filter((s) => !isUndoOpId(s.opId)), undo: all.filter((s) => isUndoOpId(s.opId)) };
  }

  /** Rows started and never finished: the in-doubt steps resume.ts asks the agents about. */
  inDoubt(runId: string): StepRecord[] {
    return this.store.runs.steps(runId).filter((s) => s.finishedAtMs === null);
  }

  nextAttempt(runId: string, index: number): number {
    const all = this.store.runs.steps(runId).filter((s) => s.stepIndex === index);
    return all.reduce((m, s) => Math.max(m, s.attempt), 0) + 1;
  }

  startStep(runId: string, plan: RunPlan, step: StepPlan | { index: number; name: string; host: string | null; args: unknown }, attempt: number, opId: string, epoch: number | null, nowMs: number): void {
    this.store.runs.startStep(
      { runId, stepIndex: step.index, attempt, name: step.name, host: journalHost(step, plan), args: step.args, opId, epoch, status: 'started' },
      nowMs,
    );
  }

  /** The result and its progress event in one transaction; `then` adds a run transition to it. */
  finishStep(opId: string, status: string, commands: StepRecord['commands'], error: unknown, event: RunProgressEvent, nowMs: number, zone: string, then?: () => void): void {
    this.store.transaction(() => {
      this.store.runs.finishStep(opId, { status, commands, error }, nowMs);
      this.progress(event, zone);
      then?.();
    });
  }

  setState(runId: string, to: RunState, nowMs: number): void {
    const from = this.state(runId);
    if (from === to) return;
    requireRunTransition(runId, from, to);
    this.store.runs.setState(runId, to, nowMs);
  }

  block(runId: string, zone: string, direction: BlockedDirection, reason: string, event: RunProgressEvent, nowMs: number): void {
    this.store.transaction(() => {
      this.setState(runId, 'blocked', nowMs);
      this.store.events.record({ atMs: nowMs, who: this.who, what: JournalEvent.Blocked, zone, run: runId, result: 'blocked', details: { direction, reason } });
      this.progress(event, zone);
    });
  }

  blockedDirection(runId: string): BlockedDirection {
    const last = this.store.events
      .list({ run: runId, limit: 100_000 })
      .filter((e) => e.what === JournalEvent.Blocked)
      .pop();
    return (last?.details.direction as BlockedDirection | undefined) ?? 'forward';
  }

  finish(runId: string, zone: string, state: RunState, reason: string, event: RunProgressEvent, nowMs: number): void {
    this.store.transaction(() => {
      requireRunTransition(runId, this.state(runId), state);
      this.store.runs.finish(runId, state, reason, nowMs);
      this.progress(event, zone);
    });
  }

  record(runId: string, zone: string, what: string, result: string, details: Record<string, unknown>, nowMs: number): void {
    this.store.events.record({ atMs: nowMs, who: this.who, what, zone, run: runId, result, details });
  }

  progress(event: RunProgressEvent, zone: string): void {
    this.store.events.record({ atMs: event.atMs, who: this.who, what: JournalEvent.Progress, zone, run: event.runId, result: event.type, details: event as unknown as Record<string, unknown> });
  }

  /** Progress events journalled after `afterId`, with their ids (watch follows with it). */
  progressAfter(runId: string, afterId: number): { lastId: number; events: RunProgressEvent[] } {
    const rows = this.store.events.list({ run: runId, afterId, limit: 10_000 });
    return {
      lastId: rows.reduce((m, e) => Math.max(m, e.id), afterId),
      events: rows.filter((e) => e.what === JournalEvent.Progress).map((e) => e.details as unknown as RunProgressEvent),
    };
  }
}
