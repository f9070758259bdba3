// Unplanned failover inside a site (DESIGN "Unplanned failover (source host dead or
// partitioned)"): wait for the lease to expire plus the margin, or for an operator's
// confirm-down → the target, under a fresh epoch: import clearing the dead host's lock
// (`vxdg -C import`, `zpool import -f`; the agent also preempts its reservation key) →
// mount → attach → boot → health.
//
// The lease is granted before the target is touched, not committed at the end as in a
// planned move: with no live holder there is nothing to reserve from (lease-rules
// decideReserve refuses: "this is a failover"), and the import must already carry an
// epoch above everything the dead host ever saw (I3), durable before any agent acts on
// it (DESIGN "Leases and fencing"). From the grant on the target is the holder; if the
// run rolls back, its undo releases the lease so that a later failover may grant again.
import type { Inventory } from '../../inventory/inventory-schema.js';
import { draft, numberSteps, RunKind, type RunPlan } from '../run-plan.js';
import { inSiteMove } from './move-targets.js';
import { attach, boot, preflight, resolvedMoveOptions, takeStorage, targetChecks, waitHealthy, type MoveOptions } from './move-steps.js';

export interface FailoverOptions extends Omit<MoveOptions, 'shutdownTimeoutMs'> {
  /** The lost holder (the lease's last holder); null when the zone never had one. */
  source: string | null;
  target: string;
}

export function planFailover(inventory: Inventory, zoneName: string, options: FailoverOptions): RunPlan {
  const move = inSiteMove(inventory, RunKind.Failover, zoneName, options.source, options.target);
  const { zone, group } = move;
  const source = move.source?.host.name ?? null;
  const target = move.target.host.name;
  const o = resolvedMoveOptions(options);
  return {
    kind: RunKind.Failover,
    zone: zone.name,
    source,
    target,
    steps: numberSteps([
      // Nothing is asked of the source: it is dead or cut off.
      preflight(zone, targetChecks(zone, group, target)),
      draft(zone.name, 'await-lease-grantable', null, 'current', {
        holder: source,
        lossPolicy: zone.policy.leaseLossPolicy,
        safetyMarginMs: zone.policy.safetyMarginMs,
      }),
      draft(zone.name, 'grant-lease', null, 'next', { host: target }),
      ...takeStorage(zone, group, target, { clearForeignLock: true }),
      attach(zone, target, source),
      boot(zone, target, o.bootArgs),
      waitHealthy(zone, target, o.healthTimeoutMs),
    ]),
  };
}
