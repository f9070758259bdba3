// The coordinator's HTTP side: /metrics at `metrics: HOST:PORT`, the status page at
// `http: HOST:PORT`; one listener serves both when the two addresses are the same.
import { startHttpEndpoint, type HttpEndpoint, type HttpRoute } from '../../shared/http/http-endpoint.js';
import { metricsRoute } from '../../shared/http/metrics-route.js';
import type { ControlDeps } from '../control/control-deps.js';
import type { CoordinatorConfig } from '../coordinator-config.js';
import type { CoordinatorMetrics } from '../metrics/coordinator-metrics.js';
import { statusPageRoute } from './status-route.js';

export async function startHttpListeners(config: CoordinatorConfig, metrics: CoordinatorMetrics, deps: ControlDeps): Promise<HttpEndpoint[]> {
  const byAddress = new Map<string, Record<string, HttpRoute>>();
  const add = (bind: string | null, path: string, route: HttpRoute) => {
    if (bind !== null) byAddress.set(bind, { ...byAddress.get(bind), [path]: route });
  };
  add(config.metrics, '/metrics', metricsRoute(metrics.registry));
  add(config.http, '/', statusPageRoute(deps));
  const started: HttpEndpoint[] = [];
  try {
    for (const [bind, routes] of byAddress) started.push(await startHttpEndpoint({ bind, routes, log: deps.log }));
  } catch (err) {
    await Promise.all(started.map((e) => e.close()));
    throw err;
  }
  return started;
}
