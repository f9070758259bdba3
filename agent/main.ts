// `twinzone agent run --config FILE`: the agent as a system service. Logs are pino JSON
// on stdout; a bad configuration exits 2 with one line per problem on stderr; SIGTERM
// stops accepting calls, lets running operations finish for a grace period, then exits.
// It serves mutual TLS with its certificate (README "Security"); an unusable one (key
// readable by others, expired, another CA's, not an agent's) exits 2 with the reason.
import { ConfigError } from '../shared/config/load-config.js';
import { createLogger } from '../shared/log/create-logger.js';
import { startServer } from '../shared/grpc/serve.js';
import { startHttpEndpoint } from '../shared/http/http-endpoint.js';
import { metricsRoute } from '../shared/http/metrics-route.js';
import { daemonTls, INSECURE_FLAG } from '../shared/tls/tls-config.js';
import { Role } from '../shared/tls/roles.js';
import { loadAgentConfig } from './agent-config.js';
import { createAgentRuntime } from './agent-runtime.js';
import { runLeaseKeeper } from './leases/run-lease-keeper.js';
import { agentBinding } from './service/agent-service.js';
import { healthBinding, HealthState } from './service/health-service.js';

const SHUTDOWN_GRACE_MS = 30_000;

export async function runAgent(args: string[]): Promise<number> {
  const pretty = args.includes('--log-pretty');
  const insecure = args.includes(INSECURE_FLAG);
  const argv = args.filter((a) => a !== '--log-pretty' && a !== INSECURE_FLAG);
  const configIndex = argv.indexOf('--config');
  const file = configIndex >= 0 ? argv[configIndex + 1] : undefined;
  if (!file || argv.length !== 2) {
    process.stderr.write('usage: twinzone agent run --config FILE [--log-pretty] [--insecure]\n');
    return 2;
  }
  let config;
  try {
    config = loadAgentConfig(file);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`twinzone agent: invalid configuration:\n${err.problems.map((p) => `  ${p}`).join('\n')}\n`);
      return 2;
    }
    throw err;
  }
  const log = createLogger({ name: 'agent', level: config.logLevel, base: { host: config.host }, pretty });
  const tls = daemonTls(config.tls, insecure, [Role.Agent], log);
  if (!tls.ok) {
    process.stderr.write(`twinzone agent: ${tls.reason}\n`);
    return 2;
  }
  const runtime = createAgentRuntime(config, log, { tls: tls.identity });
  const health = new HealthState();
  const server = await startServer({
    bind: config.listen,
    log,
    ...(tls.identity ? { tls: { identity: tls.identity } } : {}),
    services: [agentBinding(runtime), healthBinding(health, ['twinzone.v1.Agent'])],
  }).catch((err: Error) => {
    log.fatal({ err, listen: config.listen }, 'cannot listen');
    return null;
  });
  if (!server) return 1;
  const metrics = config.metrics
    ? await startHttpEndpoint({ bind: config.metrics, log, routes: { '/metrics': metricsRoute(runtime.metrics.registry) } }).catch((err: Error) => {
        log.fatal({ err, metrics: config.metrics }, 'cannot listen for metrics');
        return null;
      })
    : null;
  if (config.metrics && !metrics) {
    await server.close(0);
    return 1;
  }
  log.info({ port: server.port, address: server.address, fsRoot: config.fsRoot, platform: runtime.platform.os, metricsPort: metrics?.port, tls: tls.identity !== null }, 'listening');
  // With a coordinator, this agent holds leases: renew them, and self-fence (itself and
  // through its watchdog) when they are lost (DESIGN "Leases and fencing").
  const leases = config.coordinator ? runLeaseKeeper(runtime, config.coordinator) : null;

  return new Promise<number>((resolve) => {
    const stop = (signal: string) => {
      log.info({ signal, busyZones: runtime.locks.busyZones }, 'shutting down');
      health.serving = false;
      Promise.all([server.close(SHUTDOWN_GRACE_MS), leases?.stop(), metrics?.close()]).then(() => {
        log.info('stopped');
        resolve(0);
      });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
