// The health monitor over a real SQLite store and a FakeClock: every instant is exact.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../shared/log/create-logger.js';
import { FakeClock } from '../../test/support/fake-clock.js';
import type { Inventory } from '../inventory/inventory-schema.js';
import { LeaseManager } from '../leases/lease-manager.js';
import { openDatabase, type Store } from '../store/open-database.js';
import type { HealthChange } from './health-view.js';
import { HealthMonitor, type ReportedProbe } from './health-monitor.js';

const log = createLogger({ name: 'coordinator', level: 'silent' });
const TTL = 6000;
const PERIOD = TTL / 3;
const inventory = {
  defaults: { policy: { leaseTtlMs: 9000 }, healthCheck: { intervalMs: 1000, timeoutMs: 500, failureThreshold: 3 } },
  hosts: [{ name: 'hostA' }, { name: 'hostB' }],
  zones: [
    {
      name: 'db01', service: { address: '127.0.0.1', port: 8031 }, policy: { leaseTtlMs: TTL },
      healthChecks: [
        { kind: 'zone-state', intervalMs: 1000, timeoutMs: 500, failureThreshold: 2 },
        { kind: 'tcp', address: '127.0.0.1', port: 8031, intervalMs: 1000, timeoutMs: 500, failureThreshold: 3 },
      ],
    },
  ],
} as unknown as Pick<Inventory, 'zones' | 'hosts' | 'defaults'>;

let dir: string;
let store: Store;
let clock: FakeClock;
let leases: LeaseManager;
let reachable: Map<string, boolean>;
let monitor: HealthMonitor;
let changes: HealthChange[];

const probe = (check: string, healthy: boolean): ReportedProbe => ({ zone: 'db01', check, healthy, detail: healthy ? 'fine' : 'connect 127.0.0.1:8031: ECONNREFUSED', atMs: clock.nowMs() });
const eventsOf = (prefix: string) => store.events.list({}).filter((e) => e.what.startsWith(prefix));

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinzone-health-'));
  store = openDatabase(path.join(dir, 'coordinator.db'));
  clock = new FakeClock();
  for (const name of ['hostA', 'hostB']) store.hosts.upsert({ name, site: 'dc1', agentAddress: `${name}:7420` }, clock.nowMs());
  store.zones.upsert({ name: 'db01', brand: 'solaris8', zonepath: '/zones/db01', lossPolicy: 'halt', leaseTtlMs: TTL }, clock.nowMs());
  leases = new LeaseManager({ store, clock, log, marginMs: 1000, graceMs: 60_000 });
  reachable = new Map();
  monitor = new HealthMonitor({ store, clock, log, inventory: () => inventory, reachable: async (host) => reachable.get(host) ?? false });
  changes = [];
  monitor.subscribe((c) => changes.push(c));
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('health checks', () => {
  beforeEach(() => {
    leases.grant('db01', 'hostA', { who: 'test' });
    monitor.heardFrom('hostA', [{ zone: 'db01', epoch: 1 }]);
    changes.length = 0;
  });

  it('lists the checks in the order the inventory declares them, whatever order they reported in', () => {
    monitor.takeProbes('hostA', [probe('tcp', true)]);
    monitor.takeProbes('hostA', [probe('zone-state', true)]);
    expect(monitor.checks('db01').map((c) => `${c.host} ${c.check}`)).toEqual(['hostA zone-state', 'hostA tcp']);
  });

  it('counts streaks and raises check-failed once when the threshold is reached, then check-recovered', () => {
    for (let i = 0; i < 3; i += 1) {
      monitor.takeProbes('hostA', [probe('tcp', true)]);
      clock.advance(1000);
    }
    expect(monitor.checks('db01')).toEqual([expect.objectContaining({ check: 'tcp', healthy: true, streak: 3, failureThreshold: 3 })]);
    monitor.takeProbes('hostA', [probe('tcp', false)]);
    clock.advance(1000);
    monitor.takeProbes('hostA', [probe('tcp', false)]);
    expect(changes).toEqual([]);
    clock.advance(1000);
    monitor.takeProbes('hostA', [probe('tcp', false)]);
    clock.advance(1000);
    monitor.takeProbes('hostA', [probe('tcp', false)]);
    expect(changes.map((c) => c.kind)).toEqual(['check-failed']);
    expect(changes[0]).toMatchObject({ zone: 'db01', host: 'hostA', check: 'tcp', evidence: { streak: 3, failureThreshold: 3, healthy: false } });
    expect(monitor.checks('db01')[0]).toMatchObject({ streak: 4 });
    monitor.takeProbes('hostA', [probe('tcp', true)]);
    expect(changes.map((c) => c.kind)).toEqual(['check-failed', 'check-recovered']);
    const events = eventsOf('health.');
    expect(events.map((e) => [e.what, e.zone, e.result])).toEqual([['health.check-failed', 'db01', 'tcp'], ['health.check-recovered', 'db01', 'tcp']]);
    expect(events[0]!.details).toMatchObject({ host: 'hostA', check: 'tcp', detail: 'connect 127.0.0.1:8031: ECONNREFUSED', streak: 3, threshold: 3, lastRenewalAtMs: expect.any(Number) });
  });

  it('judges a zone healthy only when every check reported healthy, failed at a threshold, undecided otherwise', () => {
    monitor.takeProbes('hostA', [probe('zone-state', true)]);
    expect(monitor.zoneHealthy('db01', 'hostA')).toBeUndefined();
    monitor.takeProbes('hostA', [probe('tcp', true)]);
    expect(monitor.zoneHealthy('db01', 'hostA')).toBe(true);
    expect(monitor.zoneHealthy('db01', 'hostB')).toBeUndefined();
    monitor.takeProbes('hostA', [probe('zone-state', false)]);
    expect(monitor.zoneHealthy('db01', 'hostA')).toBeUndefined();
    monitor.takeProbes('hostA', [probe('zone-state', false)]);
    expect(monitor.zoneHealthy('db01', 'hostA')).toBe(false);
  });

  it('ignores results from a host without the lease, stale results, and the keeper\'s loss reports', () => {
    monitor.takeProbes('hostB', [probe('tcp', false)]);
    monitor.takeProbes('hostA', [{ ...probe('tcp', true), check: 'self-fence' }]);
    monitor.takeProbes('hostA', [probe('tcp', true)]);
    monitor.takeProbes('hostA', [{ ...probe('tcp', false), atMs: clock.nowMs() - 1 }]);
    expect(monitor.checks('db01')).toEqual([expect.objectContaining({ host: 'hostA', check: 'tcp', healthy: true, streak: 1 })]);
  });

  it('starts a new tenure from scratch: results of an earlier epoch are dropped', () => {
    monitor.takeProbes('hostA', [probe('zone-state', true), probe('tcp', true)]);
    const reserved = leases.reserveMove('db01', 'hostB', { who: 'test' });
    leases.commitMove('db01', 'hostB', reserved.reservedEpoch!, { who: 'test' });
    const epoch = leases.get('db01')!.epoch;
    monitor.heardFrom('hostB', [{ zone: 'db01', epoch }]);
    expect(monitor.checks('db01')).toEqual([]);
    monitor.takeProbes('hostB', [probe('zone-state', true)]);
    expect(monitor.checks('db01')).toEqual([expect.objectContaining({ host: 'hostB', streak: 1 })]);
  });
});

