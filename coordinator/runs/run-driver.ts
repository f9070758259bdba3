// Drives one run through its plan (DESIGN "Runs: the step sequencer"; STYLE §5): forward
// step by step, each journalled `started` with its op id and epoch before anything
// acts, its result journalled with its progress event in one transaction; on a failed
// step, the undo of every completed step in reverse order (run-plan.ts undoChain),
// journalled like steps. The journal is the only memory: drive() always starts by
// reading it, so a start, a resume after a crash and an operator's retry are one path.
//
// I1/I2 hold through a rollback because the undo order is the reverse of the plan: the
// target halts, detaches, unmounts and deports before the source imports again.
import type { Clock } from '../../shared/time/clock.js';
import type { Logger } from '../../shared/log/create-logger.js';
import type { TwinzoneError } from '../../shared/errors/twinzone-error.js';
import type { AgentPool } from '../agents/agent-pool.js';
import type { Inventory } from '../inventory/inventory-schema.js';
import type { LeaseManager } from '../leases/lease-manager.js';
import type { Store } from '../store/open-database.js';
import type { Delta } from '../store/delta-store.js';
import type { StepRecord } from '../store/run-store.js';
import { callHooks, type HookEnv } from '../hooks/run-hooks.js';
import { hookSchedule, type HookSchedule } from '../hooks/hook-points.js';
import type { HookPoint, HookRecord } from '../hooks/hook-spec.js';
import { deltasText, type CoordinatorStepEnv } from './coordinator-steps.js';
import { isUndoOpId, stepOpId, type Direction } from './op-ids.js';
import { JournalEvent, type BlockedDirection, type RunJournal } from './run-journal.js';
import type { RunOutcome, RunProgressEvent } from './run-progress.js';
import { RunKind, undoChain, type RunPlan, type StepPlan } from './run-plan.js';
import { isFinalRunState, type RunState } from './run-states.js';
import { askAgent, agentRpcOf, executeStep, type StepOutcome } from './step-executor.js';
import { stepSpec, type StepArgs, type StepName } from './step-catalog.js';

export interface DriverEnv {
  store: Store;
  journal: RunJournal;
  leases: LeaseManager;
  pool: AgentPool;
  inventory: Inventory;
  clock: Clock;
  log: Logger;
  /** Aborted: the coordinator is going away now; stop without writing anything more (as a crash would). */
  signal: AbortSignal;
  /** True once close() was called: stop at the next step boundary. */
  stopping(): boolean;
  /** Wakes watch() readers of this run after an event was journalled. */
  notify(runId: string): void;
}

export interface DriveResult {
  outcome: RunOutcome;
  /** Blocked on an agent that did not answer: drive again on a timer (STYLE §5). */
  retryLater: boolean;
}

/** Thrown at a boundary when the coordinator is abandoning the run (signal) or stopping (close). */
class Halted extends Error {}

interface StepLike {
  index: number;
  name: StepName;
  host: string | null;
  args: unknown;
}

/** An attach that stopped over deltas an operator has not accepted. */
interface DeltaWait {
  kind: 'waiting';
  host: string;
  from: string | null;
  unaccepted: Delta[];
}

function errorJson(error: TwinzoneError, deltas: Delta[] | null): Record<string, unknown> {
  return { code: error.code, message: error.message, fields: error.details.fields ?? {}, ...(deltas && { deltas }) };
}

function isDeltaStop(row: StepRecord): boolean {
  return (row.error as { fields?: { reason?: string } } | null)?.fields?.reason === 'attach-deltas';
}

function reportsOutcome(name: string): boolean {
  const spec = stepSpec(name as StepName);
  return spec?.side === 'coordinator' && spec.reportsOutcome === true;
}

function rowMessage(row: StepRecord): string {
  return (row.error as { message?: string } | null)?.message ?? `${row.name} failed`;
}

