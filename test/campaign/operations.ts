// The operations the campaign asks of twinzone, chosen by the seeded generator among
// those the lab's current state allows (a switchover needs the zone live and an installed
// twin in its site, ...). Each is what an operator types; an unplanned failover and a
// disaster failover first take a host or a whole site down (the cause), then ask for the
// runs. An upgrade moves a zone whose data is on ZFS to its twin in the site with a short
// probation (no data rollback: a planned run loses no record).
import type { HostView } from './lab-view.js';
import { LIVE_STATES } from './lab-view.js';
import type { Rng } from './prng.js';

export type OpKind = 'switchover' | 'fallback' | 'migrate' | 'dr-switchover' | 'failover' | 'disaster-failover' | 'upgrade';

export interface PlannedOp {
  kind: OpKind;
  /** The zones the operation moves. */
  zones: string[];
  /** The host taken down first (failover: its power; disaster: every host of its site). */
  down?: { host?: string; site?: string; how: 'crash' | 'agent-kill' };
  /** One CLI invocation per zone (run concurrently: one run per zone is allowed). */
  commands: string[][];
  /** Hosts whose agents the operation talks to (targets for the nemesis). */
  hosts: string[];
  /** Source and target of a single-zone move (the stream's source for migrate). */
  source?: string;
  target?: string;
}

/** How often each kind is picked when it applies (migrate is rare: it applies once). */
const WEIGHTS: Record<OpKind, number> = {
  switchover: 30,
  fallback: 12,
  migrate: 20,
  'dr-switchover': 22,
  failover: 12,
  'disaster-failover': 2,
  upgrade: 14,
};

/** The probation of the campaign's upgrades: long enough for a few checks, short enough for 200 operations. */
export const UPGRADE_PROBATION = '4s';

export interface LabFacts {
  hosts: HostView[];
  /** Zone → the host it ran on before its last successful in-site move (for fallback). */
  previousHost: Map<string, string>;
  /** Whether a disaster may still be declared (once per campaign, late). */
  disasterAllowed: boolean;
  /** Hosts whose agent and power are up. */
  upHosts: Set<string>;
  /** Zones whose data is on ZFS (an upgrade snapshots it). */
  zfsZones?: Set<string>;
}

function siteOf(facts: LabFacts, host: string): string {
  return facts.hosts.find((h) => h.host === host)!.site;
}

/** A twin that can take the zone: configured (detached) or installed, on a host that is up. */
function canTake(facts: LabFacts, zone: string, host: string): boolean {
  const state = facts.hosts.find((h) => h.host === host)?.zones.get(zone);
  return facts.upHosts.has(host) && (state === 'installed' || state === 'configured');
}

function liveOn(facts: LabFacts, zone: string): string | null {
  const live = facts.hosts.filter((h) => LIVE_STATES.has(h.zones.get(zone) ?? '')).map((h) => h.host);
  return live.length === 1 ? live[0]! : null;
}

function allZones(facts: LabFacts): string[] {
  return [...new Set(facts.hosts.flatMap((h) => [...h.zones.keys()]))].sort();
}

function candidates(facts: LabFacts): PlannedOp[] {
  const ops: PlannedOp[] = [];
  const hosts = facts.hosts.map((h) => h.host);
  for (const zone of allZones(facts)) {
    const live = liveOn(facts, zone);
    if (!live || !facts.upHosts.has(live)) continue;
    const site = siteOf(facts, live);
    for (const t of hosts.filter((h) => h !== live && siteOf(facts, h) === site)) {
      if (canTake(facts, zone, t)) ops.push({ kind: 'switchover', zones: [zone], commands: [['switchover', zone, '--to', t]], hosts: [live, t], source: live, target: t });
      if (canTake(facts, zone, t) && facts.zfsZones?.has(zone)) {
        ops.push({ kind: 'upgrade', zones: [zone], commands: [['upgrade', zone, '--to', t, '--probation', UPGRADE_PROBATION]], hosts: [live, t], source: live, target: t });
      }
      const absent = !facts.hosts.find((h) => h.host === t)!.zones.has(zone);
      if (absent && facts.upHosts.has(t)) ops.push({ kind: 'migrate', zones: [zone], commands: [['migrate', zone, '--to', t]], hosts: [live, t], source: live, target: t });
    }
    const prev = facts.previousHost.get(zone);
    if (prev && prev !== live && siteOf(facts, prev) === site && canTake(facts, zone, prev)) {
      ops.push({ kind: 'fallback', zones: [zone], commands: [['fallback', zone]], hosts: [live, prev], source: live, target: prev });
    }
    for (const t of hosts.filter((h) => siteOf(facts, h) !== site)) {
      if (canTake(facts, zone, t)) {
        ops.push({ kind: 'dr-switchover', zones: [zone], commands: [['dr', 'switchover', zone, '--site', siteOf(facts, t), '--to', t]], hosts: [live, t], source: live, target: t });
      }
    }
  }
  // Unplanned failover: a host goes down and each zone live there fails over to a twin in
  // its site. Only when every such zone has one (a zone with none would stay down: the
  // restart in place a lone zone needs is issue 5's health automation).
  for (const host of hosts) {
    if (!facts.upHosts.has(host)) continue;
    const zones = allZones(facts).filter((z) => liveOn(facts, z) === host);
    if (zones.length === 0) continue;
    const targets = zones.map((z) => hosts.find((t) => t !== host && siteOf(facts, t) === siteOf(facts, host) && canTake(facts, z, t)));
    if (targets.some((t) => t === undefined)) continue;
    ops.push({
      kind: 'failover',
      zones,
      down: { host, how: 'crash' },
      commands: zones.map((z, i) => ['failover', z, '--to', targets[i]!]),
      hosts: [host, ...new Set(targets as string[])],
    });
  }
  if (facts.disasterAllowed) {
    const sites = [...new Set(facts.hosts.map((h) => h.site))];
    for (const site of sites) {
      const zones = allZones(facts).filter((z) => {
        const live = liveOn(facts, z);
        return live !== null && siteOf(facts, live) === site;
      });
      const targets = zones.map((z) => hosts.find((t) => siteOf(facts, t) !== site && canTake(facts, z, t)));
      const movable = zones.filter((_, i) => targets[i] !== undefined);
      if (movable.length === 0) continue;
      ops.push({
        kind: 'disaster-failover',
        zones: movable,
        down: { site, how: 'crash' },
        commands: movable.map((z) => {
          const t = targets[zones.indexOf(z)]!;
          return ['dr', 'failover', z, '--site', siteOf(facts, t), '--to', t];
        }),
        hosts: [...new Set(targets.filter((t): t is string => t !== undefined))],
      });
    }
  }
  return ops;
}

/** The next operation, or null when nothing applies (every zone down or busy). */
export function chooseOperation(rng: Rng, facts: LabFacts): PlannedOp | null {
  const ops = candidates(facts);
  if (ops.length === 0) return null;
  const kinds = [...new Set(ops.map((o) => o.kind))];
  const kind = rng.weighted(kinds.map((k) => [k, WEIGHTS[k]] as const));
  const op = rng.pick(ops.filter((o) => o.kind === kind));
  if (op.down && op.kind === 'failover') op.down.how = rng.chance(0.5) ? 'crash' : 'agent-kill';
  return op;
}

export { WEIGHTS as OPERATION_WEIGHTS };
