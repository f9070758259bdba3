// Where each zone runs and in which state each twin is, as the agents say right now
// (ListZones on every reachable host, in parallel). An unreachable host is left out:
// its twins show as unknown rather than failing the whole answer.
import { ZoneState } from '../../shared/gen/twinzone/v1/common.js';
import type { AgentPool } from '../agents/agent-pool.js';

export interface ZoneLocations {
  /** zone → host → state */
  states: Map<string, Map<string, ZoneState>>;
  /** Hosts whose agent did not answer ListZones. */
  unanswered: Set<string>;
}

/** ListZones answers in milliseconds; a host that takes longer is as good as down for a status. */
const LIST_DEADLINE_MS = 5_000;

export async function readZoneLocations(agents: AgentPool, hosts: readonly string[], signal?: AbortSignal): Promise<ZoneLocations> {
  const states = new Map<string, Map<string, ZoneState>>();
  const unanswered = new Set<string>();
  await Promise.all(
    hosts.map(async (host) => {
      try {
        const reply = await agents.get(host).listZones({}, { signal, deadlineMs: LIST_DEADLINE_MS });
        for (const z of reply.zones) {
          if (!states.has(z.name)) states.set(z.name, new Map());
          states.get(z.name)!.set(host, z.state);
        }
      } catch {
        unanswered.add(host);
      }
    }),
  );
  return { states, unanswered };
}

export function runningHosts(locations: ZoneLocations, zone: string): string[] {
  return [...(locations.states.get(zone) ?? new Map<string, ZoneState>()).entries()].filter(([, s]) => s === ZoneState.ZONE_STATE_RUNNING).map(([h]) => h).sort();
}
