// Measurement 5: the lease store and the lease path. In process: durable lease
// transitions per second in SQLite (WAL, synchronous FULL) through the LeaseManager —
// grants (one transaction and one audit event each) and per-host batch renewals (one
// transaction per host). Over gRPC: a real coordinator process on a database holding
// those leases, renewed by many concurrent host sessions (RenewLeases, one call per
// host with all its zones, as agents do): zone renewals per second and the
// coordinator's CPU per renewal, set against the goal of 10,000 zones at TTL 5 s
// (renewed every TTL/3: 6,000 zone renewals per second) on one core.
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { credentials } from '@grpc/grpc-js';
import { applyInventory } from '../coordinator/apply-inventory.js';
import { loadInventory } from '../coordinator/inventory/load-inventory.js';
import { LeaseManager } from '../coordinator/leases/lease-manager.js';
import { openDatabase } from '../coordinator/store/open-database.js';
import { LeasesClient, type RenewLeasesRequest, type RenewLeasesResponse } from '../shared/gen/twinzone/v1/leases.js';
import { unaryCall } from '../shared/grpc/unary-call.js';
import { createLogger } from '../shared/log/create-logger.js';
import { systemClock } from '../shared/time/clock.js';
import { startCoordinator, stopCoordinator } from '../test/lab/processes.js';
import { writeLabConfig } from '../test/solsim/src/state/lab-config.js';
import { round, summarize, type Summary } from './bench-stats.js';
import { benchTempDir, destroyBenchLab } from './bench-lab.js';
import { cpuSeconds } from './process-cpu.js';
import { hostName, primaryOf, writeSyntheticInventory, zoneName } from './synthetic-inventory.js';

export interface StoreThroughputOptions {
  hosts: number;
  zones: number;
  renewalRounds: number;
  grpcSeconds: number;
  grpcConcurrency: number;
}

export interface StoreThroughputResult {
  hosts: number;
  zones: number;
  /** Lease grants per second (one durable transaction + audit event each). */
  grantsPerSecond: number;
  /** Host batch renewals (transactions) per second, and the zone renewals they carry. */
  hostRenewalsPerSecond: number;
  zoneRenewalsPerSecond: number;
  grpc: {
    calls: number;
    zoneRenewalsPerSecond: number;
    callLatencyMs: Summary;
    /** Coordinator CPU (user+system) per zone renewal, microseconds. */
    cpuMicrosPerZoneRenewal: number;
    /** Coordinator CPU while hammered, in cores. */
    coordinatorCores: number;
  };
  goal: {
    zones: number;
    ttlMs: number;
    zoneRenewalsPerSecondNeeded: number;
    /** Cores of coordinator CPU the goal's renewal load needs at the measured cost per renewal. */
    coresNeeded: number;
  };
}

const TTL_MS = 5_000;
const GOAL_ZONES = 10_000;

