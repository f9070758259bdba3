// The automation policy engine (issue 5 "Automation policy"; DESIGN "Health checks and
// automation"): it watches the coordinator's HealthView and, for every zone, decides
// (decisions.ts) whether to restart it in place, switch it over or fail it over to its
// BC twin, move a lost site's zones to their DR twins, or wait and say why. It also
// answers twins found live outside a run (alarm; halt-intruder when the policy says so)
// and freezes a zone that flaps.
//
// Level-triggered: every health change, the end of every automatic run and a periodic
// tick re-read the whole situation, so a decision is never lost to a missed event and a
// coordinator restart needs no memory beyond the store (runs, freezes, declarations).
// The one run per zone rule (run admission) is the last guard against a double start.
import { isTwinzoneError } from '../../shared/errors/twinzone-error.js';
import type { Logger } from '../../shared/log/create-logger.js';
import type { Clock } from '../../shared/time/clock.js';
import { setZoneFrozen } from '../control/freeze.js';
import { checkFailed, type HealthChange, type HealthView } from '../health/health-view.js';
import type { Inventory, Zone } from '../inventory/inventory-schema.js';
import type { Lease } from '../leases/lease-rules.js';
import { RunJournal } from '../runs/run-journal.js';
import { RunKind } from '../runs/run-plan.js';
import type { Store } from '../store/open-database.js';
import { AUTOMATION_WHO, AutomationRecorder } from './automation-events.js';
import type { IntruderHalter, RunStarter, SiteMover } from './automation-ports.js';
import { decide, type Decision, type ZoneSituation } from './decisions.js';
import { automaticMovesInWindow, lastRunEndedAtMs, restartsInWindow } from './run-history.js';
import { drTwinOf, hostView, siteView, vantageSite, type SiteView } from './site-loss.js';
import { findZone } from '../inventory/find-zone.js';

/** How often the whole situation is re-read without a health change (hold-offs and DR waits end on it). */
export const DEFAULT_TICK_MS = 1_000;
/** Enough history for any window a policy can set at the rates automation runs. */
const HISTORY_LIMIT = 200;

export interface PolicyEngineDeps {
  inventory: Inventory;
  health: HealthView;
  leases: { get(zone: string): Lease | undefined; list(): Lease[] };
  store: Store;
  clock: Clock;
  log: Logger;
  runs: RunStarter;
  sites: SiteMover;
  intruders: IntruderHalter;
  /** The site this coordinator runs in (coordinator config automation.site), for dr: connected. */
  site: string | null;
  tickMs?: number;
}

type Act = Extract<Decision, { kind: 'act' }>;

export class PolicyEngine {
  private readonly recorder: AutomationRecorder;
  private readonly journal: RunJournal;
  private readonly siteOf: Map<string, string>;
  private readonly watchingSinceMs: number;
  /** Zones with a start in flight (planning is asynchronous): never two at once. */
  private readonly starting = new Set<string>();
  private readonly movingSites = new Set<string>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private soon: NodeJS.Immediate | null = null;
  private stopped = false;

  constructor(private readonly deps: PolicyEngineDeps) {
    this.recorder = new AutomationRecorder(deps.store.events, deps.clock);
    this.journal = new RunJournal(deps.store, AUTOMATION_WHO);
    this.siteOf = new Map(deps.inventory.hosts.map((h) => [h.name, h.site]));
    this.watchingSinceMs = deps.clock.nowMs();
  }

  start(): void {
    this.unsubscribe = this.deps.health.subscribe((c) => this.onChange(c));
    this.timer = setInterval(() => this.evaluate(), this.deps.tickMs ?? DEFAULT_TICK_MS);
    this.timer.unref();
    this.deps.log.info({ zones: this.deps.inventory.zones.length, site: this.deps.site }, 'automation started');
  }

  /** Stops deciding; waits for the starts and halts already under way (runs and site moves go on). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.soon) clearImmediate(this.soon);
    this.unsubscribe?.();
    await Promise.allSettled([...this.inFlight]);
  }

  private onChange(change: HealthChange): void {
    if (this.stopped) return;
    if (change.kind === 'twin-live') this.track(this.onTwinLive(change));
    else this.evaluateSoon();
  }

  /** Several changes in one turn of the event loop make one evaluation. */
  private evaluateSoon(): void {
    if (this.soon || this.stopped) return;
    this.soon = setImmediate(() => {
      this.soon = null;
      this.evaluate();
    });
  }

