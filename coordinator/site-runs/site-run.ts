// A site-wide run (DESIGN "Health checks and automation"; README "Site-wide runs"): every
// zone of a site with a twin in the other site moves there, in priority waves (1 first,
// as SRM's priority groups). Inside a wave at most `concurrency` runs go at once; the
// next wave starts only when every zone of this one has its run finished and passes its
// health checks on the new host, confirmed by the new holder's agent (RunProbe), never
// after a fixed sleep. A zone whose run failed is reported and, unless the caller asks
// to go on, no later wave starts. Each zone's move is an ordinary run of the sequencer
// (journalled, resumable, one per zone), so a site run adds only the order.
//
// The Control service (StartSiteRun) and the automation (a lost site under `dr: auto`)
// both call startSiteRun().
import { randomUUID } from 'node:crypto';
import { TwinzoneError, isTwinzoneError } from '../../shared/errors/twinzone-error.js';
import type { ControlDeps } from '../control/control-deps.js';
import { requireDeclaredLoss } from '../control/disaster.js';
import { planRequest } from '../control/run-request.js';
import { planningLocations } from '../control/zone-locations.js';
import type { Inventory } from '../inventory/inventory-schema.js';
import { runCoordinatorStep } from '../runs/coordinator-steps.js';
import { DEFAULT_HEALTH_TIMEOUT_MS } from '../runs/kinds/move-steps.js';
import { DEFAULT_MAX_CONCURRENT_RUNS } from '../runs/run-admission.js';
import { RunKind, type RunPlan } from '../runs/run-plan.js';
import type { RunOutcome, RunProgressEvent } from '../runs/run-progress.js';
import { selectSiteZones, type LeftOut, type Wave } from './waves.js';
import { findZone } from '../inventory/find-zone.js';

/** Runs at once inside a wave when neither the request nor the configuration says. */
export const DEFAULT_SITE_RUN_CONCURRENCY = 4;

export type SiteRunKind = typeof RunKind.DrFailover | typeof RunKind.DrSwitchover;

export interface SiteRunRequest {
  kind: SiteRunKind;
  fromSite: string;
  /** Absent or '': each zone's DR twin's site. */
  toSite?: string;
  /** 0 or absent: the coordinator's default. */
  concurrency?: number;
  continueOnFailure?: boolean;
  reason?: string;
  /** Who asked: an operator's certificate name, or the automation. */
  requestedBy: string;
  /** Only these zones of the site (automation: those whose DR policy allows the move now); absent: all. */
  zones?: readonly string[];
}

/** The Control service's deps (with the configured site-run concurrency) and, for a caller that may stop it, a signal. */
export interface SiteRunDeps extends ControlDeps {
  signal?: AbortSignal;
}

export interface ZoneResult {
  zone: string;
  priority: number;
  runId: string | null;
  /** succeeded: moved and healthy on `host`; failed: the run did not succeed, or the checks failed after it. */
  ok: boolean;
  host: string | null;
  reason: string;
}

export type SiteRunEvent =
  | { type: 'site-run-started'; siteRunId: string; kind: SiteRunKind; fromSite: string; toSite: string | null; concurrency: number; waves: Wave[]; leftOut: LeftOut[]; atMs: number }
  | { type: 'wave-started'; siteRunId: string; priority: number; zones: string[]; atMs: number }
  | { type: 'run'; siteRunId: string; zone: string; event: RunProgressEvent }
  /** The zone's run succeeded and the new holder's agent confirmed every health check. */
  | { type: 'zone-healthy'; siteRunId: string; zone: string; host: string; atMs: number }
  | { type: 'zone-failed'; siteRunId: string; zone: string; runId: string | null; reason: string; atMs: number }
  | { type: 'wave-finished'; siteRunId: string; priority: number; succeeded: string[]; failed: string[]; durationMs: number; atMs: number }
  | { type: 'site-run-finished'; siteRunId: string; state: SiteRunState; reason: string; succeeded: string[]; failed: string[]; notStarted: string[]; atMs: number };

export type SiteRunState = 'succeeded' | 'failed';

export interface SiteRunOutcome {
  siteRunId: string;
  state: SiteRunState;
  reason: string;
  zones: ZoneResult[];
  /** Zones of waves that never started (after a failure, without continueOnFailure). */
  notStarted: string[];
  leftOut: LeftOut[];
}

