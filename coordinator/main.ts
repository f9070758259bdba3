// `twinzone coordinator run --config FILE --db FILE`: the coordinator as a system
// service. Logs are pino JSON on stdout. A bad configuration or inventory exits 2 with
// one line per problem on stderr (file, line, field), before anything is opened.
// The Leases service answers at once; unfinished runs are resumed or rolled back before
// the Control service answers a call (I4), and zones already running without a lease are
// adopted by their host
// (adopt-leases.ts); SIGTERM stops accepting calls, lets the sequencer reach a step boundary, closes
// the agent channels and the database.
import { ConfigError } from '../shared/config/load-config.js';
import { isTwinzoneError } from '../shared/errors/twinzone-error.js';
import { leasesBinding } from './control/leases-service.js';
import { gatedBinding } from '../shared/grpc/gated-binding.js';
import { startServer } from '../shared/grpc/serve.js';
import { createLogger } from '../shared/log/create-logger.js';
import { systemClock } from '../shared/time/clock.js';
import { AgentPool } from './agents/agent-pool.js';
import { adoptRunningZones, keepAdopting } from './adopt-leases.js';
import { applyInventory } from './apply-inventory.js';
import { controlBinding } from './control/control-service.js';
import { loadCoordinatorConfig } from './coordinator-config.js';
import { loadInventory } from './inventory/load-inventory.js';
import { LeaseManager } from './leases/lease-manager.js';
import { HealthMonitor } from './health/health-monitor.js';
import { startAutomation } from './automation/automation-wiring.js';
import { createRunSequencer } from './runs-factory.js';
import { startHttpListeners } from './http/http-listeners.js';
import { CoordinatorMetrics } from './metrics/coordinator-metrics.js';
import { countEventsAsMetrics } from './metrics/metrics-from-events.js';
import { openDatabase } from './store/open-database.js';
import { recordRefusal } from './control/audit.js';
import type { Refusal } from '../shared/grpc/access-control.js';
import { clientCredentials } from '../shared/grpc/tls-credentials.js';
import { daemonTls, INSECURE_FLAG } from '../shared/tls/tls-config.js';
import { Role } from '../shared/tls/roles.js';
import { signTransferGrant, type GrantRequest } from '../shared/tls/transfer-grant.js';
import { findZone } from './inventory/find-zone.js';

const USAGE = 'usage: twinzone coordinator run --config FILE --db FILE [--log-pretty] [--insecure]\n';
/** How often host health is judged from the renewals (suspect after two missed periods). */
const HEALTH_EVALUATE_MS = 250;

/** Streams of running runs get this long to end on their own after SIGTERM. */
const SHUTDOWN_GRACE_MS = 10_000;