/** The hook's verdict in a sentence: which hook, where, how it ended, the start of what it said. */
function vetoText(h: HookRecord): string {
  const how = h.error ?? (h.timedOut ? `timed out after ${h.durationMs} ms` : `exit ${h.exitCode}`);
  const said = (h.stderr.trim() || h.stdout.trim()).split('\n')[0]?.slice(0, 200) ?? '';
  return `pre-online hook ${h.argv.join(' ')} on ${h.on} vetoed the run (${how}${said ? `: ${said}` : ''})`;
}

const FAILED_STATES: readonly RunState[] = ['failed', 'rolled_back', 'rollback_failed'];

export class RunDriver {
  private index = 0;
  private schedule: HookSchedule | null = null;

  constructor(
    private readonly env: DriverEnv,
    readonly runId: string,
    readonly plan: RunPlan,
  ) {}

  async drive(): Promise<DriveResult> {
    try {
      if (isFinalRunState(this.env.journal.state(this.runId))) return this.result(false);
      const settled = await this.settleInDoubt();
      if (settled) return settled;
      let state = this.env.journal.state(this.runId);
      if (state === 'pending') {
        this.transaction(() => {
          this.env.journal.setState(this.runId, 'running', this.now());
          this.emit({ type: 'run-started', runId: this.runId, kind: this.plan.kind, zone: this.plan.zone, source: this.plan.source, target: this.plan.target, steps: this.plan.steps.length, atMs: this.now() });
        });
        state = 'running';
      } else if (state === 'blocked') {
        state = this.env.journal.blockedDirection(this.runId) === 'forward' ? 'running' : 'rolling_back';
        this.env.journal.setState(this.runId, state, this.now());
      }
      return state === 'rolling_back' ? await this.rollback() : await this.forward();
    } catch (err) {
      if (err instanceof Halted) return this.haltedResult();
      throw err;
    }
  }

  // ------------------------------------------------------------------ resume (STYLE §5)

  /**
   * A row started and never finished: the coordinator went down while its step was in
   * flight. Agent steps: ask the agent by op id — recorded: take it; never ran: run it
   * now under the same op id; no answer: blocked, retried on a timer. Coordinator steps
   * are re-run under the same op id (coordinator-steps.ts makes each safe to repeat).
   */
  private async settleInDoubt(): Promise<DriveResult | null> {
    for (const row of this.env.journal.inDoubt(this.runId)) {
      const name = row.name as StepName;
      const direction: Direction = isUndoOpId(row.opId) ? 'undo' : 'do';
      const step: StepLike = { index: row.stepIndex, name, host: agentRpcOf(name) === null ? null : row.host, args: row.args };
      this.index = row.stepIndex;
      let outcome: StepOutcome;
      if (step.host !== null) {
        const rec = await askAgent(this.stepEnv(), step.host, name, row.opId, row.epoch);
        this.checkpoint();
        if (rec.kind === 'unreachable') return this.blockUnknown(direction, rec.error);
        outcome = rec.kind === 'recorded' ? rec.outcome : await this.execute(step, row.opId, row.epoch);
      } else {
        outcome = await this.execute(step, row.opId, row.epoch);
      }
      this.checkpoint();
      if (outcome.kind === 'unknown') return this.blockUnknown(direction, outcome.error);
      this.finishRow(step, row.opId, row.startedAtMs, direction, outcome);
      this.env.log.info({ run: this.runId, op: row.opId, outcome: outcome.kind }, 'in-doubt step settled');
    }
    return null;
  }

  // ------------------------------------------------------------------ forward

  private async forward(): Promise<DriveResult> {
    for (const step of this.plan.steps) {
      this.checkpoint();
      this.index = step.index;
      const last = this.env.journal.rows(this.runId, step.index).forward.at(-1);
      if (last?.status === 'succeeded') continue;
      if (last?.status === 'failed' && !isDeltaStop(last)) return this.failForward(step.index, rowMessage(last));
      const veto = await this.hooksBefore(step.index);
      if (veto) return this.vetoed(veto);
      const o = step.name === 'attach-zone' ? await this.attach(step) : await this.attempt(step, 'do');
      if (o.kind === 'waiting') return this.blockOnDeltas(step, o);
      if (o.kind === 'unknown') return this.blockUnknown('do', o.error);
      if (o.kind === 'failed') return this.failForward(step.index, o.error.message);
    }
    const veto = await this.hooksBefore(this.plan.steps.length);
    if (veto) return this.vetoed(veto);
    await this.hooks('post-online');
    const reason = `${this.plan.kind} of ${this.plan.zone} to ${this.plan.target} succeeded${this.reported(false)}`;
    await this.end('succeeded', reason);
    return this.result(false);
  }

