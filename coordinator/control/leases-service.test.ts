// The Leases edge over a real grpc-js server on 127.0.0.1:0 and a real SQLite store.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { credentials } from '@grpc/grpc-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ZoneState } from '../../shared/gen/twinzone/v1/common.js';
import { LeasesClient, LossPolicy, type ListHostLeasesResponse, type RenewLeasesRequest, type RenewLeasesResponse } from '../../shared/gen/twinzone/v1/leases.js';
import { startServer, type RunningServer } from '../../shared/grpc/serve.js';
import { unaryCall, type UnaryMethod } from '../../shared/grpc/unary-call.js';
import { createLogger } from '../../shared/log/create-logger.js';
import { FakeClock } from '../../test/support/fake-clock.js';
import type { Inventory } from '../inventory/inventory-schema.js';
import { LeaseManager } from '../leases/lease-manager.js';
import { openDatabase, type Store } from '../store/open-database.js';
import { leasesBinding } from './leases-service.js';

const log = createLogger({ name: 'coordinator', level: 'silent' });
const inventory = {
  defaults: { policy: { leaseTtlMs: 30_000 } },
  zones: [
    { name: 'db01', storageGroup: 'dbdg' },
    { name: 'web01', storageGroup: 'webdg' },
  ],
  storageGroups: [
    { name: 'dbdg', kind: 'vxdg', site: 'dc1', volumes: [{ name: 'datavol', fstype: 'vxfs', mountPoint: '/data/db01', vfstabOptions: '-' }, { name: 'logvol', fstype: 'vxfs', mountPoint: '/data/db01/logs', vfstabOptions: '-' }] },
    { name: 'webdg', kind: 'vxdg', site: 'dc1', volumes: [{ name: 'datavol', fstype: 'vxfs', mountPoint: '/data/web01', vfstabOptions: '-' }] },
  ],
} as unknown as Pick<Inventory, 'zones' | 'storageGroups' | 'defaults'>;

let dir: string;
let store: Store;
let clock: FakeClock;
let leases: LeaseManager;
let server: RunningServer;
let client: LeasesClient;

const call = <Req, Res>(m: keyof LeasesClient, req: Req) => unaryCall<Req, Res>((client[m] as unknown as UnaryMethod<Req, Res>).bind(client), req, { deadlineMs: 5000 });
const renew = (req: Partial<RenewLeasesRequest>) => call<RenewLeasesRequest, RenewLeasesResponse>('renewLeases', { host: 'hostA', renewals: [], probes: [], twins: [], ...req });

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinzone-leases-svc-'));
  store = openDatabase(path.join(dir, 'coordinator.db'));
  clock = new FakeClock();
  for (const name of ['hostA', 'hostB']) store.hosts.upsert({ name, site: 'dc1', agentAddress: `${name}:7420` }, clock.nowMs());
  store.zones.upsert({ name: 'db01', brand: 'solaris8', zonepath: '/zones/db01', lossPolicy: 'halt', leaseTtlMs: 15_000 }, clock.nowMs());
  store.zones.upsert({ name: 'web01', brand: 'solaris8', zonepath: '/zones/web01', lossPolicy: 'freeze', leaseTtlMs: 30_000 }, clock.nowMs());
  leases = new LeaseManager({ store, clock, log, marginMs: 10_000, graceMs: 60_000 });
  server = await startServer({ bind: '127.0.0.1:0', log, services: [leasesBinding({ leaseManager: leases, store, inventory: () => inventory, log, clock })] });
  client = new LeasesClient(server.address, credentials.createInsecure());
});
afterEach(async () => {
  client.close();
  await server.close(100);
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('Leases service', () => {
  it('lists the leases a host holds, with loss policy, storage and mount points to fence', async () => {
    leases.grant('db01', 'hostA', { who: 'test' });
    leases.grant('web01', 'hostA', { who: 'test' });
    clock.advance(5000);
    const res = await call<{ host: string }, ListHostLeasesResponse>('listHostLeases', { host: 'hostA' });
    expect(res.renewIntervalMs).toBe(5000);
    expect(res.leases).toEqual([
      { zone: 'db01', epoch: 1, ttlMs: 15_000, remainingMs: 10_000, lossPolicy: LossPolicy.LOSS_POLICY_HALT, storageKind: 'vxdg', storageGroup: 'dbdg', mountPoints: ['/data/db01/logs', '/data/db01'] },
      { zone: 'web01', epoch: 1, ttlMs: 30_000, remainingMs: 25_000, lossPolicy: LossPolicy.LOSS_POLICY_FREEZE, storageKind: 'vxdg', storageGroup: 'webdg', mountPoints: ['/data/web01'] },
    ]);
    expect((await call<{ host: string }, ListHostLeasesResponse>('listHostLeases', { host: 'hostB' })).leases).toEqual([]);
    await expect(call('listHostLeases', { host: 'hostZ' })).rejects.toMatchObject({ code: 'HOST_NOT_FOUND' });
  });

  it('renews all of a host\'s zones in one call, refusing a stale epoch per zone', async () => {
    leases.grant('db01', 'hostA', { who: 'test' });
    leases.grant('web01', 'hostA', { who: 'test' });
    clock.advance(4000);
    const res = await renew({ renewals: [{ zone: 'db01', epoch: 1 }, { zone: 'web01', epoch: 0 }] });
    expect(res.renewIntervalMs).toBe(5000);
    expect(res.results[0]).toEqual({ zone: 'db01', renewed: true, epoch: 1, ttlMs: 15_000, code: '', reason: '' });
    expect(res.results[1]).toMatchObject({ zone: 'web01', renewed: false, code: 'STALE_EPOCH' });
    expect(leases.get('db01')!.expiresAtMs).toBe(clock.nowMs() + 15_000);
  });

  it('records a twin running on a host without the lease as a concurrency violation, and loss reports as events', async () => {
    leases.grant('db01', 'hostA', { who: 'test' });
    await renew({ host: 'hostB', twins: [{ zone: 'db01', state: ZoneState.ZONE_STATE_RUNNING }, { zone: 'web01', state: ZoneState.ZONE_STATE_INSTALLED }] });
    await renew({ host: 'hostA', twins: [{ zone: 'db01', state: ZoneState.ZONE_STATE_RUNNING }], probes: [{ zone: 'web01', check: 'self-fence', healthy: true, detail: 'halted, unmounted, deported', durationMs: 0, atMs: 1 }] });
    const events = store.events.list({}).filter((e) => e.what !== 'lease.grant');
    expect(events.map((e) => [e.what, e.zone, e.who, e.result])).toEqual([
      ['zone.concurrency-violation', 'db01', 'hostB', 'detected'],
      ['lease.loss-report', 'web01', 'hostA', 'self-fence'],
    ]);
    expect(events[0]!.details).toMatchObject({ host: 'hostB', state: 'running', leaseHolder: 'hostA', leaseState: 'held' });
  });

  it('refuses a bad host name before touching the store', async () => {
    await expect(renew({ host: '-x y' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
