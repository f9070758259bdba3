// GetStatus: every zone (or one) with its lease, the twin states the agents report, the
// host it runs on and its health checks' latest results, plus every host's reachability,
// health and last renewal (coordinator/health). Read-only.
import { TwinzoneError } from '../../shared/errors/twinzone-error.js';
import type { GetStatusResponse, HostStatus, ZoneStatus } from '../../shared/gen/twinzone/v1/control.js';
import { ZoneState } from '../../shared/gen/twinzone/v1/common.js';
import type { ControlDeps } from './control-deps.js';
import { toProtoLease } from './proto-convert.js';
import { readZoneLocations, runningHosts } from './zone-locations.js';

/** ZoneStatus.frozen*: a frozen zone gets no automatic run (twinzone freeze, or the flapping rule). */
function frozenStatus(deps: ControlDeps, zone: string): Pick<ZoneStatus, 'frozen' | 'frozenReason' | 'frozenBy'> {
  const f = deps.store.freezes.get(zone);
  return { frozen: f !== undefined, frozenReason: f?.reason ?? '', frozenBy: f?.frozenBy ?? '' };
}

export async function getStatus(deps: ControlDeps, zoneFilter: string, signal?: AbortSignal): Promise<GetStatusResponse> {
  const zones = deps.inventory.zones.filter((z) => zoneFilter === '' || z.name === zoneFilter);
  if (zoneFilter !== '' && zones.length === 0) {
    throw new TwinzoneError('ZONE_NOT_FOUND', `zone ${zoneFilter} is not in the inventory (${deps.inventory.file})`, { fields: { zone: zoneFilter } });
  }
  const hosts = deps.agents.hosts();
  const [reach, locations] = await Promise.all([deps.agents.probeAll(signal), readZoneLocations(deps.agents, hosts, signal)]);
  const nowMs = deps.clock.nowMs();

  const zoneStatus: ZoneStatus[] = zones.map((z) => ({
    zone: z.name,
    // Two hosts here is an I1 violation; the CLI shows both rather than pick one.
    liveHost: runningHosts(locations, z.name).join(','),
    lease: toProtoLease(deps.leases.get(z.name), nowMs),
    twins: z.twins.map((t) => ({
      host: t.host,
      role: t.role,
      state: locations.unanswered.has(t.host) ? ZoneState.ZONE_STATE_UNSPECIFIED : (locations.states.get(z.name)?.get(t.host) ?? ZoneState.ZONE_STATE_UNSPECIFIED),
    })),
    activeRun: deps.store.runs.unfinishedForZone(z.name)?.id ?? '',
    probes: (deps.health?.checks(z.name) ?? []).map((c) => ({
      host: c.host,
      check: c.check,
      healthy: c.healthy,
      detail: c.detail,
      streak: c.streak,
      atMs: c.atMs,
      ageMs: Math.max(0, nowMs - c.receivedAtMs),
      failureThreshold: c.failureThreshold,
    })),
    ...frozenStatus(deps, z.name),
  }));

  const hostStatus: HostStatus[] = deps.store.hosts.list().map((h) => {
    const renewedAtMs = deps.health?.lastRenewalAtMs(h.name) ?? null;
    return {
      host: h.name,
      site: h.site,
      address: h.agentAddress,
      reachable: reach.get(h.name)?.state === 'serving',
      confirmedDown: h.confirmedDownAtMs !== null,
      // 0 when never heard since the coordinator started; at least 1 once heard.
      lastRenewalAgeMs: renewedAtMs === null ? 0 : Math.max(1, nowMs - renewedAtMs),
      health: deps.health?.hostHealth(h.name) ?? 'unknown',
    };
  });
  return { zones: zoneStatus, hosts: hostStatus };
}