function option(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

function problems(what: string, err: ConfigError): string {
  return `twinzone coordinator: invalid ${what}:\n${err.problems.map((p) => `  ${p}`).join('\n')}\n`;
}

export async function runCoordinator(args: string[]): Promise<number> {
  const pretty = args.includes('--log-pretty');
  const insecure = args.includes(INSECURE_FLAG);
  const argv = args.filter((a) => a !== '--log-pretty' && a !== INSECURE_FLAG);
  const configFile = option(argv, '--config');
  const dbFile = option(argv, '--db');
  if (!configFile || !dbFile || argv.length !== 4) {
    process.stderr.write(USAGE);
    return 2;
  }
  let config;
  let inventory;
  try {
    config = loadCoordinatorConfig(configFile);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(problems('configuration', err));
      return 2;
    }
    throw err;
  }
  try {
    inventory = loadInventory(config.inventory);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(problems('inventory', err));
      return 2;
    }
    throw err;
  }

  const log = createLogger({ name: 'coordinator', level: config.logLevel, pretty });
  // Before the database is opened: an unusable identity changes nothing (exit 2).
  const tls = daemonTls(config.tls, insecure, [Role.Coordinator], log);
  if (!tls.ok) {
    process.stderr.write(`twinzone coordinator: ${tls.reason}\n`);
    return 2;
  }
  const identity = tls.identity;
  const clock = systemClock;
  let store;
  try {
    store = openDatabase(dbFile);
  } catch (err) {
    // A database newer than this build, or on a file system without WAL: the operator's to fix.
    if (isTwinzoneError(err)) {
      process.stderr.write(`twinzone coordinator: cannot open the database ${dbFile}: ${err.message}; ${err.hint}\n`);
      return 2;
    }
    throw err;
  }
  applyInventory(store, inventory, clock);
  const metrics = new CoordinatorMetrics();
  countEventsAsMetrics(store, metrics, log);
  const agents = new AgentPool({
    addresses: Object.fromEntries(inventory.hosts.map((h) => [h.name, h.agent])),
    log,
    // Each host's channel accepts only that host's agent certificate.
    ...(identity
      ? {
          credentialsFor: (host: string) => clientCredentials(identity, { role: Role.Agent, name: host }),
          signGrant: (request: GrantRequest) => signTransferGrant(identity, request, clock.nowMs()),
        }
      : {}),
  });
  const leases = new LeaseManager({
    store, clock, log, marginMs: config.leases.marginMs, graceMs: config.leases.graceMs,
    zoneMarginMs: (zone) => findZone(inventory, zone)?.policy.safetyMarginMs,
  });
  leases.rearmAfterRestart();
  const sequencer = createRunSequencer({ store, leases, agents, inventory, clock, log });
  // What automation and status read (HealthView); fed by the Leases edge.
  const health = new HealthMonitor({ store, clock, log: log.child({ component: 'health' }), inventory: () => inventory, reachable: async (host) => (await agents.probe(host)).state === 'serving' });
  health.start(HEALTH_EVALUATE_MS);

  // Served at once, before unfinished runs are resumed: holders must be able to renew
  // while a resume drives steps (one that cannot renew self-fences under `halt`), while
  // Control calls wait until the resumed runs and adopted leases are settled (I4).
  let settle!: () => void;
  const settled = new Promise<void>((resolve) => (settle = resolve));
  const controlDeps = { store, leases, agents, inventory, sequencer, clock, log, health, siteRunConcurrency: config.siteRuns.concurrency };
  const services = [
    gatedBinding(controlBinding(controlDeps), settled),
    leasesBinding({ leaseManager: leases, store, inventory: () => inventory, log, clock, health, onRenewed: (ok) => metrics.leaseRenewal(ok ? 'ok' : 'refused') }),
  ];
  const server = await startServer({
    bind: config.listen,
    log,
    services,
    ...(identity ? { tls: { identity, onRefusal: (r: Refusal) => recordRefusal(store, clock, r) } } : {}),
  }).catch(
    (err: Error) => {
      log.fatal({ err, listen: config.listen }, 'cannot listen');
      return null;
    },
  );
  const http = server
    ? await startHttpListeners(config, metrics, controlDeps).catch((err: Error) => {
        log.fatal({ err, metrics: config.metrics, http: config.http }, 'cannot listen for metrics or the status page');
        return null;
      })
    : null;
  if (!server || !http) {
    health.stop();
    await server?.close(0);
    await sequencer.close();
    agents.closeAll();
    store.close();
    return 1;
  }
  log.info({ port: server.port, address: server.address, tls: identity !== null, inventory: inventory.file, db: store.file, zones: inventory.zones.length, hosts: inventory.hosts.length, httpPorts: http.map((h) => h.port) }, 'listening');

  const resumed = await sequencer.resumeAll();
  if (resumed.length > 0) log.info({ runs: resumed.map((r) => ({ run: r.runId, state: r.state })) }, 'unfinished runs resumed');
  // After resuming: a resumed run may have placed a zone; only what is still unleased is adopted.
  const adoption = await adoptRunningZones(inventory, leases, agents, log);
  const adopting = keepAdopting(adoption.waiting, (only) => adoptRunningZones(inventory, leases, agents, log, only), log, { firstDelayMs: 2_000, maxDelayMs: 30_000 });
  // Until now a running zone not yet adopted would look like a twin live without its lease
  // (one still waiting for adoption has no lease at all, which the monitor leaves alone).
  health.watchTwins();
  settle();
  // After the resume: automation decides on what the resumed runs left, never beside them.
  const automation = config.automation.enabled ? startAutomation({ ...controlDeps, site: config.automation.site }) : null;
  if (!automation) log.warn('automation is off (coordinator configuration automation.enabled: false): nothing moves by itself');
  log.info('control calls accepted');

  // Expired leases become visible as such (with their event) within a sweep; the rules
  // already refuse a renewal after expiry, so the sweep only records what happened.
  const sweep = setInterval(() => {
    try {
      leases.expireDue();
    } catch (err) {
      log.error({ err }, 'lease expiry sweep failed');
    }
  }, config.leases.sweepIntervalMs);

  return new Promise<number>((resolve) => {
    const stop = (signal: string) => {
      clearInterval(sweep);
      adopting.stop();
      void automation?.stop();
      health.stop();
      log.info({ signal }, 'shutting down');
      // Both at once: the server stops accepting calls at once and waits for open ones,
      // and the sequencer brings running runs to a step boundary, which ends their streams.
      Promise.all([server.close(SHUTDOWN_GRACE_MS), sequencer.close(), ...http.map((h) => h.close())])
        .finally(() => {
          agents.closeAll();
          store.close();
          log.info('stopped');
          resolve(0);
        });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
