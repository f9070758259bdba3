// The sequencer as the rest of the coordinator sees it (the Control service, the health
// automation, the demo): start a planned run, follow its progress, resume unfinished runs
// after a restart. One run per zone at a time; a global limit on concurrent runs.
import type { RunOutcome, RunProgressEvent } from './run-progress.js';
import type { RunPlan } from './run-plan.js';

export interface StartedRun {
  runId: string;
  /** Every event of this run from its start, ending after run-finished. */
  progress: AsyncIterable<RunProgressEvent>;
  done: Promise<RunOutcome>;
}

export interface RunSequencer {
  /**
   * Journals the run and starts it. Throws RUN_IN_PROGRESS (ABORTED) when the zone has an
   * unfinished run, and RUN_IN_PROGRESS too when the global limit is reached.
   */
  start(plan: RunPlan, requestedBy: string): StartedRun;
  /** Follows a run already going (or finished: replays its journal as events). */
  watch(runId: string): AsyncIterable<RunProgressEvent>;
  /** At startup, before accepting work: every unfinished run is resumed or rolled back. */
  resumeAll(): Promise<RunOutcome[]>;
  /**
   * Continues one unfinished run from its journal: a run blocked for an operator (attach
   * deltas since accepted: the Control service continues it when the same run is asked for again) or on an agent that is back. A finished
   * run answers its outcome; RUN_IN_PROGRESS if it is being driven; RUN_NOT_FOUND.
   */
  retry?(runId: string): Promise<RunOutcome>;
  /** Stops taking new runs and waits for the running ones to reach a step boundary. */
  close(): Promise<void>;
}
