// The step sequencer (DESIGN "Runs: the step sequencer"; STYLE §5): admits a planned run
// (one per zone, a global limit), journals it with its plan, and drives it with
// RunDriver; progress is journalled as events and followed by watch(). Runs blocked on
// an agent that did not answer are driven again on a timer; runs blocked for an
// operator (unaccepted attach deltas) wait for retry() or the next resumeAll().
import { TwinzoneError } from '../../shared/errors/twinzone-error.js';
import type { Logger } from '../../shared/log/create-logger.js';
import { systemClock, type Clock } from '../../shared/time/clock.js';
import type { AgentPool } from '../agents/agent-pool.js';
import type { Inventory } from '../inventory/inventory-schema.js';
import type { LeaseManager } from '../leases/lease-manager.js';
import type { Store } from '../store/open-database.js';
import { newRunId } from './op-ids.js';
import { RunAdmission, DEFAULT_MAX_CONCURRENT_RUNS } from './run-admission.js';
import { RunDriver, type DriveResult } from './run-driver.js';
import { RunJournal } from './run-journal.js';
import type { RunOutcome, RunProgressEvent } from './run-progress.js';
import type { RunPlan } from './run-plan.js';
import { runsToResume } from './resume.js';
import type { RunSequencer, StartedRun } from './sequencer-api.js';

export interface SequencerOptions {
  store: Store;
  leases: LeaseManager;
  pool: AgentPool;
  inventory: Inventory;
  log: Logger;
  clock?: Clock;
  maxConcurrentRuns?: number;
  /** How soon a run blocked on an unreachable agent is tried again. */
  blockedRetryMs?: number;
  /**
   * Aborting it abandons every run at once, in flight, writing nothing more: what a
   * coordinator killed mid-step leaves behind. close() is the orderly stop.
   */
  signal?: AbortSignal;
}

export const DEFAULT_BLOCKED_RETRY_MS = 5_000;

export class Sequencer implements RunSequencer {
  private readonly journal: RunJournal;
  private readonly admission: RunAdmission;
  private readonly clock: Clock;
  private readonly live = new Map<string, Promise<RunOutcome>>();
  private readonly waiters = new Map<string, (() => void)[]>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly signal: AbortSignal;
  private closing = false;

  constructor(private readonly opts: SequencerOptions) {
    this.journal = new RunJournal(opts.store, 'coordinator');
    this.admission = new RunAdmission(opts.maxConcurrentRuns ?? DEFAULT_MAX_CONCURRENT_RUNS);
    this.clock = opts.clock ?? systemClock;
    this.signal = opts.signal ?? new AbortController().signal;
  }

  start(plan: RunPlan, requestedBy: string): StartedRun {
    this.requireOpen();
    const runId = newRunId();
    this.admission.admit(runId, plan.zone);
    try {
      this.journal.create(runId, plan, requestedBy, this.clock.nowMs());
    } catch (err) {
      this.admission.release(runId);
      throw err;
    }
    this.opts.log.info({ run: runId, zone: plan.zone, kind: plan.kind, requestedBy }, 'run admitted');
    const done = this.launch(runId, plan);
    return { runId, progress: this.watch(runId), done };
  }

  /**
   * Continues a run that is blocked (deltas now accepted, an agent back) or was left by a
   * stopped coordinator. A finished run answers its outcome; one being driven, RUN_IN_PROGRESS.
   */
  retry(runId: string): Promise<RunOutcome> {
    this.requireOpen();
    const run = this.opts.store.runs.get(runId);
    if (!run) throw new TwinzoneError('RUN_NOT_FOUND', `run ${runId} does not exist`, { fields: { run: runId } });
    if (run.finishedAtMs !== null) return Promise.resolve({ runId, state: run.state as RunOutcome['state'], reason: run.finalReason });
    const going = this.live.get(runId);
    if (going) return going;
    this.admission.admit(runId, run.zone ?? '');
    return this.launch(runId, this.journal.plan(runId));
  }

  async *watch(runId: string): AsyncIterable<RunProgressEvent> {
    if (!this.opts.store.runs.get(runId)) throw new TwinzoneError('RUN_NOT_FOUND', `run ${runId} does not exist`, { fields: { run: runId } });
    let after = 0;
    for (;;) {
      // Subscribe before reading, so an event journalled in between still wakes us.
      const wasLive = this.live.has(runId);
      const wake = wasLive ? this.nextEvent(runId) : null;
      const { lastId, events } = this.journal.progressAfter(runId, after);
      after = lastId;
      for (const e of events) {
        yield e;
        if (e.type === 'run-finished') return;
      }
      if (!wake) return;
      await wake;
    }
  }

  async resumeAll(): Promise<RunOutcome[]> {
    this.requireOpen();
    const ids = runsToResume(this.opts.store.runs, (id) => this.live.has(id));
    const started = ids.map((id) => this.retry(id));
    // Runs this instance is already driving are part of the answer too (idempotent).
    const going = [...this.live.entries()].filter(([id]) => !ids.includes(id)).map(([, p]) => p);
    return Promise.all([...started, ...going]);
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.live.values()]);
  }

  private launch(runId: string, plan: RunPlan): Promise<RunOutcome> {
    const driver = new RunDriver(
      {
        store: this.opts.store,
        journal: this.journal,
        leases: this.opts.leases,
        pool: this.opts.pool,
        inventory: this.opts.inventory,
        clock: this.clock,
        log: this.opts.log.child({ run: runId, zone: plan.zone }),
        signal: this.signal,
        stopping: () => this.closing,
        notify: (id) => this.wake(id),
      },
      runId,
      plan,
    );
    const done = driver
      .drive()
      .catch((err: unknown): DriveResult => {
        // A bug or a store that went away: the journal still says where the run is (I4).
        this.opts.log.error({ run: runId, err }, 'run driver failed');
        return { outcome: { runId, state: 'running', reason: err instanceof Error ? err.message : String(err) }, retryLater: !this.signal.aborted };
      })
      .then((r) => {
        this.live.delete(runId);
        this.admission.release(runId);
        this.wake(runId);
        if (r.retryLater) this.scheduleRetry(runId);
        return r.outcome;
      });
    this.live.set(runId, done);
    return done;
  }

  private scheduleRetry(runId: string): void {
    if (this.closing || this.signal.aborted) return;
    const t = setTimeout(() => {
      this.timers.delete(runId);
      if (this.closing || this.signal.aborted || this.live.has(runId)) return;
      try {
        void this.retry(runId);
      } catch (err) {
        // The limit is reached: try again later.
        this.opts.log.warn({ run: runId, err }, 'blocked run not retried yet');
        this.scheduleRetry(runId);
      }
    }, this.opts.blockedRetryMs ?? DEFAULT_BLOCKED_RETRY_MS);
    t.unref();
    this.timers.set(runId, t);
  }

  private nextEvent(runId: string): Promise<void> {
    return new Promise((resolve) => {
      const list = this.waiters.get(runId) ?? [];
      list.push(resolve);
      this.waiters.set(runId, list);
    });
  }

  private wake(runId: string): void {
    const list = this.waiters.get(runId);
    if (!list) return;
    this.waiters.delete(runId);
    for (const w of list) w();
  }

  private requireOpen(): void {
    if (this.closing || this.signal.aborted) throw new TwinzoneError('SHUTTING_DOWN', 'the coordinator is stopping and takes no new runs', {});
  }
}