describe('host health', () => {
  it('goes unknown → ok → suspect after two missed periods → dead when its leases expire → ok again', async () => {
    expect(monitor.hostHealth('hostA')).toBe('unknown');
    leases.grant('db01', 'hostA', { who: 'test' });
    monitor.heardFrom('hostA', [{ zone: 'db01', epoch: 1 }]);
    expect(monitor.hostHealth('hostA')).toBe('ok');
    clock.advance(2 * PERIOD - 1);
    monitor.evaluate();
    expect(monitor.hostHealth('hostA')).toBe('ok');
    clock.advance(1);
    monitor.evaluate();
    expect(monitor.hostHealth('hostA')).toBe('suspect');
    expect(changes.filter((c) => c.host === 'hostA').map((c) => c.kind)).toEqual(['host-ok', 'host-suspect']);
    clock.advance(PERIOD);
    leases.expireDue();
    monitor.evaluate();
    await monitor.settled();
    expect(monitor.hostHealth('hostA')).toBe('dead');
    expect(changes.find((c) => c.kind === 'host-dead')).toEqual({ kind: 'host-dead', host: 'hostA', lastRenewalAtMs: clock.nowMs() - TTL, zones: ['db01'] });
    monitor.heardFrom('hostA', []);
    const epoch = leases.grant('db01', 'hostA', { who: 'test' }).epoch;
    monitor.heardFrom('hostA', [{ zone: 'db01', epoch }]);
    expect(monitor.hostHealth('hostA')).toBe('ok');
    const events = eventsOf('host.').filter((e) => e.details.host === 'hostA');
    expect(events.map((e) => e.what)).toEqual(['host.ok', 'host.suspect', 'host.dead', 'host.ok']);
    expect(events[1]!.details).toMatchObject({ from: 'ok', missedRenewals: 2, renewalPeriodMs: PERIOD, lastRenewalAtMs: events[0]!.atMs });
    expect(events[2]!.details).toMatchObject({ from: 'suspect', reason: 'its leases expired (db01)', zones: ['db01'] });
  });

  it('calls a host never heard since start dead after a TTL only when its agent does not answer either', async () => {
    reachable.set('hostB', true);
    clock.advance(9000 - 1);
    monitor.evaluate();
    expect([monitor.hostHealth('hostA'), monitor.hostHealth('hostB')]).toEqual(['unknown', 'unknown']);
    clock.advance(1);
    monitor.evaluate();
    await monitor.settled();
    expect(monitor.hostHealth('hostA')).toBe('dead');
    expect(monitor.hostHealth('hostB')).toBe('suspect');
    expect(monitor.lastRenewalAtMs('hostA')).toBeNull();
  });
});

