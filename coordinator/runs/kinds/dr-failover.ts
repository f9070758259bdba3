// Disaster failover across sites (DESIGN "Cross-site failover": "a disaster failover
// promotes the DR replica and reports the data-loss window (RPO)"), started once a
// disaster is declared (`twinzone declare-disaster --site S`, or the site's `auto`
// policy): the lost holder's lease runs out (plus the margin) or its host is confirmed
// down → a fresh epoch for the DR twin → `symrdf failover` on the DR side (its reply
// counts the records R2 never received: the RPO, I5) → import with -C (the lost site's
// lock is on the replicated disks) → mount → attach → boot → health.
//
// The lease is granted before the replica is promoted, as in the in-site failover: the
// promotion makes the DR copy writable, so it must happen under an epoch the lost site
// never saw, and only once its twin cannot still be writing (I1, I3).
//
// The promotion is not undone by a rollback: failing back would push the DR copy to a
// site that was declared lost. It is left promoted, which keeps the lost site's R1
// write-disabled when it returns, and a second attempt finds it "already failed over".
import type { Inventory } from '../../inventory/inventory-schema.js';
import { draft, numberSteps, RunKind, type RunPlan } from '../run-plan.js';
import { crossSiteMove } from './move-targets.js';
import { attach, boot, preflight, resolvedMoveOptions, takeStorage, targetChecks, waitHealthy, type MoveOptions } from './move-steps.js';

export interface DrFailoverOptions extends Omit<MoveOptions, 'shutdownTimeoutMs'> {
  /** The holder in the lost site (the lease's last holder); null when unknown. */
  source: string | null;
  target: string;
}

export function planDrFailover(inventory: Inventory, zoneName: string, options: DrFailoverOptions): RunPlan {
  const move = crossSiteMove(inventory, RunKind.DrFailover, zoneName, options.source, options.target);
  const { zone, group } = move;
  const rdfGroup = group.replication!.rdfGroup;
  const source = move.source?.host.name ?? null;
  const target = move.target.host.name;
  const o = resolvedMoveOptions(options);
  const z = zone.name;
  return {
    kind: RunKind.DrFailover,
    zone: z,
    source,
    target,
    steps: numberSteps([
      preflight(zone, targetChecks(zone, group, target)),
      draft(z, 'await-lease-grantable', null, 'current', {
        holder: source,
        lossPolicy: zone.policy.leaseLossPolicy,
        safetyMarginMs: zone.policy.safetyMarginMs,
      }),
      draft(z, 'grant-lease', null, 'next', { host: target }),
      draft(z, 'replication-failover', target, 'next', { rdfGroup }, { undo: null }),
      ...takeStorage(zone, group, target, { clearForeignLock: true }),
      attach(zone, target, source),
      boot(zone, target, o.bootArgs),
      waitHealthy(zone, target, o.healthTimeoutMs),
    ]),
  };
}
