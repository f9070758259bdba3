// Restart in place (issue 5 "Automation policy": a sick application is first restarted on
// the host that holds it, as VCS's RestartLimit does before a failover): the holder keeps
// its lease and every step runs under the lease's current epoch (I3), so nothing about
// ownership changes and the zone's storage stays where it is (I2). preflight → graceful
// shutdown with timeout, then halt → boot → wait for running and the health checks.
//
// A failed boot or health wait rolls back through the catalogue's undos (halt, then boot
// again): the zone is left booted on its holder, as it was, and the run says it failed;
// automation then counts it against the restart limit.
import { TwinzoneError } from '../../../shared/errors/twinzone-error.js';
import type { Inventory } from '../../inventory/inventory-schema.js';
import { draft, numberSteps, RunKind, type RunPlan } from '../run-plan.js';
import { findZone, groupOf } from './move-targets.js';
import { preflight, resolvedMoveOptions, type MoveOptions } from './move-steps.js';

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
        // A zone whose application died still runs; one that went down to installed is booted.
        { check: 'zone-state', host: holder, allow: ['running', 'ready', 'installed'] },
        { check: 'storage-imported', host: holder, kind: group.kind, group: group.name },
      ]),
      draft(zone.name, 'shutdown-zone', holder, 'current', { timeoutMs: o.shutdownTimeoutMs }),
      draft(zone.name, 'boot-zone', holder, 'current', { bootArgs: o.bootArgs }),
      draft(zone.name, 'wait-healthy', null, 'current', { host: holder, service: zone.service, checks: zone.healthChecks, timeoutMs: o.healthTimeoutMs }),
    ]),
  };
}
