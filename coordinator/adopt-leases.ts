// At start, a zone that has never had a lease but runs on exactly one of its twins is
// adopted: its lease is granted to that host (a first placement, lease-rules decideGrant),
// so the first planned run has a holder to move from. A zone running on two hosts is
// left alone and logged (I1 is already broken; an operator decides), and so is a zone
// running nowhere, or one whose twin host gave no readable zone list (it may run there
// too: a partial view is no ground for a lease). Leases that exist are never touched here.
import { isTwinzoneError } from '../shared/errors/twinzone-error.js';
import type { Logger } from '../shared/log/create-logger.js';
import type { AgentPool } from './agents/agent-pool.js';
import { readZoneLocations, runningHosts, unansweredTwins } from './control/zone-locations.js';
import type { Inventory } from './inventory/inventory-schema.js';
import type { LeaseManager } from './leases/lease-manager.js';

export async function adoptRunningZones(inventory: Inventory, leases: LeaseManager, agents: AgentPool, log: Logger): Promise<string[]> {
  const unleased = inventory.zones.filter((z) => (leases.get(z.name)?.state ?? 'free') === 'free');
  if (unleased.length === 0) return [];
  const locations = await readZoneLocations(agents, agents.hosts());
  const adopted: string[] = [];
  for (const zone of unleased) {
    const running = runningHosts(locations, zone.name).filter((h) => zone.twins.some((t) => t.host === h));
    const unknown = unansweredTwins(locations, zone.twins.map((t) => t.host));
    if (unknown.size > 0) {
      log.warn({ zone: zone.name, hosts: [...unknown.keys()] }, 'zone not adopted: a twin host gave no readable zone list');
      continue;
    }
    if (running.length !== 1) {
      if (running.length > 1) log.error({ zone: zone.name, hosts: running }, 'zone runs on several hosts; not adopted');
      continue;
    }
    try {
      const lease = leases.grant(zone.name, running[0]!, { who: 'coordinator' });
      log.info({ zone: zone.name, host: running[0], epoch: lease.epoch }, 'running zone adopted');
      adopted.push(zone.name);
    } catch (err) {
      if (!isTwinzoneError(err)) throw err;
      log.warn({ zone: zone.name, host: running[0], err: { code: err.code, message: err.message } }, 'running zone not adopted');
    }
  }
  return adopted;
}