export async function measureStoreThroughput(o: StoreThroughputOptions, log: (s: string) => void): Promise<StoreThroughputResult> {
  const dir = benchTempDir('store');
  try {
    // A lab directory in name only: the coordinator's files live where the lab keeps them.
    writeLabConfig(dir, { preset: 'synthetic', sites: {}, hosts: {} });
    const coordDir = path.join(dir, 'coordinator');
    fs.mkdirSync(coordDir, { recursive: true });
    const inventoryFile = path.join(coordDir, 'inventory.yaml');
    // Granting 10,000 leases takes longer than a 5 s TTL: the leases live long here, so
    // every renewal measured is a successful one (its cost does not depend on the TTL;
    // the goal below is computed for TTL 5 s).
    writeSyntheticInventory(inventoryFile, { hosts: o.hosts, zones: o.zones, leaseTtlMs: 600_000 });
    const db = path.join(coordDir, 'twinzone.db');
    const inventory = loadInventory(inventoryFile);
    const store = openDatabase(db);
    applyInventory(store, inventory, systemClock);
    const leases = new LeaseManager({ store, clock: systemClock, log: createLogger({ name: 'coordinator', level: 'error' }), marginMs: 1000, graceMs: 60_000 });
    const actor = { who: 'bench' };

    let t0 = performance.now();
    for (let i = 0; i < o.zones; i += 1) leases.grant(zoneName(i), primaryOf(i, o.hosts), actor);
    const grantsPerSecond = o.zones / ((performance.now() - t0) / 1000);

    const byHost = new Map<string, { zone: string; epoch: number }[]>();
    for (const l of leases.list()) if (l.holder) (byHost.get(l.holder) ?? byHost.set(l.holder, []).get(l.holder)!).push({ zone: l.zone, epoch: l.epoch });
    t0 = performance.now();
    let hostRenewals = 0;
    let zoneRenewals = 0;
    for (let round = 0; round < o.renewalRounds; round += 1) {
      for (const [host, zones] of byHost) {
        leases.renewHost(host, zones, actor);
        hostRenewals += 1;
        zoneRenewals += zones.length;
      }
    }
    const renewSeconds = (performance.now() - t0) / 1000;
    store.close();
    log(`  in process: ${Math.round(grantsPerSecond)} grants/s, ${Math.round(zoneRenewals / renewSeconds)} zone renewals/s`);

    fs.writeFileSync(
      path.join(coordDir, 'coordinator.json'),
      // insecure: one client renews for every host here, which TLS allows only an agent for its own host.
      JSON.stringify({ listen: '127.0.0.1:0', inventory: inventoryFile, leases: { marginMs: 1000, graceMs: 60_000 }, logLevel: 'info', insecure: true }, null, 2),
    );
    const coordinator = await startCoordinator(dir, { keepConfig: true, timeoutMs: 120_000 });
    const client = new LeasesClient(coordinator.address, credentials.createInsecure());
    try {
      const renew = (host: string) =>
        unaryCall<RenewLeasesRequest, RenewLeasesResponse>(client.renewLeases.bind(client) as never, { host, renewals: byHost.get(host) ?? [], probes: [], twins: [], twinsListed: false }, { deadlineMs: 10_000 });
      const hosts = [...byHost.keys()];
      for (const h of hosts) await renew(h); // warm-up: connections, statement caches
      const latencies: number[] = [];
      let calls = 0;
      let zones = 0;
      let next = 0;
      const cpu0 = cpuSeconds(coordinator.pid);
      const start = performance.now();
      const until = start + o.grpcSeconds * 1000;
      const worker = async () => {
        while (performance.now() < until) {
          const host = hosts[next++ % hosts.length]!;
          const t = performance.now();
          const res = await renew(host);
          latencies.push(performance.now() - t);
          calls += 1;
          zones += res.results.filter((r) => r.renewed).length;
        }
      };
      await Promise.all(Array.from({ length: o.grpcConcurrency }, worker));
      const seconds = (performance.now() - start) / 1000;
      const cpu = cpuSeconds(coordinator.pid) - cpu0;
      const cpuPerRenewal = cpu / Math.max(1, zones);
      const needed = (GOAL_ZONES / TTL_MS) * 3 * 1000;
      return {
        hosts: o.hosts,
        zones: o.zones,
        grantsPerSecond: round(grantsPerSecond, 0),
        hostRenewalsPerSecond: round(hostRenewals / renewSeconds, 0),
        zoneRenewalsPerSecond: round(zoneRenewals / renewSeconds, 0),
        grpc: {
          calls,
          zoneRenewalsPerSecond: round(zones / seconds, 0),
          callLatencyMs: summarize(latencies),
          cpuMicrosPerZoneRenewal: round(cpuPerRenewal * 1e6, 1),
          coordinatorCores: round(cpu / seconds),
        },
        goal: { zones: GOAL_ZONES, ttlMs: TTL_MS, zoneRenewalsPerSecondNeeded: needed, coresNeeded: round(needed * cpuPerRenewal) },
      };
    } finally {
      client.close();
      await stopCoordinator(dir);
    }
  } finally {
    await destroyBenchLab(dir);
  }
}
