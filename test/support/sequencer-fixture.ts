// A coordinator's run machinery over a lab whose agents are up: the lab's inventory, a
// real SQLite file in the lab directory, a LeaseManager on the real clock with short
// TTLs, an AgentPool, and a Sequencer. open() again on the same lab is a coordinator
// restart as far as the journal can tell.
import fs from 'node:fs';
import path from 'node:path';
import { isTwinzoneError } from '../../shared/errors/twinzone-error.js';
import { ZoneState } from '../../shared/gen/twinzone/v1/common.js';
import { createLogger } from '../../shared/log/create-logger.js';
import { systemClock } from '../../shared/time/clock.js';
import { AgentPool } from '../../coordinator/agents/agent-pool.js';
import type { Inventory } from '../../coordinator/inventory/inventory-schema.js';
import { loadInventory } from '../../coordinator/inventory/load-inventory.js';
import { LeaseManager } from '../../coordinator/leases/lease-manager.js';
import type { RunProgressEvent } from '../../coordinator/runs/run-progress.js';
import { Sequencer } from '../../coordinator/runs/sequencer.js';
import { openDatabase, type Store } from '../../coordinator/store/open-database.js';
import { writeLabInventory, type LabInventoryOptions } from '../lab/inventory.js';
import { agentConfigPath } from '../lab/processes.js';
import type { AgentLab } from './agent-fixture.js';
import { LAB_COORDINATOR, labCredentials, labIdentity } from '../lab/lab-tls.js';
import { signTransferGrant } from '../../shared/tls/transfer-grant.js';

/**
 * The lab writes agent configurations that manage no storage group; a preflight asks
 * each agent about the groups it manages (GetHostFacts.storage), so give every agent the
 * SAN's disk groups, as the deploy/ example configures them, and restart it.
 */
export async function configureLabStorage(lab: AgentLab, groups = [{ kind: 'vxdg', name: 'webdg' }, { kind: 'vxdg', name: 'dbdg' }]): Promise<void> {
  for (const host of ['hostA', 'hostB', 'hostC']) {
    const file = agentConfigPath(lab.dir, host);
    const config = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(file, JSON.stringify({ ...config, storage: groups }, null, 2) + '\n');
    await lab.restartAgent(host, { keepConfig: true });
  }
}

/** The leases and zones the lease rules read, from the inventory (the daemon's inventory sync does this). */
export function seedCoordinatorStore(store: Store, inventory: Inventory, nowMs: number): void {
  store.transaction(() => {
    for (const h of inventory.hosts) store.hosts.upsert({ name: h.name, site: h.site, agentAddress: h.agent }, nowMs);
    for (const z of inventory.zones) {
      store.zones.upsert({ name: z.name, brand: z.brand, zonepath: z.zonepath, lossPolicy: z.policy.leaseLossPolicy, leaseTtlMs: z.policy.leaseTtlMs }, nowMs);
      store.zones.setTwins(z.name, z.twins);
    }
  });
}

export interface LabCoordinator {
  inventory: Inventory;
  store: Store;
  leases: LeaseManager;
  pool: AgentPool;
  sequencer: Sequencer;
  /** The orderly stop: the sequencer reaches a step boundary, then the pool and the file close. */
  close(): Promise<void>;
}

export interface LabCoordinatorOptions {
  /** Aborting it abandons runs in flight, as a killed coordinator would. */
  signal?: AbortSignal;
  leaseTtlMs?: number;
  /** Probe timing for every check (the lab's default probes every 2 s, 3 failures in a row). */
  healthCheck?: LabInventoryOptions['healthCheck'];
}

const log = createLogger({ name: 'coordinator', level: 'silent' });

export function openLabCoordinator(labDir: string, opts: LabCoordinatorOptions = {}): LabCoordinator {
  // No Leases service runs here, so nothing renews: the seeded leases must outlast a test
  // on a busy machine (10 s ran out before a switchover reserved its epoch, under load).
  const inventory = loadInventory(
    writeLabInventory(labDir, { policy: { leaseTtlMs: opts.leaseTtlMs ?? 120_000, safetyMarginMs: 1_000 }, ...(opts.healthCheck && { healthCheck: opts.healthCheck }) }),
  );
  const store = openDatabase(path.join(labDir, 'coordinator.db'));
  seedCoordinatorStore(store, inventory, systemClock.nowMs());
  const leases = new LeaseManager({ store, clock: systemClock, log, marginMs: 1_000, graceMs: 2_000, zoneMarginMs: (zone) => inventory.zones.find((z) => z.name === zone)?.policy.safetyMarginMs });
  const pool = new AgentPool({
    addresses: Object.fromEntries(inventory.hosts.map((h) => [h.name, h.agent])),
    connection: { retry: { maxAttempts: 3, initialDelayMs: 50, maxDelayMs: 200 } },
    log,
    credentialsFor: (host) => labCredentials(labDir, LAB_COORDINATOR, { role: 'agent', name: host }),
    signGrant: (request) => signTransferGrant(labIdentity(labDir, LAB_COORDINATOR), request, Date.now()),
  });
  const sequencer = new Sequencer({ store, leases, pool, inventory, log, signal: opts.signal, blockedRetryMs: 1_000 });
  return {
    inventory,
    store,
    leases,
    pool,
    sequencer,
    close: async () => {
      await sequencer.close();
      pool.closeAll();
      store.close();
    },
  };
}

/** Every progress event of a run until its stream ends. */
export async function collectProgress(events: AsyncIterable<RunProgressEvent>): Promise<RunProgressEvent[]> {
  const out: RunProgressEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
}

/** The zone's state on HOST as its agent reports it, or 'absent' when it has no such zone. */
export async function zoneStateOn(c: LabCoordinator, host: string, zone: string): Promise<ZoneState | 'absent'> {
  try {
    return (await c.pool.get(host).getZone({ zone })).zone?.state ?? ZoneState.ZONE_STATE_UNSPECIFIED;
  } catch (err) {
    if (isTwinzoneError(err) && err.code === 'ZONE_NOT_FOUND') return 'absent';
    throw err;
  }
}