/** Journal entries (events table; `run` holds the site run's id). */
export const SiteRunEventName = {
  Started: 'site-run.started',
  WaveStarted: 'site-run.wave-started',
  ZoneHealthy: 'site-run.zone-healthy',
  ZoneFailed: 'site-run.zone-failed',
  WaveFinished: 'site-run.wave-finished',
  Finished: 'site-run.finished',
} as const;

const KIND_WORD: Record<SiteRunKind, string> = { [RunKind.DrFailover]: 'DR failover', [RunKind.DrSwitchover]: 'DR switchover' };

/** Waiting for a run slot another run holds: the first wait, doubled up to the cap. */
const SLOT_RETRY_FIRST_MS = 100;
const SLOT_RETRY_MAX_MS = 2_000;

function requireSite(inventory: Inventory, site: string, field: string): void {
  if (site && inventory.sites.some((s) => s.name === site)) return;
  throw new TwinzoneError('INVALID_ARGUMENT', `site ${JSON.stringify(site)} is not in the inventory; its sites are ${inventory.sites.map((s) => s.name).join(', ')}`, {
    fields: { field },
  });
}

function resolveConcurrency(deps: SiteRunDeps, asked: number | undefined): number {
  const limit = deps.maxConcurrentRuns ?? DEFAULT_MAX_CONCURRENT_RUNS;
  const n = asked && asked > 0 ? asked : Math.min(deps.siteRunConcurrency ?? DEFAULT_SITE_RUN_CONCURRENCY, limit);
  // Above the sequencer's own limit the wave would be serialised behind it without saying
  // so: refuse instead, with the number that fits.
  if (n > limit) {
    throw new TwinzoneError('INVALID_ARGUMENT', `concurrency ${n} is above the coordinator's limit of ${limit} runs at once; ask for at most ${limit}`, {
      fields: { field: 'concurrency', limit: String(limit) },
    });
  }
  return n;
}

/** The site a DR failover leaves must have been declared lost, as for one zone (disaster.ts). */
function requireDeclared(deps: SiteRunDeps, req: SiteRunRequest): void {
  if (req.kind !== RunKind.DrFailover || deps.store.disasters.get(req.fromSite)) return;
  throw new TwinzoneError(
    'PRECONDITION_FAILED',
    `a DR failover of site ${req.fromSite} promotes replicas that may be behind, and ${req.fromSite} has not been declared lost; ` +
      `if it is, run twinzone declare-disaster --site ${req.fromSite} --reason TEXT, then ask again (a planned move is twinzone site switchover)`,
    { fields: { site: req.fromSite, reason: 'disaster-not-declared' } },
  );
}

class SiteRun {
  readonly id = `site-${randomUUID()}`;
  private readonly results: ZoneResult[] = [];

  constructor(
    private readonly deps: SiteRunDeps,
    private readonly req: SiteRunRequest,
    private readonly concurrency: number,
    private readonly onProgress: (e: SiteRunEvent) => void,
  ) {}

  async run(waves: Wave[], leftOut: LeftOut[]): Promise<SiteRunOutcome> {
    this.emit(SiteRunEventName.Started, null, 'ok', {
      type: 'site-run-started', siteRunId: this.id, kind: this.req.kind, fromSite: this.req.fromSite, toSite: this.req.toSite || null,
      concurrency: this.concurrency, waves, leftOut, atMs: this.now(),
    }, { reason: this.req.reason ?? '', requestedBy: this.req.requestedBy });
    let stoppedAfter: Wave | null = null;
    const notStarted: string[] = [];
    for (const wave of waves) {
      if (stoppedAfter) {
        notStarted.push(...wave.zones);
        continue;
      }
      const failed = await this.runWave(wave);
      if (failed.length > 0 && !this.req.continueOnFailure) stoppedAfter = wave;
    }
    const succeeded = this.results.filter((r) => r.ok).map((r) => r.zone);
    const failed = this.results.filter((r) => !r.ok).map((r) => r.zone);
    const state: SiteRunState = failed.length === 0 && notStarted.length === 0 ? 'succeeded' : 'failed';
    const what = `${KIND_WORD[this.req.kind]} of site ${this.req.fromSite}`;
    let reason: string;
    if (waves.length === 0) reason = `${what}: no zone to move${leftOut.length ? ` (${leftOut.map((l) => `${l.zone}: ${l.why}`).join('; ')})` : ''}`;
    else if (state === 'succeeded') reason = `${what}: ${succeeded.length} zones moved and healthy in ${waves.length} waves`;
    else {
      const failures = this.results.filter((r) => !r.ok).map((r) => `${r.zone} (${r.reason})`).join('; ');
      reason =
        `${what}: ${failed.length} of ${succeeded.length + failed.length} zones failed: ${failures}` +
        (stoppedAfter
          ? `; the waves after priority ${stoppedAfter.priority} were not started (${notStarted.join(', ')}): deal with the failures (twinzone history ZONE), then run the site run again or pass --continue-on-failure`
          : '');
    }
    this.emit(SiteRunEventName.Finished, null, state, { type: 'site-run-finished', siteRunId: this.id, state, reason, succeeded, failed, notStarted, atMs: this.now() });
    this.deps.log.info({ siteRun: this.id, state, succeeded: succeeded.length, failed: failed.length, notStarted: notStarted.length }, 'site run finished');
    return { siteRunId: this.id, state, reason, zones: [...this.results], notStarted, leftOut };
  }

