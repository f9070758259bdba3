// From what an operator asks ("switchover db01", "dr failover db01 --site dc2") to a run
// plan: who the source is (the lease holder, else the host where the zone runs), which
// twin is the target when none is named, then the kind's own plan function. Pure: the
// caller reads the lease and the agents' zone lists.
import { TwinzoneError } from '../../shared/errors/twinzone-error.js';
import type { Inventory, Twin, Zone } from '../inventory/inventory-schema.js';
import type { Lease } from '../leases/lease-rules.js';
import type { Artifact } from '../store/artifact-store.js';
import { planDrill, planDrillCleanup } from '../runs/kinds/drill.js';
import { planDrFailover } from '../runs/kinds/dr-failover.js';
import { planDrSwitchover } from '../runs/kinds/dr-switchover.js';
import { planFailover } from '../runs/kinds/failover.js';
import { planFallback } from '../runs/kinds/fallback.js';
import { planMigrate } from '../runs/kinds/migrate.js';
import { findZone } from '../runs/kinds/move-targets.js';
import { planRestart } from '../runs/kinds/restart.js';
import { planSwitchover } from '../runs/kinds/switchover.js';
import { planUpgrade, upgradeSnapshotTag } from '../runs/kinds/upgrade.js';
import { RunKind, type RunPlan } from '../runs/run-plan.js';

export interface RunRequest {
  kind: RunKind;
  zone: string;
  /** '' or absent: the inventory's twin of the fitting role. */
  target?: string;
  /** DR runs: the site to move to. */
  site?: string;
  viaFile?: string;
  /** upgrade: the probation period, and what to do with the data snapshot. */
  probationMs?: number;
  rollbackData?: boolean;
  keepSnapshot?: boolean;
  /** When the request was planned (names an upgrade's snapshot). */
  nowMs?: number;
  /** drill: the drill zone's name, leave it running, or take a drill left behind apart. */
  drillName?: string;
  keep?: boolean;
  cleanup?: boolean;
}

export interface RunFacts {
  inventory: Inventory;
  lease: Lease | undefined;
  /** Hosts whose agent reports the zone running (normally one; I1). */
  runningOn: readonly string[];
  /** Twin hosts whose zone list is unknown (no answer, or output not readable whole) → why. */
  unanswered: ReadonlyMap<string, string>;
  /** The zone's live run_artifacts (a drill's leftovers); only drills read them. */
  artifacts?: readonly Artifact[];
}

const CROSS_SITE: readonly RunKind[] = [RunKind.DrSwitchover, RunKind.DrFailover];
/** Kinds that move a zone away from a host that no longer answers: no live source required. */
const UNPLANNED: readonly RunKind[] = [RunKind.Failover, RunKind.DrFailover];

function siteOf(inventory: Inventory, host: string): string | undefined {
  return inventory.hosts.find((h) => h.name === host)?.site;
}

/**
 * The zone's current home: the lease holder while it holds or is losing the lease, else
 * the one host running the zone. null when neither says (a zone that runs nowhere).
 * Without a lease, where the zone runs is read from every twin host's zone list; with one
 * of them unknown the answer would be a guess (it may run there), so it is refused.
 */
export function currentHolder(zone: string, facts: Pick<RunFacts, 'lease' | 'runningOn' | 'unanswered'>): string | null {
  const l = facts.lease;
  if (l && l.holder && l.state !== 'free') return l.holder;
  if (facts.runningOn.length > 1) {
    throw new TwinzoneError('PRECONDITION_FAILED', `${zone} runs on ${facts.runningOn.join(' and ')} at once (I1); halt all but one by hand before any run`, {
      fields: { zone, hosts: facts.runningOn.join(',') },
    });
  }
  if (facts.unanswered.size > 0) {
    const which = [...facts.unanswered].map(([h, why]) => `${h} (${why})`).join('; ');
    throw new TwinzoneError(
      'PRECONDITION_FAILED',
      `cannot tell where ${zone} runs: it has no lease and the zone list of ${which} could not be read; bring that agent back or fix the command there, then ask again`,
      { fields: { zone, hosts: [...facts.unanswered.keys()].join(',') } },
    );
  }
  if (facts.runningOn.length === 1) return facts.runningOn[0]!;
  return null;
}

