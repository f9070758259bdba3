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
import { HealthMonitor } from '../health/health-monitor.js';
import { leasesBinding } from './leases-service.js';

const log = createLogger({ name: 'coordinator', level: 'silent' });
const inventory = {
  defaults: { policy: { leaseTtlMs: 30_000 }, healthCheck: { intervalMs: 5000, timeoutMs: 2000, failureThreshold: 3 } },
  hosts: [{ name: 'hostA' }, { name: 'hostB' }],
  zones: [
    {
      name: 'db01', storageGroup: 'dbdg', service: { address: '127.0.0.1', port: 8031, httpPath: '/health' }, policy: { leaseTtlMs: 15_000 },
      healthChecks: [
        { kind: 'zone-state', intervalMs: 1000, timeoutMs: 500, failureThreshold: 2 },
        { kind: 'http', port: 8031, path: '/health', expectStatus: 0, intervalMs: 2000, timeoutMs: 500, failureThreshold: 3 },
        { kind: 'http', port: 8032, path: '/', expectStatus: 204, intervalMs: 2000, timeoutMs: 500, failureThreshold: 3 },
      ],
    },
    { name: 'web01', storageGroup: 'webdg', service: { address: '127.0.0.1', port: 8041 }, policy: { leaseTtlMs: 30_000 }, healthChecks: [] },
  ],
  storageGroups: [
    { name: 'dbdg', kind: 'vxdg', site: 'dc1', volumes: [{ name: 'datavol', fstype: 'vxfs', mountPoint: '/data/db01', vfstabOptions: '-' }, { name: 'logvol', fstype: 'vxfs', mountPoint: '/data/db01/logs', vfstabOptions: '-' }] },
    { name: 'webdg', kind: 'vxdg', site: 'dc1', volumes: [{ name: 'datavol', fstype: 'vxfs', mountPoint: '/data/web01', vfstabOptions: '-' }] },
  ],
} as unknown as Pick<Inventory, 'zones' | 'storageGroups' | 'defaults' | 'hosts'>;

let dir: string;
let store: Store;
let clock: FakeClock;
let leases: LeaseManager;
let server: RunningServer;
let client: LeasesClient;
let health: HealthMonitor;

