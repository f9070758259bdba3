// GET /metrics for a prom-client registry, in the Prometheus text format.
import type { Registry } from 'prom-client';
import type { HttpRoute } from './http-endpoint.js';

export function metricsRoute(registry: Registry): HttpRoute {
  return async () => ({ contentType: registry.contentType, body: await registry.metrics() });
}