describe('concurrency violations', () => {
  beforeEach(() => {
    leases.grant('db01', 'hostA', { who: 'test' });
    monitor.watchTwins();
  });

  it('raises one event per episode with its detection details, however many reports repeat it', () => {
    const firstSeen = clock.nowMs();
    for (let i = 0; i < 5; i += 1) {
      monitor.takeTwins('hostB', [{ zone: 'db01', state: 'running' }], true);
      clock.advance(PERIOD);
    }
    // The holder's own zone is no twin; a zone not in the inventory is not ours.
    monitor.takeTwins('hostA', [{ zone: 'db01', state: 'running' }, { zone: 'other', state: 'running' }], true);
    expect(changes).toEqual([{ kind: 'twin-live', zone: 'db01', host: 'hostB', state: 'running', leaseHolder: 'hostA' }]);
    const [event, ...more] = eventsOf('zone.concurrency');
    expect(more).toEqual([]);
    expect(event).toMatchObject({ what: 'zone.concurrency-violation', zone: 'db01', result: 'detected', atMs: firstSeen, details: { host: 'hostB', state: 'running', leaseHolder: 'hostA', firstSeenAtMs: firstSeen } });
    expect(monitor.violations()).toEqual([expect.objectContaining({ zone: 'db01', host: 'hostB', firstSeenAtMs: firstSeen, lastSeenAtMs: firstSeen + 4 * PERIOD })]);
    // Halted by hand: the next complete listing ends the episode; a new boot is a new one.
    monitor.takeTwins('hostB', [], true);
    monitor.takeTwins('hostB', [{ zone: 'db01', state: 'ready' }], true);
    expect(eventsOf('zone.concurrency').map((e) => [e.what, e.result])).toEqual([
      ['zone.concurrency-violation', 'detected'],
      ['zone.concurrency-violation-ended', 'ended'],
      ['zone.concurrency-violation', 'detected'],
    ]);
  });

  it('leaves alone a zone never placed: it waits for adoption, with no holder to protect', () => {
    const twoZones = { ...inventory, zones: [...inventory.zones, { ...inventory.zones[0]!, name: 'db02' }] } as typeof inventory;
    const m = new HealthMonitor({ store, clock, log, inventory: () => twoZones });
    m.watchTwins();
    m.takeTwins('hostB', [{ zone: 'db02', state: 'running' }], true);
    expect(m.violations()).toEqual([]);
    // Placed on hostA, the same report is a violation.
    store.zones.upsert({ name: 'db02', brand: 'solaris8', zonepath: '/zones/db02', lossPolicy: 'halt', leaseTtlMs: TTL }, clock.nowMs());
    leases.grant('db02', 'hostA', { who: 'test' });
    m.takeTwins('hostB', [{ zone: 'db02', state: 'running' }], true);
    expect(m.violations()).toEqual([expect.objectContaining({ zone: 'db02', host: 'hostB', leaseHolder: 'hostA' })]);
  });

  it('does not count twins during a run or before adoption is over', () => {
    const fresh = new HealthMonitor({ store, clock, log, inventory: () => inventory });
    fresh.takeTwins('hostB', [{ zone: 'db01', state: 'running' }], true);
    expect(fresh.violations()).toEqual([]);
    store.runs.create({ id: 'r1', kind: 'switchover', zone: 'db01', state: 'running', requestedBy: 'test' }, clock.nowMs());
    monitor.takeTwins('hostB', [{ zone: 'db01', state: 'running' }], true);
    expect(monitor.violations()).toEqual([]);
    expect(eventsOf('zone.concurrency')).toEqual([]);
  });
});
