// The coordinator's HealthView (health-view.ts), fed by the Leases edge with every call an
// agent makes (renewals, probe results, twin reports) and evaluated on a timer with the
// injected Clock. It keeps in memory, per zone, host and check, the latest result with
// its streak; per host, its last call and health; per zone and host, the open
// concurrency-violation episode. Every change of state is recorded as an event with its
// evidence and handed to subscribers (the automation engine).
//
// Probe results count only from the zone's lease holder: a host that just lost the zone
// to a run (halted there on purpose) must not look like a sick application. When a host
// renews a zone under a new epoch, the zone's earlier results are dropped, so a new
// tenure is judged on its own reports only.
import type { Logger } from '../../shared/log/create-logger.js';
import type { Clock } from '../../shared/time/clock.js';
import type { Inventory } from '../inventory/inventory-schema.js';
import type { Store } from '../store/open-database.js';
import { findZone } from '../inventory/find-zone.js';
import { namedChecks } from './check-specs.js';
import { HEALTH_MONITOR, HealthEvent } from './health-events.js';
import { checkFailed, type CheckState, type HealthChange, type HealthView, type HostHealth } from './health-view.js';
import { judgeHost, needsReachability, type HostJudgement } from './host-health-rules.js';

/** What the Leases edge hands over from one agent call. */
export interface ReportedProbe {
  zone: string;
  check: string;
  healthy: boolean;
  detail: string;
  atMs: number;
}

export interface ReportedTwin {
  zone: string;
  state: 'running' | 'ready';
}

/** The monitor's intake, as the Leases edge sees it. */
export interface HealthFeed {
  /** One Leases call from HOST: RENEWED are the zones it renewed, with their epochs. */
  heardFrom(host: string, renewed: Array<{ zone: string; epoch: number }>): void;
  takeProbes(host: string, probes: ReportedProbe[]): void;
  /** COMPLETE: TWINS is every live twin the host has without its lease (a full listing). */
  takeTwins(host: string, twins: ReportedTwin[], complete: boolean): void;
}

export interface HealthMonitorOptions {
  store: Store;
  clock: Clock;
  log: Logger;
  inventory: () => Pick<Inventory, 'zones' | 'hosts' | 'defaults'>;
  /** Whether HOST's agent answers a health check now (AgentPool.probe). */
  reachable?: (host: string) => Promise<boolean>;
}

/** Probe results the agent's lease keeper reports about its own lease loss, not checks. */
const LOSS_CHECKS = new Set(['self-fence', 'lease-lost']);

interface HostTrack {
  lastRenewalAtMs: number | null;
  health: HostHealth;
  reachable: boolean | undefined;
  /** When reachable was answered; a new silence asks again. */
  reachableAtMs: number;
  asking: Promise<void> | null;
}

/** An open concurrency-violation episode: one event at its start, one at its end. */
export interface ViolationEpisode {
  zone: string;
  host: string;
  state: 'running' | 'ready';
  leaseHolder: string | null;
  firstSeenAtMs: number;
  lastSeenAtMs: number;
}

const key = (...parts: string[]) => parts.join('\u0000');