  /** One wave: a pool of `concurrency` workers over its zones; resolves with the zones that failed. */
  private async runWave(wave: Wave): Promise<string[]> {
    const startedAt = this.now();
    this.emit(SiteRunEventName.WaveStarted, null, 'ok', { type: 'wave-started', siteRunId: this.id, priority: wave.priority, zones: wave.zones, atMs: startedAt });
    const queue = [...wave.zones];
    const outcomes: ZoneResult[] = [];
    const worker = async () => {
      for (let zone = queue.shift(); zone !== undefined; zone = queue.shift()) outcomes.push(await this.moveZone(zone, wave.priority, wave.targets[zone]!));
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, wave.zones.length) }, worker));
    this.results.push(...outcomes);
    const succeeded = outcomes.filter((o) => o.ok).map((o) => o.zone).sort();
    const failed = outcomes.filter((o) => !o.ok).map((o) => o.zone).sort();
    const now = this.now();
    this.emit(SiteRunEventName.WaveFinished, null, failed.length ? 'failed' : 'ok', {
      type: 'wave-finished', siteRunId: this.id, priority: wave.priority, succeeded, failed, durationMs: Math.max(0, now - startedAt), atMs: now,
    });
    return failed;
  }

  /** One zone: plan, start (waiting for a run slot if other runs hold them), follow, confirm health. */
  private async moveZone(zone: string, priority: number, target: string): Promise<ZoneResult> {
    let runId: string | null = null;
    try {
      const plan = await this.plan(zone, target);
      requireDeclaredLoss(this.deps, plan);
      const started = await this.start(plan);
      runId = started.runId;
      for await (const event of started.progress) this.onProgress({ type: 'run', siteRunId: this.id, zone, event });
      const outcome: RunOutcome = await started.done;
      if (outcome.state !== 'succeeded') return this.zoneFailed(zone, priority, runId, plan.target, `run ${runId} ended ${outcome.state}: ${outcome.reason ?? ''}`);
      await this.confirmHealthy(zone, plan.target);
      this.emit(SiteRunEventName.ZoneHealthy, zone, 'ok', { type: 'zone-healthy', siteRunId: this.id, zone, host: plan.target, atMs: this.now() }, { run: runId });
      return { zone, priority, runId, ok: true, host: plan.target, reason: `on ${plan.target}, healthy` };
    } catch (err) {
      if (!isTwinzoneError(err)) throw err;
      return this.zoneFailed(zone, priority, runId, null, err.message);
    }
  }

  private zoneFailed(zone: string, priority: number, runId: string | null, host: string | null, reason: string): ZoneResult {
    this.emit(SiteRunEventName.ZoneFailed, zone, 'failed', { type: 'zone-failed', siteRunId: this.id, zone, runId, reason, atMs: this.now() }, { run: runId });
    this.deps.log.warn({ siteRun: this.id, zone, run: runId, reason }, 'site run zone failed');
    return { zone, priority, runId, ok: false, host, reason };
  }

  /** Planned when its turn comes, from the lease and the agents' view at that moment. */
  private async plan(zone: string, target: string): Promise<RunPlan> {
    const z = findZone(this.deps.inventory, zone)!;
    const lease = this.deps.leases.get(zone);
    const where = await planningLocations(this.deps.agents, lease, zone, z.twins.map((t) => t.host), this.deps.signal);
    return planRequest({ kind: this.req.kind, zone, target, site: this.req.toSite ?? '' }, { inventory: this.deps.inventory, lease, ...where });
  }

  /**
   * The sequencer refuses RUN_IN_PROGRESS at its global limit: runs outside this site run
   * (an automatic restart, an operator's move) hold slots. Wait for one rather than fail
   * the zone; a refusal for the zone itself (it has a run of its own) is final.
   */
  private async start(plan: RunPlan) {
    let waitMs = SLOT_RETRY_FIRST_MS;
    for (;;) {
      try {
        return this.deps.sequencer.start(plan, this.req.requestedBy);
      } catch (err) {
        if (!isTwinzoneError(err) || err.code !== 'RUN_IN_PROGRESS' || err.details.fields?.limit === undefined) throw err;
        this.deps.log.info({ siteRun: this.id, zone: plan.zone, waitMs }, 'site run waits for a run slot');
        await new Promise((resolve) => setTimeout(resolve, waitMs));
        if (this.deps.signal?.aborted) throw err;
        waitMs = Math.min(waitMs * 2, SLOT_RETRY_MAX_MS);
      }
    }
  }

  /** The wave gate: every inventory check of the zone passes on its new host, asked of that host's agent. */
  private async confirmHealthy(zone: string, host: string): Promise<void> {
    const z = findZone(this.deps.inventory, zone)!;
    await runCoordinatorStep(
      {
        store: this.deps.store,
        leases: this.deps.leases,
        pool: this.deps.agents,
        inventory: this.deps.inventory,
        actor: { who: this.req.requestedBy, run: this.id },
        signal: this.deps.signal ?? new AbortController().signal,
        waiting: () => undefined,
      },
      { zone, target: host, name: 'wait-healthy', args: { host, service: z.service, checks: z.healthChecks, timeoutMs: DEFAULT_HEALTH_TIMEOUT_MS }, opId: `${this.id}-${zone}-health`, epoch: null },
    );
  }

  private emit(what: string, zone: string | null, result: string, event: SiteRunEvent, extra: Record<string, unknown> = {}): void {
    const { type: _type, siteRunId: _id, ...details } = event as SiteRunEvent & Record<string, unknown>;
    this.deps.store.events.record({ atMs: this.now(), who: this.req.requestedBy, what, zone, run: this.id, result, details: { ...details, ...extra } });
    this.onProgress(event);
  }

  private now(): number {
    return this.deps.clock.nowMs();
  }
}

