// The agent's lease keeper (DESIGN "Leases and fencing"). It learns the leases this host
// holds (ListHostLeases), renews them all in one call every TTL/3, and keeps per zone a
// deadline on the MONOTONIC clock counted from when the renewal was SENT, minus a
// safety slice: a reply that arrives late, or a coordinator whose clock runs ahead,
// cannot extend it. When the deadline passes without a successful renewal (coordinator
// unreachable) or the coordinator refuses the renewal (stale epoch, not held), the
// zone's loss policy applies: `halt` self-fences before the coordinator's expiry (I1,
// I2), `freeze` logs and reports. Either outcome is reported with the next successful
// renewal. All along it feeds the fencing watchdog, which fences on its own if this
// process stops feeding it (killed, hung, SIGSTOPped).
//
// It also carries the health reports (DESIGN "Health checks and automation"): it tells
// the probe scheduler which zones are held with which checks (as listed), and sends every
// check result and the latest twin listing with its renewals. A failing result, a changed
// one or a changed twin list does not wait for the renewal period: it goes in a report
// call at once (RenewLeases with the renewals due, or none), so the coordinator hears of
// it within one probe interval however long the TTL.
//
// The keeper is driven by tick(): the agent calls it from a timer; unit tests call it
// after moving a FakeClock, so every instant is exact.
import { randomUUID } from 'node:crypto';
import type { Logger } from '../../shared/log/create-logger.js';
import type { Clock } from '../../shared/time/clock.js';
import type { WatchdogFeeder } from '../fencing/watchdog/watchdog-process.js';
import type { WatchedZone } from '../fencing/watchdog/watchdog-protocol.js';
import type { OpContext } from '../ops/op-context.js';
import type { CheckResult, LiveTwin, ScheduledCheck } from '../probes/probe-scheduler.js';
import type { LeasesPort, RenewalResult, Report } from './leases-port.js';
import { describeLoss, selfFence, type FenceReport, type HeldLease } from './loss-policy.js';

export interface LeaseKeeperOptions {
  host: string;
  port: LeasesPort;
  clock: Clock;
  log: Logger;
  /** An OpContext for self-fencing ZONE under operation id OP (the agent runtime builds it). */
  opContext: (zone: string, op: string) => OpContext;
  /**
   * Called before self-fencing ZONE held under EPOCH: retires the epoch on this host and
   * takes the zone's lock (agent/fencing/retire-epoch.ts); returns the lock's release.
   */
  retireEpoch?: (zone: string, epoch: number, op: string) => Promise<() => void>;
  /**
   * The highest epoch this host has recorded for ZONE (agent/fencing/epoch-store.ts). A
   * holder's own steps never carry more than its epoch, so more means this host retired
   * it: fenced by the watchdog while the agent was away.
   */
  highestEpoch?: (zone: string) => number;
  watchdog?: WatchdogFeeder;
  /**
   * The part of the TTL kept back from the agent's deadline (default TTL/4): self-fencing
   * and the watchdog's grace must fit in it, so both finish before the coordinator's
   * expiry.
   */
  safetySliceMs?: (ttlMs: number) => number;
  /** How long after the keeper's deadline the watchdog acts (default min(2 s, slice/4)). */
  watchdogGraceMs?: (sliceMs: number) => number;
  /** Renewal interval until the coordinator says otherwise. */
  initialRenewIntervalMs?: number;
  /**
   * How often ListHostLeases is asked again, to pick up leases granted here by a run.
   * Default: every renewal period (TTL/3), so a lease a run commits to this host is
   * renewed long before its first TTL runs out.
   */
  relistIntervalMs?: number;
  /** How often the watchdog is fed. */
  feedIntervalMs?: number;
  /** Told the zones held here and their checks whenever that changes (the ProbeScheduler). */
  probes?: { setZones(zones: ReadonlyMap<string, readonly ScheduledCheck[]>): void };
}

/** How soon a failed listing is tried again, at most: the coordinator's renewal floor. */
const LIST_RETRY_MS = 500;
/** Reports kept while the coordinator cannot be reached; the oldest go first. */
const MAX_PENDING_REPORTS = 1000;