  private track(p: Promise<unknown>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  // ---------------------------------------------------------------- zones

  /** One pass over every zone: decide, then act or record why not. */
  evaluate(): void {
    if (this.stopped) return;
    const nowMs = this.deps.clock.nowMs();
    const siteMoves = new Map<string, Map<string, Act>>();
    // One read of every lease per pass, not one per zone: a pass runs on every health change.
    const leases = new Map(this.deps.leases.list().map((l) => [l.zone, l]));
    for (const zone of this.deps.inventory.zones) {
      if (this.starting.has(zone.name)) continue;
      let decision: Decision;
      try {
        decision = this.decideZone(zone, leases.get(zone.name), nowMs);
      } catch (err) {
        this.deps.log.error({ err, zone: zone.name }, 'automation could not decide');
        continue;
      }
      if (decision.kind === 'none') {
        this.recorder.cleared(zone.name);
      } else if (decision.kind === 'hold') {
        if (this.recorder.held({ zone: zone.name, problem: decision.problem, why: decision.why, reason: decision.reason, evidence: decision.evidence })) {
          this.deps.log.info({ zone: zone.name, problem: decision.problem, why: decision.why }, 'automation held');
        }
      } else if (decision.action === 'dr-failover') {
        const site = this.holderSite(zone.name);
        if (!site) continue;
        siteMoves.set(site, (siteMoves.get(site) ?? new Map<string, Act>()).set(zone.name, decision));
      } else {
        this.startRun(zone, decision);
      }
    }
    for (const [site, decisions] of siteMoves) this.moveSite(site, decisions);
  }

  private holderSite(zone: string): string | null {
    const holder = this.deps.leases.get(zone)?.holder ?? null;
    return holder ? (this.siteOf.get(holder) ?? null) : null;
  }

  /** The zone's situation (decisions.ts ZoneSituation) read from the health view, the leases and the store. */
  situation(zone: Zone, nowMs: number): ZoneSituation {
    const { health, store } = this.deps;
    const lease = this.deps.leases.get(zone.name);
    const holder = lease && lease.state !== 'free' ? lease.holder : null;
    const history = store.runs.history(zone.name, HISTORY_LIMIT);
    const lastEnded = lastRunEndedAtMs(history);
    const active = store.runs.unfinishedForZone(zone.name);
    const holderSite = holder ? (this.siteOf.get(holder) ?? null) : null;
    const holderHealth = holder ? health.hostHealth(holder) : 'unknown';
    let siteLoss: ZoneSituation['siteLoss'] = null;
    if (holderSite && holderHealth === 'dead') {
      const site: SiteView = siteView(this.deps.inventory, holderSite, health, this.watchingSinceMs);
      if (site.lost) {
        siteLoss = {
          site,
          drTwin: drTwinOf(this.deps.inventory, zone, holderSite, health),
          declared: store.disasters.get(holderSite),
          vantage: vantageSite(this.deps.inventory, this.deps.site),
        };
      }
    }
    return {
      zone: zone.name,
      policy: zone.policy,
      holder,
      holderHealth,
      holderLastRenewalAtMs: holder ? health.lastRenewalAtMs(holder) : null,
      // A failure reported before the zone's last run ended is about what that run replaced.
      failedChecks: holder
        ? health.checks(zone.name).filter((c) => c.host === holder && checkFailed(c) && (lastEnded === null || c.receivedAtMs > lastEnded))
        : [],
      bcTwins: zone.twins
        .filter((t) => t.role !== 'dr' && t.host !== holder && holderSite !== null && this.siteOf.get(t.host) === holderSite)
        .map((t) => hostView(health, t.host)),
      frozen: store.freezes.get(zone.name),
      activeRun: active ? { id: active.id, kind: active.kind } : null,
      lastRunEndedAtMs: lastEnded,
      restartsInWindow: restartsInWindow(history, nowMs, zone.policy.restartWindowMs),
      siteLoss,
      nowMs,
    };
  }

  private decideZone(zone: Zone, lease: Lease | undefined, nowMs: number): Decision {
    if (this.nothingWrong(zone, lease)) return { kind: 'none' };
    const s = this.situation(zone, nowMs);
    const site = s.holder ? this.siteOf.get(s.holder) : undefined;
    const decision = decide(s);
    // A site move under way carries this zone too (its wave may not have started yet).
    if (decision.kind === 'act' && site && this.movingSites.has(site)) {
      return { kind: 'hold', problem: decision.problem, why: 'site-run-in-progress', reason: `the zones of site ${site} are being moved in waves; ${zone.name} goes with them`, evidence: decision.evidence };
    }
    return decision;
  }

  /**
   * True when decide() could only answer none (decisions.ts problemOf): no holder, or a
   * holder not dead and without a failed check. It reads memory and the pass's lease snapshot, where
   * situation() reads the lease again (it may have changed since the pass began), the zone's run history, freeze and active run too: at 10,000 zones
   * those reads were most of every tick (bench "store"), for zones where nothing is wrong.
   */
  private nothingWrong(zone: Zone, lease: Lease | undefined): boolean {
    const holder = lease && lease.state !== 'free' ? lease.holder : null;
    if (!holder) return true;
    const { health } = this.deps;
    return health.hostHealth(holder) !== 'dead' && !health.checks(zone.name).some((c) => c.host === holder && checkFailed(c));
  }

  /** The flapping rule: automatic moves in the window (since the last unfreeze) reached the limit. */
  private flapping(zone: Zone, nowMs: number): { moves: number } | null {
    const history = this.deps.store.runs.history(zone.name, HISTORY_LIMIT);
    const moves = automaticMovesInWindow(history, nowMs, zone.policy.flapWindowMs, this.deps.store.freezes.lastUnfrozenAtMs(zone.name));
    return moves >= zone.policy.flapLimit ? { moves } : null;
  }

  private freezeFlapping(zone: Zone, moves: number): void {
    const p = zone.policy;
    const reason = `flapping: ${moves} automatic moves within ${p.flapWindowMs} ms (limit ${p.flapLimit})`;
    if (!setZoneFrozen(this.deps, zone.name, true, { who: AUTOMATION_WHO, reason, automatic: true })) return;
    this.recorder.decision({ zone: zone.name, problem: 'app-unhealthy', action: 'freeze', reason: `${zone.name} is frozen: ${reason}; twinzone unfreeze ${zone.name} lets automation act again`, evidence: { moves, flapLimit: p.flapLimit, flapWindowMs: p.flapWindowMs }, result: 'done' });
    this.deps.log.warn({ zone: zone.name, moves }, 'zone frozen for flapping');
  }

  private startRun(zone: Zone, d: Act): void {
    const kind = d.action === 'restart' ? RunKind.Restart : d.action === 'switchover' ? RunKind.Switchover : RunKind.Failover;
    if (kind !== RunKind.Restart) {
      const flap = this.flapping(zone, this.deps.clock.nowMs());
      if (flap) {
        this.freezeFlapping(zone, flap.moves);
        this.evaluateSoon();
        return;
      }
    }
    this.starting.add(zone.name);
    const evidence = { ...d.evidence, target: d.target };
    const started = this.deps.runs
      .start({ kind, zone: zone.name, target: d.target!, reason: d.reason })
      .then(
        (run) => {
          this.recorder.decision({ zone: zone.name, problem: d.problem, action: d.action, reason: d.reason, evidence, run: run.runId, result: 'started' });
          this.deps.log.info({ zone: zone.name, run: run.runId, kind, target: d.target, problem: d.problem }, 'automatic run started');
          // Not tracked: stop() waits for decisions being carried out, not for runs to end.
          void run.done.then((outcome) => this.afterRun(zone, run.runId, outcome.state));
        },
        (err: unknown) => {
          const error = err instanceof Error ? err.message : String(err);
          this.recorder.decision({ zone: zone.name, problem: d.problem, action: d.action, reason: d.reason, evidence, result: 'refused', error });
          this.deps.log.warn({ zone: zone.name, kind, err, code: isTwinzoneError(err) ? err.code : undefined }, 'automatic run refused');
        },
      )
      .finally(() => this.starting.delete(zone.name));
    this.track(started);
  }

  private afterRun(zone: Zone, runId: string, state: string): void {
    this.deps.log.info({ zone: zone.name, run: runId, state }, 'automatic run ended');
    if (this.stopped) return;
    const flap = this.flapping(zone, this.deps.clock.nowMs());
    if (flap) this.freezeFlapping(zone, flap.moves);
    this.evaluateSoon();
  }

  // ---------------------------------------------------------------- sites

  /**
   * Moves the zones of a lost site whose DR policy allows it now, as one site run in
   * priority waves; each zone's decision is recorded as its run starts, naming the run.
   */
  private moveSite(site: string, decisions: Map<string, Act>): void {
    const { store, clock } = this.deps;
    const zones = [...decisions.keys()];
    const reason = [...decisions.values()][0]!.reason;
    if (!store.disasters.get(site)) {
      // Automation declares the loss itself, so the DR failover's declaration check passes
      // and the audit says who declared it and why.
      const d = store.disasters.declare(site, AUTOMATION_WHO, reason, clock.nowMs());
      store.events.record({ atMs: d.declaredAtMs, who: AUTOMATION_WHO, what: 'site.declare-disaster', zone: null, run: null, result: 'ok', details: { site, reason, zones } });
      this.deps.log.warn({ site, zones }, 'disaster declared by automation');
    }
    this.movingSites.add(site);
    this.recorder.decision({ zone: null, problem: 'site-lost', action: 'site-move', reason, evidence: { site, zones }, result: 'started' });
    this.deps.log.warn({ site, zones }, 'site move started');
    const onRunStarted = (zone: string, runId: string) => {
      const d = decisions.get(zone);
      if (!d) return;
      this.recorder.decision({ zone, problem: d.problem, action: d.action, reason: d.reason, evidence: { ...d.evidence, target: d.target, site }, run: runId, result: 'started' });
      this.deps.log.info({ zone, run: runId, site, target: d.target }, 'automatic DR failover started');
    };
    const moved = this.deps.sites
      .moveSite({ fromSite: site, zones, reason, onRunStarted })
      .then(
        (outcome) => {
          const evidence = { site, zones, succeeded: outcome.succeeded, failed: outcome.failed, notStarted: outcome.notStarted };
          this.recorder.decision({ zone: null, problem: 'site-lost', action: 'site-move', reason: outcome.reason, evidence, result: outcome.state });
          this.deps.log.info({ site, state: outcome.state, succeeded: outcome.succeeded, failed: outcome.failed }, 'site move ended');
        },
        (err: unknown) => {
          const error = err instanceof Error ? err.message : String(err);
          this.recorder.decision({ zone: null, problem: 'site-lost', action: 'site-move', reason, evidence: { site, zones }, result: 'refused', error });
          this.deps.log.warn({ site, err }, 'site move refused');
        },
      )
      .finally(() => {
        this.movingSites.delete(site);
        this.evaluateSoon();
      });
    void moved;
  }

  // ---------------------------------------------------------------- twins live outside a run

  private async onTwinLive(c: Extract<HealthChange, { kind: 'twin-live' }>): Promise<void> {
    const zone = findZone(this.deps.inventory, c.zone);
    if (!zone) return;
    const evidence = { host: c.host, state: c.state, leaseHolder: c.leaseHolder };
    this.recorder.alarm(zone.name, `${zone.name} is ${c.state} on ${c.host}, which does not hold its lease (holder ${c.leaseHolder ?? 'none'}): two live twins break I1`, evidence);
    const p = zone.policy;
    if (p.onConcurrencyViolation !== 'halt-intruder') return;
    const held = (why: string, reason: string) => this.recorder.held({ zone: zone.name, problem: 'twin-live', why, reason, evidence }, `${zone.name}:twin-live`);
    if (p.automation === 'off') return void held('automation-off', `${zone.name}'s policy is automation: off; halt the twin on ${c.host} by hand`);
    const frozen = this.deps.store.freezes.get(zone.name);
    if (frozen) return void held('frozen', `${zone.name} is frozen (${frozen.reason || frozen.frozenBy}); the twin on ${c.host} is left alone`);
    const lease = this.deps.leases.get(zone.name);
    if (lease?.holder === c.host && lease.state !== 'free') return;
    const active = this.deps.store.runs.unfinishedForZone(zone.name);
    if (active) {
      const plan = this.journal.plan(active.id);
      if (plan.target === c.host || plan.source === c.host) {
        return void held('run-moving-zone-there', `${active.kind} run ${active.id} moves ${zone.name} to or from ${c.host}; its twin there is the run's`);
      }
    }
    // The highest epoch the zone ever had: at least what the intruder's agent has seen (I3).
    const epoch = lease?.lastEpoch ?? 0;
    const reason = `${zone.name} is ${c.state} on ${c.host} outside any run while ${c.leaseHolder ?? 'nobody'} holds its lease; halt the intruder (policy halt-intruder)`;
    try {
      await this.deps.intruders.halt(zone.name, c.host, epoch);
      this.recorder.decision({ zone: zone.name, problem: 'twin-live', action: 'halt-intruder', reason, evidence: { ...evidence, epoch }, result: 'done' });
      this.deps.log.warn({ zone: zone.name, host: c.host, epoch }, 'intruding twin halted');
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      this.recorder.decision({ zone: zone.name, problem: 'twin-live', action: 'halt-intruder', reason, evidence: { ...evidence, epoch }, result: 'failed', error });
      this.deps.log.error({ zone: zone.name, host: c.host, err }, 'intruding twin not halted');
    }
  }
}