/**
 * Moves every zone of `request.fromSite` that has a twin to go to, in priority waves.
 * Throws a TwinzoneError before anything starts when the request cannot be carried out
 * (unknown site, concurrency above the limit, a DR failover of an undeclared site);
 * afterwards every zone's result is in the outcome, and every event went to onProgress
 * as it happened and into the journal (events `site-run.*`, run = the site run's id).
 */
export async function startSiteRun(deps: SiteRunDeps, request: SiteRunRequest, onProgress: (e: SiteRunEvent) => void = () => undefined): Promise<SiteRunOutcome> {
  if (request.kind !== RunKind.DrFailover && request.kind !== RunKind.DrSwitchover) {
    throw new TwinzoneError('INVALID_ARGUMENT', `a site run is a dr-failover or a dr-switchover, not ${String(request.kind)}`, { fields: { field: 'kind' } });
  }
  requireSite(deps.inventory, request.fromSite, 'from_site');
  if (request.toSite) {
    requireSite(deps.inventory, request.toSite, 'to_site');
    if (request.toSite === request.fromSite) throw new TwinzoneError('INVALID_ARGUMENT', `a site run goes to another site than the one it leaves (${request.fromSite})`, { fields: { field: 'to_site' } });
  }
  const concurrency = resolveConcurrency(deps, request.concurrency);
  requireDeclared(deps, request);
  const { waves, leftOut } = selectSiteZones(deps.inventory, request.fromSite, request.toSite || undefined, (zone) => deps.leases.get(zone), request.zones);
  const run = new SiteRun(deps, request, concurrency, onProgress);
  deps.log.info({ siteRun: run.id, kind: request.kind, fromSite: request.fromSite, toSite: request.toSite, concurrency, waves: waves.length }, 'site run started');
  return run.run(waves, leftOut);
}
