// agent.proto's RunProbeRequest.probe (a oneof) as a ProbeSpec: the RunProbe handler and
// the health checks ListHostLeases sends (leases.proto HealthCheckSpec) both carry one.
import type { RunProbeRequest } from '../../shared/gen/twinzone/v1/agent.js';
import type { ProbeSpec } from './run-probe.js';

/** The spec, or why there is none (one clause for an INVALID_ARGUMENT). */
export function probeSpecFromProto(probe: RunProbeRequest['probe']): ProbeSpec | string {
  switch (probe?.$case) {
    case 'zoneState':
      return { kind: 'zone-state', zone: probe.value.zone };
    case 'tcp':
      if (!probe.value.host || probe.value.port < 1 || probe.value.port > 65535) return 'probe.tcp needs a host and a port 1-65535';
      return { kind: 'tcp', host: probe.value.host, port: probe.value.port };
    case 'http':
      return { kind: 'http', url: probe.value.url, expectStatus: probe.value.expectStatus };
    case 'zlogin':
      if (probe.value.argv.length === 0) return 'probe.zlogin.argv is empty';
      return { kind: 'zlogin', zone: probe.value.zone, argv: probe.value.argv, expectExitCode: probe.value.expectExitCode };
    default:
      return 'the request names no probe';
  }
}