  // ------------------------------------------------------------------ hooks (README "Hooks")

  /** The hook points due before step INDEX (hook-points.ts); a pre-online veto stops there. */
  private async hooksBefore(index: number): Promise<HookRecord | null> {
    this.schedule ??= hookSchedule(this.plan);
    for (const point of this.schedule.get(index) ?? []) {
      const veto = await this.hooks(point);
      if (veto) return veto;
    }
    return null;
  }

  private async hooks(point: HookPoint, state?: RunState): Promise<HookRecord | null> {
    // A drill's copy is not the zone going online anywhere: the zone's hooks (DNS, pager) are not for it.
    if (this.plan.kind === RunKind.Drill) return null;
    const veto = await callHooks(this.hookEnv(), { runId: this.runId, plan: this.plan, point, ...(state && { state }) });
    this.checkpoint();
    return veto;
  }

  /** A vetoing pre-online hook runs before any step that changes something: nothing to undo. */
  private async vetoed(h: HookRecord): Promise<DriveResult> {
    const chain = undoChain(this.plan, this.doneIndexes(), null);
    if (chain.undos.length === 0 && chain.stopsAt === null) {
      await this.end('failed', `${vetoText(h)}; nothing had been changed: ${this.plan.zone} stays where it was`);
      return this.result(false);
    }
    this.env.journal.setState(this.runId, 'rolling_back', this.now());
    return this.rollback();
  }

  private hookEnv(): HookEnv {
    const { store, journal, leases, pool, inventory, clock, log, signal } = this.env;
    return { store, journal, leases, pool, inventory, clock, log, signal, notify: () => this.env.notify(this.runId) };
  }

  /**
   * attach with forceIfAccepted (DESIGN: "-F only if every delta is accepted"): attach
   * without -F; over deltas, journal what was reported, and force as a new attempt only
   * when every one is accepted for deltasFrom → this host. Otherwise the run waits.
   */
  private async attach(step: StepPlan): Promise<StepOutcome | DeltaWait> {
    const args = step.args as StepArgs['attach-zone'];
    const first = await this.attempt(step, 'do');
    if (first.kind !== 'failed' || first.deltas === null || !args.forceIfAccepted || args.force) return first;
    const host = step.host!;
    const from = args.deltasFrom;
    const unaccepted = from === null ? first.deltas : this.env.store.deltas.unaccepted({ zone: this.plan.zone, fromHost: from, toHost: host }, first.deltas);
    this.env.journal.record(this.runId, this.plan.zone, JournalEvent.AttachDeltas, unaccepted.length === 0 ? 'accepted' : 'not-accepted', {
      host, from, reported: first.deltas, unaccepted,
    }, this.now());
    if (unaccepted.length > 0) return { kind: 'waiting', host, from, unaccepted };
    return this.attempt({ ...step, args: { ...args, force: true } }, 'do');
  }

  private async failForward(index: number, message: string): Promise<DriveResult> {
    const chain = undoChain(this.plan, this.doneIndexes(), index);
    const step = this.plan.steps[index]!;
    if (chain.undos.length === 0 && chain.stopsAt === null) {
      await this.end('failed', `${step.name} failed: ${message}; nothing had been changed`);
      return this.result(false);
    }
    this.env.journal.setState(this.runId, 'rolling_back', this.now());
    return this.rollback();
  }

  // ------------------------------------------------------------------ rollback

