// RunProbe: one health probe, run close to the zone. Probes are read-only and never
// fenced: a probe must be able to look at a zone it does not hold.
import { errors } from '../../shared/errors/twinzone-error.js';
import { unary } from '../../shared/grpc/unary-handler.js';
import type { RunProbeRequest, RunProbeResponse } from '../../shared/gen/twinzone/v1/agent.js';
import type { AgentRuntime } from '../agent-runtime.js';
import { httpProbe } from '../probes/http-probe.js';
import { tcpProbe } from '../probes/tcp-probe.js';
import { zloginProbe } from '../probes/zlogin-probe.js';
import { zoneStateProbe } from '../probes/zone-state-probe.js';
import type { ProbeResult } from '../probes/probe-result.js';
import { requireZone } from './mutation-gate.js';

const DEFAULT_PROBE_TIMEOUT_MS = 5000;

export function probeHandlers(runtime: AgentRuntime) {
  return {
    runProbe: unary<RunProbeRequest, RunProbeResponse>(runtime.log, 'RunProbe', () => ({}), async (req, ctx) => {
      const timeoutMs = req.timeoutMs > 0 ? req.timeoutMs : DEFAULT_PROBE_TIMEOUT_MS;
      const op = runtime.opContext(ctx, undefined, false);
      const probe = req.probe;
      let result: ProbeResult;
      switch (probe?.$case) {
        case 'zoneState':
          result = await zoneStateProbe(op, requireZone('probe.zone_state.zone', probe.value.zone), timeoutMs);
          break;
        case 'tcp':
          if (!probe.value.host || probe.value.port < 1 || probe.value.port > 65535) throw errors.invalidArgument('probe.tcp needs a host and a port 1-65535');
          result = await tcpProbe(probe.value.host, probe.value.port, timeoutMs);
          break;
        case 'http':
          result = await httpProbe(probe.value.url, probe.value.expectStatus, timeoutMs);
          break;
        case 'zlogin':
          if (probe.value.argv.length === 0) throw errors.invalidArgument('probe.zlogin.argv is empty');
          result = await zloginProbe(op, requireZone('probe.zlogin.zone', probe.value.zone), probe.value.argv, probe.value.expectExitCode, timeoutMs);
          break;
        default:
          throw errors.invalidArgument('the request names no probe');
      }
      runtime.metrics.probe(probe.$case, result);
      return { ...result, commands: op.commands };
    }),
  };
}