const call = <Req, Res>(m: keyof LeasesClient, req: Req) => unaryCall<Req, Res>((client[m] as unknown as UnaryMethod<Req, Res>).bind(client), req, { deadlineMs: 5000 });
const renew = (req: Partial<RenewLeasesRequest>) => call<RenewLeasesRequest, RenewLeasesResponse>('renewLeases', { host: 'hostA', renewals: [], probes: [], twins: [], twinsListed: false, ...req });

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinzone-leases-svc-'));
  store = openDatabase(path.join(dir, 'coordinator.db'));
  clock = new FakeClock();
  for (const name of ['hostA', 'hostB']) store.hosts.upsert({ name, site: 'dc1', agentAddress: `${name}:7420` }, clock.nowMs());
  store.zones.upsert({ name: 'db01', brand: 'solaris8', zonepath: '/zones/db01', lossPolicy: 'halt', leaseTtlMs: 15_000 }, clock.nowMs());
  store.zones.upsert({ name: 'web01', brand: 'solaris8', zonepath: '/zones/web01', lossPolicy: 'freeze', leaseTtlMs: 30_000 }, clock.nowMs());
  leases = new LeaseManager({ store, clock, log, marginMs: 10_000, graceMs: 60_000 });
  health = new HealthMonitor({ store, clock, log, inventory: () => inventory });
  health.watchTwins();
  server = await startServer({ bind: '127.0.0.1:0', log, services: [leasesBinding({ leaseManager: leases, store, inventory: () => inventory, log, clock, health })] });
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
      {
        zone: 'db01', epoch: 1, ttlMs: 15_000, remainingMs: 10_000, lossPolicy: LossPolicy.LOSS_POLICY_HALT, storageKind: 'vxdg', storageGroup: 'dbdg', mountPoints: ['/data/db01/logs', '/data/db01'],
        // Named by kind, a repeated kind suffixed, so results keep one name.
        checks: [
          { name: 'zone-state', intervalMs: 1000, failureThreshold: 2, probe: { timeoutMs: 500, probe: { $case: 'zoneState', value: { zone: 'db01' } } } },
          { name: 'http', intervalMs: 2000, failureThreshold: 3, probe: { timeoutMs: 500, probe: { $case: 'http', value: { url: 'http://127.0.0.1:8031/health', expectStatus: 0 } } } },
          { name: 'http-2', intervalMs: 2000, failureThreshold: 3, probe: { timeoutMs: 500, probe: { $case: 'http', value: { url: 'http://127.0.0.1:8032/', expectStatus: 204 } } } },
        ],
      },
      { zone: 'web01', epoch: 1, ttlMs: 30_000, remainingMs: 25_000, lossPolicy: LossPolicy.LOSS_POLICY_FREEZE, storageKind: 'vxdg', storageGroup: 'webdg', mountPoints: ['/data/web01'], checks: [] },
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

  it('records a twin live on a host without the lease as one concurrency violation per episode, and loss reports as events', async () => {
    leases.grant('db01', 'hostA', { who: 'test' });
    const bootedOnB = { zone: 'db01', state: ZoneState.ZONE_STATE_RUNNING };
    await renew({ host: 'hostB', twins: [bootedOnB, { zone: 'web01', state: ZoneState.ZONE_STATE_INSTALLED }], twinsListed: true });
    clock.advance(1000);
    await renew({ host: 'hostB', twins: [bootedOnB], twinsListed: true });
    // An incomplete list (before the agent's first listing) does not end the episode.
    await renew({ host: 'hostB', twins: [], twinsListed: false });
    await renew({ host: 'hostA', twins: [{ zone: 'db01', state: ZoneState.ZONE_STATE_RUNNING }], twinsListed: true, probes: [{ zone: 'web01', check: 'self-fence', healthy: true, detail: 'halted, unmounted, deported', durationMs: 0, atMs: 1, epoch: 0 }] });
    clock.advance(1000);
    await renew({ host: 'hostB', twins: [], twinsListed: true });
    const events = store.events.list({}).filter((e) => e.what !== 'lease.grant' && !e.what.startsWith('host.'));
    expect(events.map((e) => [e.what, e.zone, e.who, e.result])).toEqual([
      ['zone.concurrency-violation', 'db01', 'health-monitor', 'detected'],
      ['lease.loss-report', 'web01', 'hostA', 'self-fence'],
      ['zone.concurrency-violation-ended', 'db01', 'health-monitor', 'ended'],
    ]);
    expect(events[0]!.details).toMatchObject({ host: 'hostB', state: 'running', leaseHolder: 'hostA', leaseState: 'held', firstSeenAtMs: events[0]!.atMs });
    expect(events[2]!.details).toMatchObject({ host: 'hostB', durationMs: 2000 });
  });

  it('hands the holder\'s probe results to the health monitor and counts every call as contact', async () => {
    leases.grant('db01', 'hostA', { who: 'test' });
    const probe = (healthy: boolean, atMs: number) => ({ zone: 'db01', check: 'zone-state', healthy, detail: healthy ? 'db01 is running' : 'db01 is installed', durationMs: 3, atMs, epoch: 0 });
    await renew({ renewals: [{ zone: 'db01', epoch: 1 }], probes: [probe(false, 1)] });
    // Not the holder: its results are about a zone it does not run.
    await renew({ host: 'hostB', probes: [{ ...probe(false, 1), detail: 'elsewhere' }] });
    await renew({ probes: [probe(false, 2)] });
    expect(health.checks('db01')).toEqual([expect.objectContaining({ host: 'hostA', check: 'zone-state', healthy: false, streak: 2, failureThreshold: 2 })]);
    expect(store.events.list({}).filter((e) => e.what === 'health.check-failed').map((e) => e.details)).toEqual([expect.objectContaining({ host: 'hostA', check: 'zone-state', streak: 2, threshold: 2 })]);
    clock.advance(700);
    await call<{ host: string }, ListHostLeasesResponse>('listHostLeases', { host: 'hostB' });
    expect(health.lastRenewalAtMs('hostB')).toBe(clock.nowMs());
  });

  it('a successful self-fence under the holder\'s current epoch releases its lease; any other loss report changes nothing', async () => {
    // A failover granted hostB epoch 1; its agent learnt of it only after its expiry, so
    // it never renewed: without the report the next grant needs a confirm-down of hostB.
    leases.grant('db01', 'hostB', { who: 'test' });
    clock.advance(15_000 + 10_000 + 1);
    leases.expireDue();
    expect(() => leases.grant('db01', 'hostA', { who: 'test' })).toThrow(/without hostB ever renewing it/);
    const fence = { zone: 'db01', check: 'self-fence', healthy: true, detail: 'lease on db01 at epoch 1 lost; self-fenced', durationMs: 0, atMs: 1, epoch: 1 };
    const unchanged = () => expect(leases.get('db01')).toMatchObject({ state: 'expired', holder: 'hostB', epoch: 1 });
    await renew({ host: 'hostA', probes: [fence] }); // not the holder
    unchanged();
    await renew({ host: 'hostB', probes: [{ ...fence, healthy: false, detail: 'self-fenced WITH FAILURES' }] });
    unchanged();
    await renew({ host: 'hostB', probes: [{ ...fence, check: 'lease-lost' }] });
    unchanged();
    await renew({ host: 'hostB', probes: [{ ...fence, epoch: 0 }] }); // an agent from before the field
    unchanged();
    await renew({ host: 'hostB', probes: [fence] });
    expect(leases.get('db01')).toMatchObject({ state: 'released', holder: 'hostB', epoch: 1 });
    const released = store.events.list({}).filter((e) => e.what === 'lease.release');
    expect(released.map((e) => [e.zone, e.who, e.result])).toEqual([['db01', 'hostB', 'ok']]);
    expect(JSON.stringify(released[0]!.details)).toContain('self-fenced');
    expect(leases.grant('db01', 'hostA', { who: 'test' })).toMatchObject({ holder: 'hostA', epoch: 2, state: 'held' });
    // The same report again, now about an older tenure: hostA's lease is untouched.
    await renew({ host: 'hostB', probes: [fence] });
    expect(leases.get('db01')).toMatchObject({ state: 'held', holder: 'hostA', epoch: 2 });
  });

  it('refuses a bad host name before touching the store', async () => {
    await expect(renew({ host: '-x y' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
