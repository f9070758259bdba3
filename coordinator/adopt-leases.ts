// At start, a zone that has never had a lease but runs on exactly one of its twins is
// adopted: its lease is granted to that host (a first placement, lease-rules decideGrant),
// so the first planned run has a holder to move from. A zone running on two hosts is
// left alone and logged (I1 is already broken; an operator decides), and so is a zone
// running nowhere, or one whose twin host gave no readable zone list (it may run there
// too: a partial view is no ground for a lease). Leases that exist are never touched here.
// Zones left waiting for a host's answer are tried again in the background (keepAdopting):
// agents that start after the coordinator, or answer slowly under load, are heard later.
import { isTwinzoneError } from '../shared/errors/twinzone-error.js';
import type { Logger } from '../shared/log/create-logger.js';
import type { AgentPool } from './agents/agent-pool.js';
import { readZoneLocations, runningHosts, unansweredTwins } from './control/zone-locations.js';
import type { Inventory } from './inventory/inventory-schema.js';
import type { LeaseManager } from './leases/lease-manager.js';

const ADOPTION_LIST_DEADLINE_MS = 30_000;

export interface Adoption {
  adopted: string[];
  /** Zones not adopted because a twin host gave no readable zone list: worth another try. */
  waiting: string[];
}

export async function adoptRunningZones(inventory: Inventory, leases: LeaseManager, agents: AgentPool, log: Logger, only?: ReadonlySet<string>): Promise<Adoption> {
  const unleased = inventory.zones.filter((z) => (!only || only.has(z.name)) && (leases.get(z.name)?.state ?? 'free') === 'free');
  if (unleased.length === 0) return { adopted: [], waiting: [] };
  const twinHosts = new Set(unleased.flatMap((z) => z.twins.map((t) => t.host)));
  // Nobody waits on adoption: a host slow to list its zones (loaded, just booted) is given
  // longer than a status call would give it, rather than asked again and again.
  const locations = await readZoneLocations(agents, agents.hosts().filter((h) => twinHosts.has(h)), undefined, ADOPTION_LIST_DEADLINE_MS);
  const adopted: string[] = [];
  const waiting: string[] = [];
  for (const zone of unleased) {
    const running = runningHosts(locations, zone.name).filter((h) => zone.twins.some((t) => t.host === h));
    const unknown = unansweredTwins(locations, zone.twins.map((t) => t.host));
    if (unknown.size > 0) {
      log.warn({ zone: zone.name, hosts: [...unknown.keys()] }, 'zone not adopted yet: a twin host gave no readable zone list; trying again');
      waiting.push(zone.name);
      continue;
    }
    if (running.length !== 1) {
      if (running.length > 1) log.error({ zone: zone.name, hosts: running }, 'zone runs on several hosts; not adopted');
      continue;
    }
    // Re-read after the await: a run or an operator may have placed it meanwhile.
    if ((leases.get(zone.name)?.state ?? 'free') !== 'free') continue;
    try {
      const lease = leases.grant(zone.name, running[0]!, { who: 'coordinator' });
      log.info({ zone: zone.name, host: running[0], epoch: lease.epoch }, 'running zone adopted');
      adopted.push(zone.name);
    } catch (err) {
      if (!isTwinzoneError(err)) throw err;
      log.warn({ zone: zone.name, host: running[0], err: { code: err.code, message: err.message } }, 'running zone not adopted');
    }
  }
  return { adopted, waiting };
}

/**
 * Tries the waiting zones again, DELAY apart (doubling up to maxDelayMs), until none waits
 * or stop() is called. Only zones still without a lease are adopted: a run or an operator
 * may have placed one meanwhile, and an existing lease is never touched.
 */
export function keepAdopting(
  waiting: readonly string[],
  adopt: (only: ReadonlySet<string>) => Promise<Adoption>,
  log: Logger,
  o: { firstDelayMs: number; maxDelayMs: number },
): { stop(): void; done: Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let wake: () => void = () => undefined;
  const done = (async () => {
    let left = new Set(waiting);
    let delay = o.firstDelayMs;
    while (left.size > 0 && !stopped) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, delay);
        timer.unref();
      });
      if (stopped) break;
      try {
        const r = await adopt(left);
        left = new Set(r.waiting);
        if (r.adopted.length > 0) log.info({ zones: r.adopted.length, waiting: left.size }, 'running zones adopted on a later try');
      } catch (err) {
        log.warn({ err }, 'adoption try failed; trying again');
      }
      delay = Math.min(delay * 2, o.maxDelayMs);
    }
  })();
  return {
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      wake();
    },
    done,
  };
}
