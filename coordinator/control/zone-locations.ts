// Where each zone runs and in which state each twin is, as the agents say right now
// (ListZones on every reachable host, in parallel). A host that did not answer, or whose
// zone list could not be read whole (COMMAND_OUTPUT), is left out and named with the
// reason: its twins show as unknown, and nobody may conclude from the other hosts alone
// that a zone runs nowhere else (unansweredTwins).
import { ZoneState } from '../../shared/gen/twinzone/v1/common.js';
import { isTwinzoneError } from '../../shared/errors/twinzone-error.js';
import type { AgentPool } from '../agents/agent-pool.js';

export interface ZoneLocations {
  /** zone → host → state */
  states: Map<string, Map<string, ZoneState>>;
  /** Hosts whose agent did not answer ListZones with a readable list → why. */
  unanswered: Map<string, string>;
}

/** ListZones answers in milliseconds; a host that takes longer is as good as down for a status. */
const LIST_DEADLINE_MS = 5_000;

/** DEADLINE_MS: LIST_DEADLINE_MS for a caller waiting on it; background work can wait longer for a loaded host. */
export async function readZoneLocations(agents: AgentPool, hosts: readonly string[], signal?: AbortSignal, deadlineMs = LIST_DEADLINE_MS): Promise<ZoneLocations> {
  const states = new Map<string, Map<string, ZoneState>>();
  const unanswered = new Map<string, string>();
  await Promise.all(
    hosts.map(async (host) => {
      try {
        const reply = await agents.get(host).listZones({}, { signal, deadlineMs });
        for (const z of reply.zones) {
          if (!states.has(z.name)) states.set(z.name, new Map());
          states.get(z.name)!.set(host, z.state);
        }
      } catch (err) {
        unanswered.set(host, isTwinzoneError(err) ? err.message : String(err));
      }
    }),
  );
  return { states, unanswered };
}

export function runningHosts(locations: ZoneLocations, zone: string): string[] {
  return [...(locations.states.get(zone) ?? new Map<string, ZoneState>()).entries()].filter(([, s]) => s === ZoneState.ZONE_STATE_RUNNING).map(([h]) => h).sort();
}

/** The zone's twin hosts that did not answer with a readable list, with why. */
export function unansweredTwins(locations: ZoneLocations, twinHosts: readonly string[]): Map<string, string> {
  return new Map([...locations.unanswered].filter(([h]) => twinHosts.includes(h)));
}

/**
 * What planning a run needs to know of where ZONE runs. With a lease that names a holder,
 * the holder is the zone's home (run-request currentHolder) and nobody is asked: a
 * failover's planning used to wait on the dead holder's ListZones (deadline and retries)
 * before its run even started. Without one, every twin host is asked.
 */
export async function planningLocations(
  agents: AgentPool,
  lease: { holder: string | null; state: string } | undefined,
  zone: string,
  twinHosts: readonly string[],
  signal?: AbortSignal,
): Promise<{ runningOn: string[]; unanswered: Map<string, string> }> {
  if (lease && lease.holder && lease.state !== 'free') return { runningOn: [], unanswered: new Map() };
  const locations = await readZoneLocations(agents, twinHosts, signal);
  return { runningOn: runningHosts(locations, zone), unanswered: unansweredTwins(locations, twinHosts) };
}
