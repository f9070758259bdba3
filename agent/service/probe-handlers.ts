// RunProbe: one health probe, run close to the zone. Probes are read-only and never
// fenced: a probe must be able to look at a zone it does not hold.
import { errors } from '../../shared/errors/twinzone-error.js';
import { unary } from '../../shared/grpc/unary-handler.js';
import type { RunProbeRequest, RunProbeResponse } from '../../shared/gen/twinzone/v1/agent.js';
import type { AgentRuntime } from '../agent-runtime.js';
import { probeSpecFromProto } from '../probes/probe-spec-proto.js';
import { runProbe } from '../probes/run-probe.js';
import { requireZone } from './mutation-gate.js';

const DEFAULT_PROBE_TIMEOUT_MS = 5000;

export function probeHandlers(runtime: AgentRuntime) {
  return {
    runProbe: unary<RunProbeRequest, RunProbeResponse>(runtime.log, 'RunProbe', () => ({}), async (req, ctx) => {
      const timeoutMs = req.timeoutMs > 0 ? req.timeoutMs : DEFAULT_PROBE_TIMEOUT_MS;
      const op = runtime.opContext(ctx, undefined, false);
      const spec = probeSpecFromProto(req.probe);
      if (typeof spec === 'string') throw errors.invalidArgument(spec);
      if (spec.kind === 'zone-state' || spec.kind === 'zlogin') requireZone(`probe.${spec.kind.replace('-', '_')}.zone`, spec.zone);
      const result = await runProbe(op, spec, timeoutMs);
      runtime.metrics.probe(spec.kind, result);
      return { ...result, commands: op.commands };
    }),
  };
}
