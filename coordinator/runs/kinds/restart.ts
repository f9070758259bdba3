// Restart in place (issue 5 "Automation policy": a sick application is first restarted on
// the host that holds it, as VCS's RestartLimit does before a failover): the holder keeps
// its lease and every step runs under the lease's current epoch (I3), so nothing about
// ownership changes and the zone's storage stays where it is (I2). preflight → graceful
// shutdown with timeout, then halt → the holder's storage imported and mounted and the
// zone attached, each "already" so when nothing is missing → boot → wait for running and
// the health checks.
//
// Like a cluster's online of a service group, it brings the zone up from whatever its
// holder has left: a zone that went down to installed, or one a rolled-back move left
// detached with its storage deported (a run that ends rollback_failed while the holder
// still renews its lease: a failover would wait for a lease that never expires).
//
// A failed boot or health wait rolls back by halting the zone: it is left down on its
// holder, the run says it failed, and automation counts it against the restart limit (a
// cluster's failed online faults the group the same way). The shutdown, the storage and
// the attach are not undone: they are what the holder should have anyway.
import { TwinzoneError } from '../../../shared/errors/twinzone-error.js';
import type { Inventory } from '../../inventory/inventory-schema.js';
import { draft, numberSteps, RunKind, type RunPlan } from '../run-plan.js';
import { findZone, groupOf } from './move-targets.js';
import { preflight, resolvedMoveOptions, takeStorage, type MoveOptions } from './move-steps.js';

export interface RestartOptions extends Omit<MoveOptions, 'bootArgs'> {
  /** The lease holder: the host the zone restarts on. */
  holder: string;
  bootArgs?: string[];
}

export function planRestart(inventory: Inventory, zoneName: string, options: RestartOptions): RunPlan {
  const zone = findZone(inventory, zoneName);
  const group = groupOf(inventory, zone);
  const { holder } = options;
  if (!zone.twins.some((t) => t.host === holder)) {
    throw new TwinzoneError('INVALID_ARGUMENT', `${holder} is not a twin of ${zone.name}; its twins are ${zone.twins.map((t) => `${t.host} (${t.role})`).join(', ')}`, {
      fields: { zone: zone.name, host: holder, field: 'target' },
    });
  }
  const o = resolvedMoveOptions(options);
  return {
    kind: RunKind.Restart,
    zone: zone.name,
    source: holder,
    target: holder,
    steps: numberSteps([
      preflight(zone, [
        { check: 'agent-up', host: holder },
        // A zone whose application died still runs; one that went down to installed, or
        // was left detached, is brought up.
        { check: 'zone-state', host: holder, allow: ['running', 'ready', 'installed', 'detached'] },
        { check: 'storage-visible', host: holder, kind: group.kind, group: group.name },
      ]),
      // No undo: booting again is what the boot step below does; a zone it could not bring
      // up is left down on its holder, the run failed, and the next decision is a move.
      draft(zone.name, 'shutdown-zone', holder, 'current', { timeoutMs: o.shutdownTimeoutMs }, { undo: null }),
      ...takeStorage(zone, group, holder, { clearForeignLock: false, epoch: 'current', undo: false }),
      draft(zone.name, 'attach-zone', holder, 'current', { force: false, forceIfAccepted: false, deltasFrom: null }, { undo: null }),
      draft(zone.name, 'boot-zone', holder, 'current', { bootArgs: o.bootArgs }),
      draft(zone.name, 'wait-healthy', null, 'current', { host: holder, service: zone.service, checks: zone.healthChecks, timeoutMs: o.healthTimeoutMs }),
    ]),
  };
}
