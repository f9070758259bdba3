// The states of a run and of its steps, and which transitions between them are allowed
// (STYLE §5 "the state machine is a table"). The tables are the one place a reader checks
// against DESIGN "Runs: the step sequencer"; the sequencer asks them before every write
// and the store keeps plain strings, so an unlisted transition is a bug (INTERNAL).
//
// I4: every run ends in a recorded final state. A final state has no way out, and every
// final state is reachable from `pending` (run-states.test.ts walks the table).
import { TwinzoneError } from '../../shared/errors/twinzone-error.js';

export const RunState = {
  /** Admitted and journalled, no step started yet. */
  Pending: 'pending',
  /** Steps are being executed forward. */
  Running: 'running',
  /**
   * Cannot go on for now: an agent did not answer when resume.ts asked it for a step's
   * result by op id (STYLE §5). Retried on a timer; the journal says which direction the
   * run was going, so it leaves towards `running` or `rolling_back`.
   */
  Blocked: 'blocked',
  /** Undoing the completed steps in reverse order (DESIGN: "fall back: undo on the target ..."). */
  RollingBack: 'rolling_back',
  /** Every step succeeded. */
  Succeeded: 'succeeded',
  /**
   * Stopped without undoing: the run kind's policy is not to roll back from where it
   * stopped (a step that cannot be undone was already done, e.g. an SRDF swap), or an
   * operator abandoned a blocked run. The event says what the operator must look at.
   */
  Failed: 'failed',
  /** Every completed step was undone; the zone is where it started. */
  RolledBack: 'rolled_back',
  /** An undo failed or met a step that cannot be undone; nothing further is tried (I4: not silent). */
  RollbackFailed: 'rollback_failed',
} as const;
export type RunState = (typeof RunState)[keyof typeof RunState];

export const StepState = {
  /** Planned, not started. */
  Pending: 'pending',
  /** Journalled with its op id before the agent is called (write-ahead). */
  Started: 'started',
  Succeeded: 'succeeded',
  Failed: 'failed',
  /** Its undo ran and succeeded. */
  Undone: 'undone',
  /** Its undo failed: the run ends in rollback_failed. */
  UndoFailed: 'undo_failed',
  /** Never run: the run ended (or rolled back) before reaching it. */
  Skipped: 'skipped',
} as const;
export type StepState = (typeof StepState)[keyof typeof StepState];

export const FINAL_RUN_STATES: readonly RunState[] = [RunState.Succeeded, RunState.Failed, RunState.RolledBack, RunState.RollbackFailed];

/** A step in one of these is never changed again. */
export const FINAL_STEP_STATES: readonly StepState[] = [StepState.Undone, StepState.UndoFailed, StepState.Skipped];

/** from → the states it may move to. Final states map to nothing. */
export const RUN_TRANSITIONS: Readonly<Record<RunState, readonly RunState[]>> = {
  // A pending run whose first write fails never started anything: failed, nothing to undo.
  [RunState.Pending]: [RunState.Running, RunState.Failed],
  [RunState.Running]: [RunState.Succeeded, RunState.Failed, RunState.RollingBack, RunState.Blocked],
  // Back to whichever direction the journal says, or abandoned by an operator.
  [RunState.Blocked]: [RunState.Running, RunState.RollingBack, RunState.Failed, RunState.RollbackFailed],
  [RunState.RollingBack]: [RunState.RolledBack, RunState.RollbackFailed, RunState.Blocked],
  [RunState.Succeeded]: [],
  [RunState.Failed]: [],
  [RunState.RolledBack]: [],
  [RunState.RollbackFailed]: [],
};

export const STEP_TRANSITIONS: Readonly<Record<StepState, readonly StepState[]>> = {
  [StepState.Pending]: [StepState.Started, StepState.Skipped],
  [StepState.Started]: [StepState.Succeeded, StepState.Failed],
  // A failed step may be tried again as a new attempt (a new op id): the attach forced
  // once every delta is accepted, a step an operator fixed the host for. It may also be
  // undone: a timed-out command's outcome is unknown, and every undo is idempotent.
  [StepState.Failed]: [StepState.Started, StepState.Undone, StepState.UndoFailed],
  [StepState.Succeeded]: [StepState.Undone, StepState.UndoFailed],
  [StepState.Undone]: [],
  [StepState.UndoFailed]: [],
  [StepState.Skipped]: [],
};

export function isRunState(value: string): value is RunState {
  return Object.prototype.hasOwnProperty.call(RUN_TRANSITIONS, value);
}

export function isStepState(value: string): value is StepState {
  return Object.prototype.hasOwnProperty.call(STEP_TRANSITIONS, value);
}

export function isFinalRunState(state: RunState): boolean {
  return RUN_TRANSITIONS[state].length === 0;
}

export function isFinalStepState(state: StepState): boolean {
  return STEP_TRANSITIONS[state].length === 0;
}

export function canRunTransition(from: RunState, to: RunState): boolean {
  return RUN_TRANSITIONS[from].includes(to);
}

export function canStepTransition(from: StepState, to: StepState): boolean {
  return STEP_TRANSITIONS[from].includes(to);
}

/** The store's guard: any transition outside the table is a twinzone bug (STYLE §5). */
export function requireRunTransition(run: string, from: RunState, to: RunState): void {
  if (!canRunTransition(from, to)) {
    throw new TwinzoneError('INTERNAL', `run ${run} may not go from ${from} to ${to}`, { fields: { run, from, to } });
  }
}

export function requireStepTransition(op: string, from: StepState, to: StepState): void {
  if (!canStepTransition(from, to)) {
    throw new TwinzoneError('INTERNAL', `step ${op} may not go from ${from} to ${to}`, { fields: { op, from, to } });
  }
}
