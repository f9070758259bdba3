// The Agent service edge: each handler validates the request, passes the mutation
// gate (op id, zone lock, fencing epoch), calls one operation and converts its result.
// Nothing else happens here.
import type { ServiceBinding } from '../../shared/grpc/serve.js';
import { AgentService } from '../../shared/gen/twinzone/v1/agent.js';
import type { AgentRuntime } from '../agent-runtime.js';
import { AGENT_ACCESS } from './agent-access.js';
import { archiveHandlers } from './archive-handlers.js';
import { drillHandlers } from './drill-handlers.js';
import { hookHandlers } from './hook-handlers.js';
import { hostHandlers } from './host-handlers.js';
import { MutationGate } from './mutation-gate.js';
import { operationRecordHandlers } from './op-record-handlers.js';
import { probeHandlers } from './probe-handlers.js';
import { storageHandlers } from './storage-handlers.js';
import { zoneHandlers } from './zone-handlers.js';

export function agentBinding(runtime: AgentRuntime): ServiceBinding {
  const gate = new MutationGate({
    epochs: runtime.epochs,
    locks: runtime.locks,
    results: runtime.results,
    clock: runtime.clock,
    opContext: (ctx, zone, dryRun) => runtime.opContext(ctx, zone, dryRun),
  });
  return {
    definition: AgentService,
    access: AGENT_ACCESS,
    implementation: {
      ...hostHandlers(runtime),
      ...zoneHandlers(runtime, gate),
      ...storageHandlers(runtime, gate),
      ...archiveHandlers(runtime, gate),
      ...drillHandlers(runtime, gate),
      ...probeHandlers(runtime),
      ...operationRecordHandlers(runtime),
      ...hookHandlers(runtime),
    },
  };
}
