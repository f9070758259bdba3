// Planned switchover inside a site (DESIGN "Planned switchover inside a site (BC, shared
// SAN)"): preflight → lease to migrating with the next epoch reserved for the target →
// source under the current epoch: graceful shutdown with timeout then halt, detach,
// unmount the application file systems, deport → target under the next epoch: import,
// mount, attach (-F only if every delta is accepted), boot → wait for running and the
// health checks → commit the lease to the target.
//
// If a target step fails, the rollback is the reverse of what was done (run-plan.ts
// undoChain): the target's undos, then the source re-imports, mounts, re-attaches and
// boots, then the move is abandoned and the source keeps its lease (DESIGN: "undo on
// the target, re-import on the source, attach, boot, and report").
import type { Inventory } from '../../inventory/inventory-schema.js';
import { draft, numberSteps, RunKind, type RunPlan } from '../run-plan.js';
import { inSiteMove, requireSource } from './move-targets.js';
import { attach, boot, plannedMoveChecks, preflight, quiesceSource, resolvedMoveOptions, takeStorage, waitHealthy, type MoveOptions } from './move-steps.js';

export interface SwitchoverOptions extends MoveOptions {
  /** The live twin's host (the lease holder). */
  source: string;
  target: string;
}

export function planSwitchover(inventory: Inventory, zoneName: string, options: SwitchoverOptions): RunPlan {
  const move = inSiteMove(inventory, RunKind.Switchover, zoneName, options.source, options.target);
  const { zone, group } = move;
  const source = requireSource(move).host.name;
  const target = move.target.host.name;
  const o = resolvedMoveOptions(options);
  return {
    kind: RunKind.Switchover,
    zone: zone.name,
    source,
    target,
    steps: numberSteps([
      preflight(zone, plannedMoveChecks(zone, group, source, target)),
      draft(zone.name, 'reserve-lease', null, 'next', { target }),
      ...quiesceSource(zone, group, source, { shutdownTimeoutMs: o.shutdownTimeoutMs, epoch: 'current' }),
      ...takeStorage(zone, group, target, { clearForeignLock: false }),
      attach(zone, target, source),
      boot(zone, target, o.bootArgs),
      waitHealthy(zone, target, o.healthTimeoutMs),
      draft(zone.name, 'commit-lease', null, 'next', { target }),
    ]),
  };
}