export class HealthMonitor implements HealthView, HealthFeed {
  /** zone → (host, check) → latest state: a zone's checks are read per zone per tick. */
  private readonly checkStates = new Map<string, Map<string, CheckState>>();
  private readonly hosts = new Map<string, HostTrack>();
  /** zone/host → the epoch the host last renewed the zone under. */
  private readonly tenures = new Map<string, number>();
  private readonly episodes = new Map<string, ViolationEpisode>();
  private readonly listeners = new Set<(change: HealthChange) => void>();
  private readonly startedAtMs: number;
  /** Twin reports count once the coordinator has adopted the zones already running (main.ts). */
  private watchingTwins = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly o: HealthMonitorOptions) {
    this.startedAtMs = o.clock.nowMs();
  }

  // ------------------------------------------------------------------ HealthView

  /** In a stable order, host by host and each host's checks as the inventory declares them, whatever order they reported in. */
  checks(zone: string): CheckState[] {
    const states = this.checkStates.get(zone);
    if (!states) return [];
    const z = findZone(this.o.inventory(), zone);
    const declared = new Map((z ? namedChecks(z) : []).map(({ name }, i) => [name, i]));
    const rank = (c: CheckState) => declared.get(c.check) ?? declared.size;
    return [...states.values()]
      .sort((a, b) => a.host.localeCompare(b.host) || rank(a) - rank(b) || a.check.localeCompare(b.check));
  }

  zoneHealthy(zone: string, host: string): boolean | undefined {
    const z = findZone(this.o.inventory(), zone);
    if (!z) return undefined;
    const states = namedChecks(z).map(({ name }) => this.checkStates.get(zone)?.get(key(host, name)));
    if (states.some((s) => s && checkFailed(s))) return false;
    // Not yet reported, or failing below its threshold: not decided either way.
    if (states.some((s) => !s || !s.healthy)) return undefined;
    return true;
  }

  hostHealth(host: string): HostHealth {
    return this.hosts.get(host)?.health ?? 'unknown';
  }

  lastRenewalAtMs(host: string): number | null {
    return this.hosts.get(host)?.lastRenewalAtMs ?? null;
  }

  subscribe(listener: (change: HealthChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The open concurrency-violation episodes (status, tests). */
  violations(): ViolationEpisode[] {
    return [...this.episodes.values()];
  }

  // ------------------------------------------------------------------ intake

  heardFrom(host: string, renewed: Array<{ zone: string; epoch: number }>): void {
    const t = this.track(host);
    t.lastRenewalAtMs = this.o.clock.nowMs();
    t.reachable = undefined;
    for (const { zone, epoch } of renewed) {
      const k = key(zone, host);
      if (this.tenures.get(k) === epoch) continue;
      this.tenures.set(k, epoch);
      // A new tenure: what any host reported before is about another one.
      this.checkStates.delete(zone);
    }
    if (t.health !== 'ok') this.evaluateHost(host, t);
  }

  takeProbes(host: string, probes: ReportedProbe[]): void {
    const receivedAtMs = this.o.clock.nowMs();
    const inventory = this.o.inventory();
    for (const p of probes) {
      if (LOSS_CHECKS.has(p.check)) continue;
      const zone = findZone(inventory, p.zone);
      const lease = this.o.store.leases.get(p.zone);
      if (!zone || !lease || lease.holder !== host || (lease.state !== 'held' && lease.state !== 'migrating')) continue;
      const threshold = namedChecks(zone).find((c) => c.name === p.check)?.check.failureThreshold ?? inventory.defaults.healthCheck.failureThreshold;
      const k = key(host, p.check);
      const zoneStates = this.checkStates.get(p.zone) ?? this.checkStates.set(p.zone, new Map()).get(p.zone)!;
      const prev = zoneStates.get(k);
      if (prev && p.atMs < prev.atMs) continue;
      const next: CheckState = {
        zone: p.zone,
        host,
        check: p.check,
        healthy: p.healthy,
        detail: p.detail,
        streak: prev && prev.healthy === p.healthy ? prev.streak + 1 : 1,
        failureThreshold: threshold,
        atMs: p.atMs,
        receivedAtMs,
      };
      zoneStates.set(k, next);
      const wasFailed = prev !== undefined && checkFailed(prev);
      if (!wasFailed && checkFailed(next)) this.checkChanged('check-failed', next, lease.epoch);
      else if (wasFailed && next.healthy) this.checkChanged('check-recovered', next, lease.epoch);
    }
  }

  takeTwins(host: string, twins: ReportedTwin[], complete: boolean): void {
    const nowMs = this.o.clock.nowMs();
    const live = new Set<string>();
    for (const t of twins) {
      if (!this.watchingTwins || !findZone(this.o.inventory(), t.zone)) continue;
      const lease = this.o.store.leases.get(t.zone);
      // A zone never placed has no holder to protect: the coordinator adopts it where it runs
      // (adopt-leases.ts, tried again while a twin host has not answered).
      if (lease === undefined) continue;
      const holds = lease.holder === host && (lease.state === 'held' || lease.state === 'migrating');
      // A run starts and stops twins on purpose; the violation is a twin live outside one.
      if (holds || this.o.store.runs.unfinishedForZone(t.zone)) continue;
      live.add(t.zone);
      const k = key(t.zone, host);
      const open = this.episodes.get(k);
      if (open) {
        open.lastSeenAtMs = nowMs;
        open.state = t.state;
        continue;
      }
      const episode: ViolationEpisode = { zone: t.zone, host, state: t.state, leaseHolder: lease?.holder ?? null, firstSeenAtMs: nowMs, lastSeenAtMs: nowMs };
      this.episodes.set(k, episode);
      this.o.store.events.record({
        atMs: nowMs, who: HEALTH_MONITOR, what: HealthEvent.ConcurrencyViolation, zone: t.zone, result: 'detected',
        details: { host, state: t.state, leaseHolder: episode.leaseHolder, leaseState: lease?.state ?? 'free', leaseEpoch: lease?.epoch ?? null, firstSeenAtMs: nowMs },
      });
      this.o.log.error({ zone: t.zone, host, state: t.state, leaseHolder: episode.leaseHolder }, 'concurrency violation: a twin is live on a host without the lease');
      this.emit({ kind: 'twin-live', zone: t.zone, host, state: t.state, leaseHolder: episode.leaseHolder });
    }
    if (!complete) return;
    for (const [k, e] of this.episodes) {
      if (e.host !== host || live.has(e.zone)) continue;
      this.episodes.delete(k);
      this.o.store.events.record({
        atMs: nowMs, who: HEALTH_MONITOR, what: HealthEvent.ConcurrencyViolationEnded, zone: e.zone, result: 'ended',
        details: { host, firstSeenAtMs: e.firstSeenAtMs, lastSeenAtMs: e.lastSeenAtMs, durationMs: nowMs - e.firstSeenAtMs },
      });
      this.o.log.warn({ zone: e.zone, host }, 'concurrency violation over: the twin is no longer live without the lease');
    }
  }

  /** From now on live twins count (called once zones already running are adopted). */
  watchTwins(): void {
    this.watchingTwins = true;
  }

  // ------------------------------------------------------------------ evaluation

  /** Judges every host of the inventory now; the timer calls it. */
  evaluate(): void {
    for (const h of this.o.inventory().hosts) this.evaluateHost(h.name, this.track(h.name));
  }

  /** Waits for the reachability questions under way (tests; shutdown). */
  async settled(): Promise<void> {
    await Promise.all([...this.hosts.values()].map((t) => t.asking));
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => {
      try {
        this.evaluate();
      } catch (err) {
        this.o.log.error({ err }, 'health evaluation failed');
      }
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private track(host: string): HostTrack {
    let t = this.hosts.get(host);
    if (!t) {
      t = { lastRenewalAtMs: null, health: 'unknown', reachable: undefined, reachableAtMs: 0, asking: null };
      this.hosts.set(host, t);
    }
    return t;
  }

  private evaluateHost(host: string, t: HostTrack): void {
    const nowMs = this.o.clock.nowMs();
    const held = this.o.store.leases.listByHolder(host).filter((l) => l.holder === host);
    const ttlMs = this.ttlFor(held.filter((l) => l.state === 'held' || l.state === 'migrating').map((l) => l.zone));
    const facts = { nowMs, startedAtMs: this.startedAtMs, lastRenewalAtMs: t.lastRenewalAtMs, periodMs: Math.floor(ttlMs / 3), ttlMs };
    if (needsReachability(facts)) this.askReachable(host, t, nowMs, facts.periodMs);
    const judged = judgeHost({ ...facts, expiredZones: held.filter((l) => l.state === 'expired').map((l) => l.zone), reachable: t.reachable });
    if (judged.health === t.health) return;
    const from = t.health;
    t.health = judged.health;
    this.hostChanged(host, from, judged, { ...facts, zones: held.map((l) => l.zone) });
  }

  /** TTL of the shortest lease among ZONES, else the inventory's default (as the Leases edge tells agents). */
  private ttlFor(zones: string[]): number {
    const inventory = this.o.inventory();
    const ttls = zones.map((z) => findZone(inventory, z)?.policy.leaseTtlMs).filter((t): t is number => typeof t === 'number');
    return ttls.length > 0 ? Math.min(...ttls) : inventory.defaults.policy.leaseTtlMs;
  }

  private askReachable(host: string, t: HostTrack, nowMs: number, periodMs: number): void {
    if (!this.o.reachable || t.asking || (t.reachable !== undefined && nowMs - t.reachableAtMs < periodMs)) return;
    t.asking = this.o
      .reachable(host)
      .catch(() => false)
      .then((answer) => {
        t.reachable = answer;
        t.reachableAtMs = this.o.clock.nowMs();
        t.asking = null;
        // A new call may have arrived meanwhile; judge with everything known now.
        this.evaluateHost(host, t);
      });
  }

  private hostChanged(host: string, from: HostHealth, j: HostJudgement, f: { lastRenewalAtMs: number | null; periodMs: number; ttlMs: number; zones: string[] }): void {
    const what = j.health === 'dead' ? HealthEvent.HostDead : j.health === 'suspect' ? HealthEvent.HostSuspect : j.health === 'ok' ? HealthEvent.HostOk : null;
    if (!what) return;
    const nowMs = this.o.clock.nowMs();
    this.o.store.events.record({
      atMs: nowMs, who: HEALTH_MONITOR, what, result: j.health,
      details: { host, from, reason: j.reason, missedRenewals: j.missedRenewals, lastRenewalAtMs: f.lastRenewalAtMs, renewalPeriodMs: f.periodMs, ttlMs: f.ttlMs, zones: f.zones },
    });
    const log = this.o.log.child({ host });
    if (j.health === 'ok') log.info({ from }, 'host ok');
    else log.warn({ from, reason: j.reason, lastRenewalAtMs: f.lastRenewalAtMs }, `host ${j.health}`);
    if (j.health === 'dead') this.emit({ kind: 'host-dead', host, lastRenewalAtMs: f.lastRenewalAtMs, zones: f.zones });
    else if (j.health === 'suspect') this.emit({ kind: 'host-suspect', host, missedRenewals: j.missedRenewals, lastRenewalAtMs: f.lastRenewalAtMs });
    else this.emit({ kind: 'host-ok', host });
  }

  private checkChanged(kind: 'check-failed' | 'check-recovered', s: CheckState, epoch: number): void {
    const activeRun = this.o.store.runs.unfinishedForZone(s.zone)?.id ?? null;
    this.o.store.events.record({
      atMs: s.receivedAtMs, who: HEALTH_MONITOR, what: kind === 'check-failed' ? HealthEvent.CheckFailed : HealthEvent.CheckRecovered, zone: s.zone, run: activeRun, result: s.check,
      details: { host: s.host, check: s.check, detail: s.detail, streak: s.streak, threshold: s.failureThreshold, atMs: s.atMs, epoch, lastRenewalAtMs: this.lastRenewalAtMs(s.host) },
    });
    const log = this.o.log.child({ zone: s.zone, host: s.host });
    if (kind === 'check-failed') log.warn({ check: s.check, detail: s.detail, streak: s.streak, threshold: s.failureThreshold }, 'health check failed');
    else log.info({ check: s.check, detail: s.detail }, 'health check recovered');
    this.emit({ kind, zone: s.zone, host: s.host, check: s.check, evidence: { ...s } });
  }

  private emit(change: HealthChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (err) {
        // A subscriber's bug must not stop the monitor or the Leases call that fed it.
        this.o.log.error({ err, change: change.kind }, 'health subscriber failed');
      }
    }
  }
}