type ZoneStatus = 'held' | 'lost' | 'fencing';

interface Tracked {
  lease: HeldLease;
  checks: ScheduledCheck[];
  /** Monotonic ms after which the zone must be fenced (halt) or is frozen (freeze). */
  deadlineMono: number;
  status: ZoneStatus;
  /**
   * Learned from a listing and not yet renewed by this process. Its deadline is not
   * judged until the first renewal answers: a new holder (or a restarted agent) can
   * learn its lease with the deadline already past while the coordinator still has it
   * live, and fencing then retired the very epoch a failover was bringing the zone up
   * under (campaign seed 20261207, operation 34). The watchdog is given at most one
   * call's time more (feed), so a renewal that never answers is still fenced.
   */
  firstRenewalPending: boolean;
  /** When it was learned (monotonic ms). */
  trackedMono: number;
}

export class LeaseKeeper {
  private readonly zones = new Map<string, Tracked>();
  /** Zones this host fenced, by epoch: never adopted again under that epoch. */
  private readonly fenced = new Map<string, number>();
  private readonly pendingReports: Report[] = [];
  /** The last result per zone/check, to tell a change from a repeat. */
  private readonly lastHealthy = new Map<string, boolean>();
  /** The latest twin listing (null: none yet, or it failed) and whether it changed since sent. */
  private twins: LiveTwin[] | null = null;
  private twinsKey = 'null';
  /** Something the coordinator must hear before the next renewal is due. */
  private urgent = false;
  private nextReportMono = 0;
  private renewIntervalMs: number;
  private nextRenewMono = 0;
  private nextListMono = 0;
  private nextFeedMono = 0;
  private inFlight: Promise<void> | null = null;
  private readonly fencing = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly o: LeaseKeeperOptions) {
    this.renewIntervalMs = o.initialRenewIntervalMs ?? 5000;
  }

  /** The deadlines, for tests and status: zone → {status, ms left}. */
  snapshot(): Record<string, { status: ZoneStatus; epoch: number; remainingMs: number; policy: HeldLease['policy'] }> {
    const now = this.o.clock.monoMs();
    return Object.fromEntries([...this.zones.values()].map((t) => [t.lease.zone, { status: t.status, epoch: t.lease.epoch, remainingMs: t.deadlineMono - now, policy: t.lease.policy }]));
  }

  get intervalMs(): number {
    return this.renewIntervalMs;
  }

  private slice(ttlMs: number): number {
    return this.o.safetySliceMs ? this.o.safetySliceMs(ttlMs) : Math.floor(ttlMs / 4);
  }

  /**
   * One step: fence what is due, then start a listing or a renewal when one is due and
   * none is in flight, then feed the watchdog. Never waits for the coordinator: a slow
   * call must not delay fencing.
   */
  tick(): void {
    if (this.stopped) return;
    const now = this.o.clock.monoMs();
    this.applyDeadlines(now);
    if (!this.inFlight) {
      if (now >= this.nextListMono) this.startCall(this.list(now));
      else if (now >= this.nextRenewMono && (this.renewable().length > 0 || this.pendingReports.length > 0 || this.urgent)) this.startCall(this.renew(now, true));
      else if (this.urgent && now >= this.nextReportMono) this.startCall(this.renew(now, false));
    }
    if (now >= this.nextFeedMono) this.feed(now);
  }

  /** Waits for the call in flight and any fencing under way (tests; shutdown). */
  async settled(): Promise<void> {
    while (this.inFlight || this.fencing.size > 0) await Promise.all([this.inFlight, ...this.fencing]);
  }

  /** Clean shutdown: no more calls; the watchdog stands down (DESIGN: it must die with a normal exit). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.settled();
    await this.o.watchdog?.standDown();
    this.o.port.close();
  }

  /** A check's result, sent with the next call; a failure or a change makes that call now. */
  takeResult(r: CheckResult): void {
    const key = `${r.zone}/${r.check}`;
    if (!r.healthy || this.lastHealthy.get(key) !== r.healthy) this.urgent = true;
    this.lastHealthy.set(key, r.healthy);
    this.pendingReports.push({ zone: r.zone, check: r.check, healthy: r.healthy, detail: r.detail, durationMs: r.durationMs, atMs: r.atMs });
    if (this.pendingReports.length > MAX_PENDING_REPORTS) this.pendingReports.splice(0, this.pendingReports.length - MAX_PENDING_REPORTS);
  }

  /** The latest twin listing (null: it failed); every call carries it, a change makes one now. */
  takeTwins(twins: LiveTwin[] | null): void {
    const key = twins === null ? 'null' : JSON.stringify([...twins].sort((a, b) => a.zone.localeCompare(b.zone)));
    if (key !== this.twinsKey) this.urgent = true;
    this.twinsKey = key;
    this.twins = twins;
  }

  private startCall(p: Promise<void>): void {
    const call = p.finally(() => {
      if (this.inFlight === call) this.inFlight = null;
    });
    this.inFlight = call;
  }

  private renewable(): Tracked[] {
    return [...this.zones.values()].filter((t) => t.status !== 'fencing');
  }

  private async list(sentMono: number): Promise<void> {
    this.nextListMono = sentMono + (this.o.relistIntervalMs ?? this.renewIntervalMs);
    let res;
    try {
      res = await this.o.port.list(this.o.host, this.callDeadlineMs());
    } catch (err) {
      // Retry soon: until the first listing succeeds the keeper knows of no lease, and
      // the watchdog covers nothing. The coordinator's own expiry is still the bound, so
      // the retry may not wait a whole (initial, 5 s) interval: a lease the coordinator
      // grants meanwhile (adoption at its start) with a shorter TTL would run out first.
      this.nextListMono = sentMono + Math.min(this.renewIntervalMs, LIST_RETRY_MS);
      this.o.log.warn({ err: errInfo(err) }, 'cannot list this host\'s leases');
      return;
    }
    this.setInterval(res.renewIntervalMs);
    // Now that the coordinator has said how often to renew, list again as often.
    this.nextListMono = sentMono + (this.o.relistIntervalMs ?? this.renewIntervalMs);
    const listed = new Set(res.leases.map((l) => l.zone));
    for (const lease of res.leases) {
      if (this.fenced.get(lease.zone) === lease.epoch) continue;
      const known = this.zones.get(lease.zone);
      if (known && known.lease.epoch === lease.epoch) {
        const { remainingMs: _left, checks, ...held } = lease;
        known.lease = held;
        known.checks = checks;
        continue;
      }
      // What the coordinator had left, counted from its receipt, is counted here from
      // the SEND time (earlier), so it can only come out shorter than the truth.
      const { remainingMs, checks, ...held } = lease;
      const left = Math.min(remainingMs, lease.ttlMs);
      const tracked: Tracked = { lease: held, checks, deadlineMono: sentMono + left - this.slice(lease.ttlMs), status: 'held', firstRenewalPending: true, trackedMono: sentMono };
      this.zones.set(lease.zone, tracked);
      this.o.log.info({ zone: lease.zone, epoch: lease.epoch, ttlMs: lease.ttlMs, policy: lease.policy }, 'lease tracked');
      // Renewing an epoch this host refuses would keep the coordinator counting on a zone
      // nothing here may bring back up: fence it (again: each step says "already") and
      // report it, which hands the lease back.
      const highest = this.o.highestEpoch?.(lease.zone) ?? 0;
      if (highest > lease.epoch) this.lose(tracked, `epoch ${lease.epoch} is retired on this host (its fence is at ${highest}): the zone was fenced here while this agent was away`);
    }
    for (const [zone, t] of this.zones) {
      // Released or moved by a planned run: no longer ours, nothing to fence.
      if (!listed.has(zone) && t.status === 'held') {
        this.zones.delete(zone);
        this.o.log.info({ zone, epoch: t.lease.epoch }, 'lease no longer held; not tracked');
      }
    }
    this.syncProbes();
    // The watchdog hears of every lease before the coordinator can: the first renewal
    // it accepts is the coordinator's proof that this host knew it held the zone (the
    // lease rules then grant it elsewhere after expiry + margin, trusting the fence), so
    // an agent killed between that renewal and its next feed would leave the zone running
    // unwatched. The write reaches the pipe before this returns; the renewal comes later.
    this.feed(this.o.clock.monoMs());
    // Renew right away: a restarted agent may have little of the TTL left.
    this.nextRenewMono = sentMono;
  }

  /** What the probe scheduler runs: the checks of every zone held (a fencing zone is going down). */
  private syncProbes(): void {
    this.o.probes?.setZones(new Map(this.renewable().map((t) => [t.lease.zone, t.checks])));
  }

  /** A renewal (WITH_RENEWALS) or a report call ahead of it, carrying the pending reports and the twin listing. */
  private async renew(sentMono: number, withRenewals: boolean): Promise<void> {
    if (withRenewals) this.nextRenewMono = sentMono + this.renewIntervalMs;
    const sent = withRenewals ? this.renewable().map((t) => ({ zone: t.lease.zone, epoch: t.lease.epoch })) : [];
    const reports = this.pendingReports.splice(0);
    this.urgent = false;
    let res;
    try {
      res = await this.o.port.renew({ host: this.o.host, renewals: sent, reports, twins: this.twins ?? [], twinsListed: this.twins !== null }, this.callDeadlineMs());
    } catch (err) {
      this.pendingReports.unshift(...reports);
      // Unanswered: from now on the deadlines of the leases just learned count too.
      for (const s of sent) {
        const t = this.zones.get(s.zone);
        if (t) t.firstRenewalPending = false;
      }
      // Sent again, but not at every tick while the coordinator is away.
      this.urgent = true;
      this.nextReportMono = sentMono + LIST_RETRY_MS;
      this.o.log.warn({ err: errInfo(err), zones: sent.length }, 'lease renewal failed; deadlines keep running');
      return;
    }
    // A report call renews nothing, and its interval is that of no lease: nothing to apply.
    if (!withRenewals) return;
    // The round trip, for operators and `npm run bench` (renewal latency at scale).
    this.o.log.debug({ zones: sent.length, durationMs: this.o.clock.monoMs() - sentMono }, 'leases renewed');
    this.setInterval(res.renewIntervalMs);
    const byZone = new Map(res.results.map((r) => [r.zone, r]));
    for (const s of sent) {
      const t = this.zones.get(s.zone);
      if (!t || t.lease.epoch !== s.epoch) continue;
      t.firstRenewalPending = false;
      const r = byZone.get(s.zone);
      if (r?.renewed) this.renewed(t, r, sentMono);
      else this.lose(t, r ? `renewal refused: ${r.code} ${r.reason}` : 'renewal not answered for this zone');
    }
    // Deadlines may have moved: tell the watchdog now rather than at the next feed.
    this.feed(this.o.clock.monoMs());
    // Every lease is now renewed and fed, or being fenced here: a killed predecessor's
    // watchdog would only fence what this agent keeps alive.
    this.o.watchdog?.retirePredecessor?.();
  }

  private renewed(t: Tracked, r: RenewalResult, sentMono: number): void {
    const ttl = r.ttlMs > 0 ? r.ttlMs : t.lease.ttlMs;
    // From the SEND time: the coordinator counted its TTL from receipt, later than this.
    const deadline = sentMono + ttl - this.slice(ttl);
    if (t.status === 'lost') this.o.log.info({ zone: t.lease.zone, epoch: t.lease.epoch }, 'lease renewed again after it was lost (freeze)');
    t.status = 'held';
    t.deadlineMono = Math.max(t.deadlineMono, deadline);
  }

  private applyDeadlines(now: number): void {
    for (const t of this.zones.values()) {
      if (t.status === 'held' && now >= t.deadlineMono && !t.firstRenewalPending) this.lose(t, 'no successful renewal before the deadline');
    }
  }

  private lose(t: Tracked, why: string): void {
    if (t.status === 'fencing') return;
    const { lease } = t;
    const log = this.o.log.child({ zone: lease.zone });
    if (lease.policy === 'freeze') {
      if (t.status === 'lost') return;
      t.status = 'lost';
      log.warn({ epoch: lease.epoch, why }, 'lease lost; policy freeze: the zone keeps running');
      this.report(lease, false, describeLoss(lease, why, null));
      return;
    }
    t.status = 'fencing';
    this.syncProbes();
    const op = `self-fence-${lease.zone}-e${lease.epoch}-${randomUUID().slice(0, 8)}`;
    log.warn({ epoch: lease.epoch, op, why }, 'lease lost; self-fencing');
    const work = this.fence(t, op, why).finally(() => this.fencing.delete(work));
    this.fencing.add(work);
  }

  private async fence(t: Tracked, op: string, why: string): Promise<void> {
    const { lease } = t;
    const ctx = this.o.opContext(lease.zone, op);
    let report: FenceReport;
    const release = this.o.retireEpoch ? await this.o.retireEpoch(lease.zone, lease.epoch, op) : () => undefined;
    try {
      report = await selfFence(ctx, lease);
    } catch (err) {
      report = { zone: lease.zone, epoch: lease.epoch, ok: false, steps: [{ step: 'halt', target: lease.zone, outcome: String(err), ok: false }] };
    } finally {
      release();
    }
    const fields = { zone: lease.zone, epoch: lease.epoch, op, steps: report.steps, commands: ctx.commands.map((c) => c.argv.join(' ')) };
    if (report.ok) {
      this.o.log.warn(fields, 'zone self-fenced');
      this.zones.delete(lease.zone);
      this.fenced.set(lease.zone, lease.epoch);
      this.syncProbes();
    } else {
      // Left in the watchdog's feed: it tries again on its own after its grace.
      this.o.log.error(fields, 'self-fencing failed; the watchdog will try');
    }
    this.report(lease, report.ok, describeLoss(lease, why, report));
    this.feed(this.o.clock.monoMs());
  }

  private report(lease: HeldLease, fenced: boolean, detail: string): void {
    this.pendingReports.push({ zone: lease.zone, check: lease.policy === 'halt' ? 'self-fence' : 'lease-lost', healthy: fenced && lease.policy === 'halt', detail, durationMs: 0, atMs: this.o.clock.nowMs(), epoch: lease.epoch });
  }

  private feed(now: number): void {
    this.nextFeedMono = now + (this.o.feedIntervalMs ?? 1000);
    if (!this.o.watchdog) return;
    const zones: WatchedZone[] = [...this.zones.values()]
      .filter((t) => t.lease.policy === 'halt')
      .map((t) => {
        const grace = this.o.watchdogGraceMs ? this.o.watchdogGraceMs(this.slice(t.lease.ttlMs)) : Math.min(2000, Math.floor(this.slice(t.lease.ttlMs) / 4));
        // A lease just learned waits for its first renewal's answer (the listing's call
        // and the renewal's, at most), counted from when it was learned: a predecessor's
        // watchdog (a restarted agent) keeps its own deadlines meanwhile.
        const remainingMs = Math.round(t.deadlineMono + grace - now);
        const floor = t.firstRenewalPending ? Math.round(t.trackedMono + 2 * this.callDeadlineMs() + grace - now) : -Infinity;
        return { zone: t.lease.zone, epoch: t.lease.epoch, remainingMs: Math.max(remainingMs, floor), mountPoints: t.lease.mountPoints, storage: t.lease.storage };
      });
    this.o.watchdog.feed(zones);
  }

  private setInterval(ms: number): void {
    if (ms > 0) this.renewIntervalMs = ms;
  }

  private callDeadlineMs(): number {
    // A call may not outlive one interval: the next renewal is due then anyway.
    return Math.max(500, this.renewIntervalMs);
  }
}

function errInfo(err: unknown): { code?: string; message: string } {
  const e = err as { code?: unknown; message?: unknown };
  return { code: typeof e?.code === 'string' ? e.code : undefined, message: String(e?.message ?? err) };
}
