// Planned move across sites (DESIGN "Cross-site failover (DR, replicated storage)": "a
// planned migration quiesces, syncs and reverses the replica roles"). I5: no record is
// lost, so the R2 copy must owe nothing before it is promoted.
//
// The SRDF order: quiesce the source (shutdown, detach, unmount, deport) → query until
// R2 owes no tracks → `symrdf failover` on the DR side (R1 write-disabled, R2
// read/write; with nothing owed it loses nothing) → import with -C (the disk-header lock
// is on the replicated disks, so the DR host sees the source's lock) → mount → attach →
// boot → health → commit the lease → `symrdf swap` (personalities: the DR copy becomes
// R1) → `symrdf establish` (replication resumes, now towards the old site, which is the
// DR copy from here on).
//
// Why failover first and swap last, rather than a swap straight away: SRDF swaps only a
// Split or Failed Over pair (never a replicating one), so a failover (or split) must come
// first; and a failover, unlike a swap, has an undo (`symrdf failback`: R1 read/write
// again, replication resumed). Keeping the swap until the twin is healthy on the DR side
// means every failure up to there rolls back cleanly to the source with its replica
// intact. The lease is committed before the swap: once the twin is healthy at the DR
// site the move is done and the lease says so (I1); a failure of the swap or establish
// then leaves a live, correctly leased zone whose replication an operator re-protects,
// never a rollback of a healthy move.
import type { Inventory } from '../../inventory/inventory-schema.js';
import { draft, numberSteps, RunKind, type RunPlan } from '../run-plan.js';
import { crossSiteMove, requireSource } from './move-targets.js';
import { attach, boot, preflight, quiesceSource, resolvedMoveOptions, sourceChecks, takeStorage, targetChecks, waitHealthy, type MoveOptions } from './move-steps.js';

export interface DrSwitchoverOptions extends MoveOptions {
  source: string;
  target: string;
  /** How long R2 may take to catch up once the source is quiet (default from the replication's lag hint). */
  replicaSyncTimeoutMs?: number;
}

/** How often the replica is queried while it catches up. */
export const REPLICA_POLL_MS = 1_000;

/**
 * An async replica owes at most its lag once writes stop; the hint is what operators
 * expect, not a bound (inventory-schema Replication.lagMsHint), so give it ten times
 * that plus a minute before the run falls back.
 */
export function replicaSyncTimeoutMs(lagMsHint: number): number {
  return 10 * lagMsHint + 60_000;
}

export function planDrSwitchover(inventory: Inventory, zoneName: string, options: DrSwitchoverOptions): RunPlan {
  const move = crossSiteMove(inventory, RunKind.DrSwitchover, zoneName, options.source, options.target);
  const { zone, group } = move;
  const replication = group.replication!;
  const rdfGroup = replication.rdfGroup;
  const source = requireSource(move).host.name;
  const target = move.target.host.name;
  const o = resolvedMoveOptions(options);
  const z = zone.name;
  return {
    kind: RunKind.DrSwitchover,
    zone: z,
    source,
    target,
    steps: numberSteps([
      preflight(zone, [
        ...sourceChecks(group, source),
        ...targetChecks(zone, group, target),
        { check: 'replication-state', host: target, rdfGroup, allow: ['Synchronized', 'Consistent'] },
        { check: 'deltas-accepted', fromHost: source, toHost: target },
      ]),
      draft(z, 'reserve-lease', null, 'next', { target }),
      ...quiesceSource(zone, group, source, { shutdownTimeoutMs: o.shutdownTimeoutMs, epoch: 'current' }),
      draft(z, 'wait-replica-synced', null, 'current', {
        host: target,
        rdfGroup,
        timeoutMs: options.replicaSyncTimeoutMs ?? replicaSyncTimeoutMs(replication.lagMsHint),
        pollMs: REPLICA_POLL_MS,
      }),
      draft(z, 'replication-failover', target, 'next', { rdfGroup }),
      ...takeStorage(zone, group, target, { clearForeignLock: true }),
      attach(zone, target, source),
      boot(zone, target, o.bootArgs),
      waitHealthy(zone, target, o.healthTimeoutMs),
      draft(z, 'commit-lease', null, 'next', { target }),
      draft(z, 'replication-swap', target, 'next', { rdfGroup }),
      // After the swap there is no way back by undo (the catalogue's split would only
      // suspend the new direction), so the establish is not undone either.
      draft(z, 'replication-establish', target, 'next', { rdfGroup }, { undo: null }),
    ]),
  };
}
