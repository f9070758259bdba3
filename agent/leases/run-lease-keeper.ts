// Starts the lease keeper of a running agent: the fencing watchdog first (so no lease
// is ever tracked without it), then the keeper and the probe scheduler (health checks of
// the zones held, twin listing) on one timer. stop() is the clean shutdown:
// the keeper stops renewing and the watchdog stands down (DESIGN "Leases and fencing":
// the watchdog dies with a normal agent exit, and only then).
import path from 'node:path';
import type { AgentRuntime } from '../agent-runtime.js';
import { parseZoneadmListCp, zoneadmArgs } from '../commands/zoneadm.js';
import { exec, type OpContext } from '../ops/op-context.js';
import { SharedZoneListing } from '../probes/shared-zone-listing.js';
import { ProbeScheduler } from '../probes/probe-scheduler.js';
import { runProbe } from '../probes/run-probe.js';
import { retireEpoch } from '../fencing/retire-epoch.js';
import { WatchdogProcess } from '../fencing/watchdog/watchdog-process.js';
import { LeaseKeeper } from './lease-keeper.js';
import { grpcLeasesPort } from './leases-port.js';

/** How often the keeper looks at its deadlines; renewals and feeds have their own intervals. */
const TICK_MS = 100;

export interface RunningLeaseKeeper {
  keeper: LeaseKeeper;
  probes: ProbeScheduler;
  watchdog: WatchdogProcess;
  stop(): Promise<void>;
}

export function runLeaseKeeper(runtime: AgentRuntime, coordinator: string): RunningLeaseKeeper {
  const { config } = runtime;
  const log = runtime.log.child({ component: 'lease-keeper' });
  const watchdog: WatchdogProcess = new WatchdogProcess({
    config: {
      host: config.host,
      commandPaths: { zoneadm: config.commandPaths.zoneadm, umount: config.commandPaths.umount, vxdg: config.commandPaths.vxdg, zpool: config.commandPaths.zpool },
      commandEnv: config.commandEnv,
      logFile: path.join(config.stateDir, 'watchdog.log'),
      commandTimeoutMs: config.timeouts.default,
      checkIntervalMs: 100,
      epochDir: path.join(config.stateDir, 'epochs'),
    },
    configFile: path.join(config.stateDir, 'watchdog.json'),
    // A watchdog that died (or fenced and exited) while the agent runs is started again,
    // so the agent is never without one.
    onExit: (code, signal) => {
      log.warn({ code, signal }, 'fencing watchdog exited; starting it again');
      watchdog.start();
    },
    onRetired: (pid) => log.info({ pid }, 'leases renewed; the watchdog a previous agent left running is retired'),
  });
  watchdog.start();
  log.info({ pid: watchdog.pid, coordinator }, 'fencing watchdog started');
  const context = (opLog: typeof log, signal: AbortSignal): OpContext => ({
    host: config.host,
    runner: runtime.runner,
    fsRoot: config.fsRoot,
    platform: runtime.platform,
    log: opLog,
    signal,
    dryRun: false,
    timeouts: config.timeouts,
    commands: [],
  });
  const probeLog = runtime.log.child({ component: 'probes' });
  // One listing for every zone of the host, whatever their number, shared by the twin
  // report and the zone-state checks within half a probe interval.
  const listing: SharedZoneListing = new SharedZoneListing({
    clock: runtime.clock,
    freshMs: (): number => probes.intervalMs / 2,
    list: async () => {
      const r = await exec(context(probeLog, new AbortController().signal), 'zoneadm', zoneadmArgs.list(), { mutating: false });
      if (r.record.exitCode !== 0) throw new Error(r.timedOut ? 'zoneadm list timed out' : (r.stderr.trim() || `zoneadm list exited ${r.record.exitCode}`));
      return parseZoneadmListCp(r.stdout);
    },
  });
  const probes: ProbeScheduler = new ProbeScheduler({
    clock: runtime.clock,
    log: probeLog,
    run: async (zone, check, signal) => {
      // Zone state comes from the listing the twin report shares (one zoneadm per interval for the whole host).
      const result = check.probe.kind === 'zone-state' ? await listing.zoneState(zone) : await runProbe(context(probeLog.child({ zone }), signal), check.probe, check.timeoutMs);
      runtime.metrics.probe(check.probe.kind, result);
      return result;
    },
    listZones: () => listing.get(),
    onResult: (result) => keeper.takeResult(result),
    onTwins: (twins) => keeper.takeTwins(twins),
    idleIntervalMs: config.idleListingIntervalMs,
  });
  const keeper: LeaseKeeper = new LeaseKeeper({
    host: config.host,
    port: grpcLeasesPort(coordinator, runtime.channelCredentials({ role: 'coordinator' })),
    clock: runtime.clock,
    log,
    watchdog,
    retireEpoch: (zone, epoch, op) => retireEpoch(runtime.epochs, runtime.locks, zone, epoch, op),
    highestEpoch: (zone) => runtime.epochs.highest(zone),
    opContext: (zone, op) => context(log.child({ zone, op }), new AbortController().signal),
    probes,
  });
  const tick = () => {
    keeper.tick();
    probes.tick();
  };
  const timer = setInterval(tick, TICK_MS);
  tick();
  return {
    keeper,
    probes,
    watchdog,
    stop: async () => {
      clearInterval(timer);
      await probes.stop();
      await keeper.stop();
      log.info('lease keeper stopped; watchdog stood down');
    },
  };
}