  private async rollback(): Promise<DriveResult> {
    const failed = this.failedIndex();
    const chain = undoChain(this.plan, this.doneIndexes(), failed);
    const cause = failed === null ? 'the run was rolled back' : `${this.plan.steps[failed]!.name} failed: ${this.lastForwardMessage(failed)}`;
    for (const { of, undo } of chain.undos) {
      this.checkpoint();
      this.index = of;
      const rows = this.env.journal.rows(this.runId, of);
      const last = rows.undo.at(-1);
      if (last?.status === 'undone') continue;
      if (last?.status === 'undo_failed') return this.rollbackFailed(of, rowMessage(last), cause);
      const epoch = rows.forward.at(-1)?.epoch ?? null;
      const o = await this.attempt({ index: of, name: undo.name, host: undo.host, args: undo.args }, 'undo', epoch);
      if (o.kind === 'unknown') return this.blockUnknown('undo', o.error);
      if (o.kind === 'failed') return this.rollbackFailed(of, o.error.message, cause);
    }
    if (chain.stopsAt !== null) {
      const s = this.plan.steps[chain.stopsAt]!;
      await this.end('rollback_failed', `${cause}; rollback stopped at step ${s.index} (${s.name}), which cannot be undone: an operator must decide where ${this.plan.zone} runs (see twinzone history ${this.plan.zone})`);
      return this.result(false);
    }
    const home = this.plan.source ? `${this.plan.zone} is back on ${this.plan.source}` : `nothing of ${this.plan.zone} is left on ${this.plan.target}`;
    await this.end('rolled_back', `${cause}; every completed step was undone and ${home}${this.reported(true)}`);
    return this.result(false);
  }

  private async rollbackFailed(of: number, message: string, cause: string): Promise<DriveResult> {
    const s = this.plan.steps[of]!;
    await this.end(
      'rollback_failed',
      `${cause}; then undoing step ${of} (${s.name}${s.host ? ` on ${s.host}` : ''}) failed: ${message}. ` +
        `An operator must put ${this.plan.zone} right by hand: check where it is running and where ${s.host ?? 'its storage'} stands (twinzone status ${this.plan.zone}), then record the decision`,
    );
    return this.result(false);
  }

  // ------------------------------------------------------------------ one attempt

  private async attempt(step: StepLike, direction: Direction, epochOverride?: number | null): Promise<StepOutcome> {
    const attempt = this.env.journal.nextAttempt(this.runId, step.index);
    const opId = stepOpId(this.runId, step.index, attempt, direction);
    const epoch = epochOverride !== undefined ? epochOverride : this.resolveEpoch(this.plan.steps[step.index]!);
    const startedAtMs = this.now();
    // Write-ahead (STYLE §5): committed before the agent or the lease is touched.
    this.transaction(() => {
      this.env.journal.startStep(this.runId, this.plan, step, attempt, opId, epoch, startedAtMs);
      this.emit({ type: 'step-started', runId: this.runId, index: step.index, name: step.name, host: step.host, epoch, opId, undo: direction === 'undo', atMs: startedAtMs });
    });
    const o = await this.execute(step, opId, epoch);
    this.checkpoint();
    if (o.kind !== 'unknown') this.finishRow(step, opId, startedAtMs, direction, o);
    return o;
  }

  private execute(step: StepLike, opId: string, epoch: number | null): Promise<StepOutcome> {
    return executeStep(this.stepEnv(), { zone: this.plan.zone, target: this.plan.target, name: step.name, host: step.host, args: step.args, opId, epoch }, (s) =>
      this.emit({ type: 'transfer', runId: this.runId, index: step.index, bytes: s.bytes, totalBytes: s.totalBytes, atMs: this.now() }),
    );
  }

