// A zone's health checks as the inventory declares them, named and turned into what the
// holder's agent runs (leases.proto HealthCheckSpec). Names are the kind, suffixed -2,
// -3, ... when a kind repeats, so results keep one name however often they are listed.
import type { HealthCheckSpec } from '../../shared/gen/twinzone/v1/leases.js';
import type { HealthCheck, Zone } from '../inventory/inventory-schema.js';

export interface NamedCheck {
  name: string;
  check: HealthCheck;
}

/** The zone's checks in inventory order with their report names. */
export function namedChecks(zone: Pick<Zone, 'healthChecks'>): NamedCheck[] {
  const seen = new Map<string, number>();
  return zone.healthChecks.map((check) => {
    const n = (seen.get(check.kind) ?? 0) + 1;
    seen.set(check.kind, n);
    return { name: n === 1 ? check.kind : `${check.kind}-${n}`, check };
  });
}

function probeOf(zone: Pick<Zone, 'name' | 'service'>, check: HealthCheck): HealthCheckSpec['probe'] {
  const base = { timeoutMs: check.timeoutMs };
  switch (check.kind) {
    case 'zone-state':
      return { ...base, probe: { $case: 'zoneState', value: { zone: zone.name } } };
    case 'tcp':
      return { ...base, probe: { $case: 'tcp', value: { host: check.address, port: check.port } } };
    case 'http':
      return { ...base, probe: { $case: 'http', value: { url: `http://${zone.service.address}:${check.port}${check.path}`, expectStatus: check.expectStatus } } };
    case 'zlogin':
      return { ...base, probe: { $case: 'zlogin', value: { zone: zone.name, argv: check.argv, expectExitCode: check.expectExitCode } } };
  }
}

/** What ListHostLeases sends the holder of ZONE. */
export function checkSpecs(zone: Pick<Zone, 'name' | 'service' | 'healthChecks'>): HealthCheckSpec[] {
  return namedChecks(zone).map(({ name, check }) => ({ name, intervalMs: check.intervalMs, failureThreshold: check.failureThreshold, probe: probeOf(zone, check) }));
}