function pickTarget(zone: Zone, inventory: Inventory, kind: RunKind, source: string | null, site: string | undefined): string {
  const sourceSite = source ? siteOf(inventory, source) : undefined;
  const fits = (t: Twin): boolean => {
    if (t.host === source) return false;
    const s = siteOf(inventory, t.host);
    if (CROSS_SITE.includes(kind)) return site ? s === site : t.role === 'dr' || (sourceSite !== undefined && s !== sourceSite);
    return t.role !== 'dr' && (sourceSite === undefined || s === sourceSite);
  };
  const candidates = zone.twins.filter(fits);
  if (candidates.length === 1) return candidates[0]!.host;
  const where = CROSS_SITE.includes(kind) ? (site ? ` in site ${site}` : ' in another site') : sourceSite ? ` in site ${sourceSite}` : '';
  throw new TwinzoneError(
    'INVALID_ARGUMENT',
    candidates.length === 0
      ? `${zone.name} has no twin${where} for a ${kind}${source ? ` away from ${source}` : ''}; its twins are ${zone.twins.map((t) => `${t.host} (${t.role})`).join(', ')}`
      : `${zone.name} has ${candidates.length} twins${where} that fit a ${kind} (${candidates.map((t) => t.host).join(', ')}); name one with --to HOST`,
    { fields: { zone: zone.name, field: 'target' } },
  );
}

function requireSource(kind: RunKind, zone: string, source: string | null): string {
  if (source) return source;
  throw new TwinzoneError('PRECONDITION_FAILED', `${zone} runs nowhere and holds no lease, so there is nothing to ${kind} from; start it on its primary twin first`, {
    fields: { zone },
  });
}

/** The plan for a request, or the TwinzoneError saying why the request cannot be planned. */
export function planRequest(req: RunRequest, facts: RunFacts): RunPlan {
  const { inventory } = facts;
  const zone = findZone(inventory, req.zone);
  if (req.kind === RunKind.Drill) {
    // A drill runs beside production wherever it is (live, or nowhere): the holder only says whose accepted deltas apply.
    if (req.cleanup) return planDrillCleanup(zone.name, facts.artifacts ?? []);
    if (!req.site) throw new TwinzoneError('INVALID_ARGUMENT', `a drill needs --site SITE (the DR site whose replica is drilled)`, { fields: { field: 'site' } });
    const holder = facts.lease?.holder && facts.lease.state !== 'free' ? facts.lease.holder : (facts.runningOn[0] ?? null);
    return planDrill(inventory, zone.name, { site: req.site, name: req.drillName, keep: req.keep ?? false, holder, leftBehind: facts.artifacts ?? [] });
  }
  const holder = currentHolder(zone.name, facts);
  if (req.site !== undefined && req.site !== '' && !inventory.sites.some((s) => s.name === req.site)) {
    throw new TwinzoneError('INVALID_ARGUMENT', `site ${req.site} is not in the inventory; its sites are ${inventory.sites.map((s) => s.name).join(', ')}`, { fields: { field: 'site' } });
  }
  if (!UNPLANNED.includes(req.kind)) requireSource(req.kind, zone.name, holder);
  const target = req.kind === RunKind.Restart ? holder! : req.target ? req.target : pickTarget(zone, inventory, req.kind, holder, req.site || undefined);
  if (CROSS_SITE.includes(req.kind) && req.site && siteOf(inventory, target) !== req.site) {
    throw new TwinzoneError('INVALID_ARGUMENT', `${target} is in site ${siteOf(inventory, target) ?? '?'}, not ${req.site}`, { fields: { field: 'target' } });
  }
  switch (req.kind) {
    case RunKind.Switchover:
      return planSwitchover(inventory, zone.name, { source: holder!, target });
    case RunKind.Failover:
      return planFailover(inventory, zone.name, { source: holder, target });
    case RunKind.Migrate:
      return planMigrate(inventory, zone.name, { source: holder!, target, ...(req.viaFile ? { viaFile: req.viaFile } : {}) });
    case RunKind.Fallback:
      return planFallback(inventory, zone.name, { source: holder!, target });
    case RunKind.DrSwitchover:
      return planDrSwitchover(inventory, zone.name, { source: holder!, target });
    case RunKind.DrFailover:
      return planDrFailover(inventory, zone.name, { source: holder, target });
    case RunKind.Restart:
      return planRestart(inventory, zone.name, { holder: holder! });
    case RunKind.Upgrade:
      return planUpgrade(inventory, zone.name, {
        source: holder!,
        target,
        probationMs: req.probationMs ?? 0,
        rollbackData: req.rollbackData ?? false,
        keepSnapshot: req.keepSnapshot ?? false,
        snapshotTag: upgradeSnapshotTag(req.nowMs ?? Date.now()),
      });
  }
}