  private finishRow(step: StepLike, opId: string, startedAtMs: number, direction: Direction, o: Exclude<StepOutcome, { kind: 'unknown' }>): void {
    const ok = o.kind === 'ok';
    const status = direction === 'do' ? (ok ? 'succeeded' : 'failed') : ok ? 'undone' : 'undo_failed';
    const now = this.now();
    if (o.kind === 'ok' && o.bytes !== null) {
      // One transfer line at least, at the end (PullZonepath answers when the stream is done).
      this.emit({ type: 'transfer', runId: this.runId, index: step.index, bytes: o.bytes, totalBytes: o.bytes, atMs: now });
    }
    const event: RunProgressEvent = {
      type: 'step-finished',
      runId: this.runId,
      index: step.index,
      name: step.name,
      host: step.host,
      ok,
      outcome: o.kind === 'ok' ? o.outcome : o.error.message,
      durationMs: Math.max(0, now - startedAtMs),
      commands: o.commands,
      ...(o.kind === 'failed' && { error: { code: o.error.code, message: o.error.message } }),
      undo: direction === 'undo',
      atMs: now,
    };
    this.env.journal.finishStep(opId, status, o.commands, o.kind === 'failed' ? errorJson(o.error, o.deltas) : null, event, now, this.plan.zone);
    this.env.notify(this.runId);
  }

  /**
   * DESIGN "Leases and fencing": the source's steps carry the lease's current epoch, the
   * target's the reserved (planned move) or granted (failover) one. Reserve and grant
   * journal the epoch they are about to create.
   */
  private resolveEpoch(step: StepPlan): number | null {
    // A drill acts under its drill zone's own epoch, never the production lease's.
    if (this.plan.kind === RunKind.Drill) return null;
    const lease = this.env.leases.get(this.plan.zone);
    if (step.name === 'reserve-lease' || step.name === 'grant-lease') return (lease?.lastEpoch ?? 0) + 1;
    if (step.epoch === 'current') return lease?.epoch ?? 0;
    if (lease?.state === 'migrating') return lease.reservedEpoch;
    return lease?.epoch ?? 0;
  }

  // ------------------------------------------------------------------ stopping and blocking

  private blockOnDeltas(step: StepPlan, w: DeltaWait): DriveResult {
    const pair = w.from === null ? `from another host → ${w.host}` : `for ${w.from} → ${w.host}`;
    const accept = w.from === null ? `twinzone deltas accept ${this.plan.zone} --to ${w.host}` : `twinzone deltas accept ${this.plan.zone} --from ${w.from} --to ${w.host}`;
    const reason =
      `attach of ${this.plan.zone} on ${w.host} stopped: ${w.unaccepted.length} software deltas not accepted ${pair}: ${deltasText(w.unaccepted)}. ` +
      `Review them; accept them with ${accept}, then start the same run again: it continues run ${this.runId}`;
    this.block('forward', reason, { zone: this.plan.zone, host: w.host, from: w.from, deltas: w.unaccepted, step: step.name });
    return { outcome: { runId: this.runId, state: 'blocked', reason }, retryLater: false };
  }

  private blockUnknown(direction: Direction, error: TwinzoneError): DriveResult {
    const s = this.plan.steps[this.index];
    const reason = `step ${this.index} (${s?.name ?? '?'}) cannot go on: ${error.message}; its outcome is unknown until the agent answers, retried automatically`;
    this.block(direction === 'do' ? 'forward' : 'rollback', reason, { code: error.code, host: error.details.fields?.host ?? null });
    return { outcome: { runId: this.runId, state: 'blocked', reason }, retryLater: true };
  }

  private block(direction: BlockedDirection, reason: string, details: Record<string, unknown>): void {
    const event: RunProgressEvent = { type: 'waiting', runId: this.runId, index: this.index, reason, details, atMs: this.now() };
    this.env.journal.block(this.runId, this.plan.zone, direction, reason, event, this.now());
    this.env.notify(this.runId);
    this.env.log.warn({ run: this.runId, zone: this.plan.zone, direction }, reason);
  }

  private checkpoint(): void {
    if (this.env.signal.aborted || this.env.stopping()) throw new Halted();
  }

  private haltedResult(): DriveResult {
    let state: RunState = 'running';
    if (!this.env.signal.aborted) state = this.env.journal.state(this.runId);
    return { outcome: { runId: this.runId, state, reason: 'the coordinator stopped; the run resumes from its journal at the next start' }, retryLater: false };
  }

