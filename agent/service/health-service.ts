// grpc.health.v1 for the agent itself: SERVING while it accepts work, NOT_SERVING once
// it is shutting down (so a caller stops sending before the socket closes).
import type { ServiceBinding } from '../../shared/grpc/serve.js';
import { HealthCheckResponse_ServingStatus, HealthService, type HealthCheckRequest, type HealthCheckResponse } from '../../shared/gen/grpc/health/v1/health.js';
import { HEALTH_ACCESS } from './agent-access.js';
import type { ServerUnaryCall, ServerWritableStream, sendUnaryData } from '@grpc/grpc-js';

export class HealthState {
  serving = true;
  status(service: string, known: string[]): HealthCheckResponse_ServingStatus {
    if (service !== '' && !known.includes(service)) return HealthCheckResponse_ServingStatus.SERVICE_UNKNOWN;
    return this.serving ? HealthCheckResponse_ServingStatus.SERVING : HealthCheckResponse_ServingStatus.NOT_SERVING;
  }
}

export function healthBinding(state: HealthState, known: string[]): ServiceBinding {
  return {
    definition: HealthService,
    access: HEALTH_ACCESS,
    implementation: {
      check: (call: ServerUnaryCall<HealthCheckRequest, HealthCheckResponse>, cb: sendUnaryData<HealthCheckResponse>) =>
        cb(null, { status: state.status(call.request.service, known) }),
      watch: (call: ServerWritableStream<HealthCheckRequest, HealthCheckResponse>) => {
        // One answer, then the stream stays open until the caller leaves.
        call.write({ status: state.status(call.request.service, known) });
      },
    },
  };
}