  /** The run's end: on-failure hooks first when it failed, then the final state. */
  private async end(state: RunState, reason: string): Promise<void> {
    if (FAILED_STATES.includes(state)) await this.hooks('on-failure', state);
    this.finish(state, reason);
  }

  private finish(state: RunState, reason: string): void {
    if (state !== 'succeeded') this.abandonReservation();
    const event: RunProgressEvent = { type: 'run-finished', runId: this.runId, state, reason, atMs: this.now() };
    this.env.journal.finish(this.runId, this.plan.zone, state, reason, event, this.now());
    this.env.notify(this.runId);
    this.env.log.info({ run: this.runId, zone: this.plan.zone, state }, reason);
  }

  /**
   * A run never ends leaving its reserved epoch pending: a migrating lease is never
   * expired (lease-rules decideExpire), so a rollback that stopped before abort-lease
   * would keep every later run, a failover included, waiting for ever. The source keeps
   * its lease under its own epoch and, if it no longer renews, the lease runs out and
   * the usual rules apply.
   */
  private abandonReservation(): void {
    const reserve = this.plan.steps.find((s) => s.name === 'reserve-lease');
    if (!reserve) return;
    const reserved = this.env.journal.rows(this.runId, reserve.index).forward.at(-1)?.epoch ?? null;
    const lease = this.env.leases.get(this.plan.zone);
    if (reserved === null || lease?.state !== 'migrating' || lease.reservedEpoch !== reserved) return;
    try {
      this.env.leases.abortMove(this.plan.zone, reserved, { who: 'coordinator', run: this.runId });
      this.env.log.warn({ run: this.runId, zone: this.plan.zone, epoch: reserved }, 'run ended with its move still reserved; reservation abandoned');
    } catch (err) {
      this.env.log.error({ run: this.runId, zone: this.plan.zone, err }, 'could not abandon the reserved move');
    }
  }

  private result(retryLater: boolean): DriveResult {
    const run = this.env.store.runs.get(this.runId)!;
    return { outcome: { runId: this.runId, state: run.state as RunState, reason: run.finalReason }, retryLater };
  }

  // ------------------------------------------------------------------ journal reading

  /**
   * The outcomes of steps whose catalogue entry reports them (an upgrade's probation, its
   * data rollback), read back from the journal so a run resumed after a crash says the same.
   */
  private reported(undo: boolean): string {
    const notes = this.env.journal
      .progressAfter(this.runId, 0)
      .events.flatMap((e) => (e.type === 'step-finished' && e.ok && e.undo === undo && reportsOutcome(e.name) ? [e.outcome] : []));
    return notes.map((n) => `; ${n}`).join('');
  }

  private doneIndexes(): number[] {
    return this.plan.steps.filter((s) => this.env.journal.rows(this.runId, s.index).forward.at(-1)?.status === 'succeeded').map((s) => s.index);
  }

  /** The step whose failure started the rollback: the highest index whose last forward row failed. */
  private failedIndex(): number | null {
    for (let i = this.plan.steps.length - 1; i >= 0; i--) {
      if (this.env.journal.rows(this.runId, i).forward.at(-1)?.status === 'failed') return i;
    }
    return null;
  }

  private lastForwardMessage(index: number): string {
    const row = this.env.journal.rows(this.runId, index).forward.at(-1);
    return row ? rowMessage(row) : 'unknown';
  }

  private stepEnv(): CoordinatorStepEnv {
    return {
      store: this.env.store,
      leases: this.env.leases,
      pool: this.env.pool,
      inventory: this.env.inventory,
      actor: { who: 'coordinator', run: this.runId },
      signal: this.env.signal,
      waiting: (reason, details) => {
        this.emit({ type: 'waiting', runId: this.runId, index: this.index, reason, details, atMs: this.now() });
        this.env.notify(this.runId);
      },
    };
  }

  private emit(event: RunProgressEvent): void {
    this.env.journal.progress(event, this.plan.zone);
  }

  private transaction(fn: () => void): void {
    this.env.store.transaction(fn);
    this.env.notify(this.runId);
  }

  private now(): number {
    return this.env.clock.nowMs();
  }
}
