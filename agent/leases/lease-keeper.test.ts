// The keeper's timing, on a FakeClock against an in-process Leases server: renewals every
// TTL/3, the deadline counted from the SEND time, and the loss policy applied at the
// deadline (halt self-fences in order halt, unmount, deport, before the coordinator's
// expiry; freeze does not) or at once on a refused renewal (DESIGN "Leases and fencing").
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { credentials } from '@grpc/grpc-js';
import { ZoneState } from '../../shared/gen/twinzone/v1/common.js';
import { LossPolicy, type HostLease } from '../../shared/gen/twinzone/v1/leases.js';
import { FakeClock } from '../../test/support/fake-clock.js';
import { FakeLeasesServer } from '../../test/support/fake-leases-server.js';
import { makeOpContext, opTestLog } from '../../test/support/op-test-context.js';
import { ScriptedRunner, type ScriptedReply } from '../../test/support/scripted-runner.js';
import { transcript } from '../../test/support/transcripts.js';
import type { WatchedZone } from '../fencing/watchdog/watchdog-protocol.js';
import { LeaseKeeper, type LeaseKeeperOptions } from './lease-keeper.js';
import { grpcLeasesPort } from './leases-port.js';

const TTL = 9000;
const SLICE = TTL / 4;

const db01Lease = (policy = LossPolicy.LOSS_POLICY_HALT): HostLease => ({
  zone: 'db01', epoch: 7, ttlMs: TTL, remainingMs: TTL, lossPolicy: policy,
  storageKind: 'vxdg', storageGroup: 'dbdg', mountPoints: ['/data/db01'], checks: [],
});

const zoneList = (state: string): ScriptedReply => ({
  command: 'zoneadm', args: ['-z', 'db01', 'list', '-p'],
  stdout: `${state === 'running' ? '3' : '-'}:db01:${state}:/zones/db01:7eb7bc32-8f4d-4f3c-a62b-4dc4aee2997a:solaris8:shared\n`,
});
const FENCE_SCRIPT: ScriptedReply[] = [
  zoneList('running'),
  { command: 'zoneadm', args: ['-z', 'db01', 'halt'] },
  zoneList('installed'),
  { command: 'umount', args: ['-f', '/data/db01'] },
  { command: 'vxdg', args: ['list'], stdout: transcript('vxdg-list.txt') },
  { command: 'vxdg', args: ['deport', 'dbdg'] },
];

let server: FakeLeasesServer;
let clock: FakeClock;
let runner: ScriptedRunner;
let fsRoot: string;
let feeds: WatchedZone[][];
let fenceStartedAtMono: number | null;
let keeper: LeaseKeeper;

beforeEach(async () => {
  server = await new FakeLeasesServer().start();
  server.leases = [db01Lease()];
  server.renewIntervalMs = TTL / 3;
  clock = new FakeClock();
  runner = new ScriptedRunner(FENCE_SCRIPT.map((r) => ({ ...r })));
  fsRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'twinzone-keeper-'));
  fs.mkdirSync(path.join(fsRoot, 'etc'));
  fs.writeFileSync(path.join(fsRoot, 'etc/mnttab'), transcript('mnttab.txt'));
  feeds = [];
  fenceStartedAtMono = null;
  keeper = makeKeeper();
});

afterEach(async () => {
  await keeper.stop();
  await server.stop();
  fs.rmSync(fsRoot, { recursive: true, force: true });
});

function makeKeeper(extra: Partial<LeaseKeeperOptions> = {}): LeaseKeeper {
  return new LeaseKeeper({
    host: 'hostA',
    port: grpcLeasesPort(server.address, credentials.createInsecure()),
    clock,
    log: opTestLog,
    opContext: () => {
      fenceStartedAtMono ??= clock.monoMs();
      return makeOpContext({ runner, fsRoot });
    },
    watchdog: { feed: (zones) => feeds.push(zones), standDown: async () => undefined },
    relistIntervalMs: 60_000,
    ...extra,
  });
}

/** One tick, then wait for whatever it started (a call, a fencing). */
async function step(advanceMs = 0): Promise<void> {
  clock.advance(advanceMs);
  keeper.tick();
  await keeper.settled();
}

/** Lists, then renews once at the current instant. */
async function started(): Promise<number> {
  await step(); // ListHostLeases
  const sentAt = clock.monoMs();
  await step(); // the first renewal, right after the listing
  return sentAt;
}

describe('LeaseKeeper', () => {
  it('retries a failed first listing within half a second, not a whole renewal period', async () => {
    server.unreachable = true;
    await step(); // the coordinator is not up yet
    expect(server.lists).toHaveLength(1);
    expect(keeper.snapshot().db01).toBeUndefined();
    server.unreachable = false;
    await step(499);
    expect(server.lists).toHaveLength(1);
    await step(1);
    expect(server.lists).toHaveLength(2);
    expect(keeper.snapshot().db01).toMatchObject({ status: 'held' });
  });

  it('picks up a lease granted to this host after it started, within one renewal period', async () => {
    await keeper.stop();
    server.leases = [];
    keeper = new LeaseKeeper({
      host: 'hostA',
      port: grpcLeasesPort(server.address, credentials.createInsecure()),
      clock,
      log: opTestLog,
      opContext: () => makeOpContext({ runner, fsRoot }),
      watchdog: { feed: (zones) => feeds.push(zones), standDown: async () => undefined },
    });
    await step(); // lists: nothing held yet
    expect(keeper.snapshot().db01).toBeUndefined();
    // A run commits db01 to this host; its first TTL starts now.
    server.leases = [db01Lease()];
    await step(TTL / 3);
    await step();
    expect(keeper.snapshot().db01).toMatchObject({ status: 'held' });
    expect(server.renewals.some((r) => r.renewals.some((z) => z.zone === 'db01'))).toBe(true);
  });

  it('hands a lease it learns to the watchdog before its first renewal can reach the coordinator', async () => {
    // An accepted renewal tells the coordinator this host knew of the lease, and the
    // lease rules then trust its fencing: an agent killed right after that renewal must
    // have its watchdog watching the zone already.
    const renewalsAtFeed: number[] = [];
    await keeper.stop();
    keeper = makeKeeper({ watchdog: { feed: (zones) => { feeds.push(zones); renewalsAtFeed.push(server.renewals.length); }, standDown: async () => undefined } });
    await step(); // lists
    expect(server.renewals).toHaveLength(0);
    const firstWithDb01 = feeds.findIndex((f) => f.some((z) => z.zone === 'db01' && z.epoch === 7));
    expect(firstWithDb01).toBeGreaterThanOrEqual(0);
    expect(renewalsAtFeed[firstWithDb01]).toBe(0);
    // Not told to fence yet: the deadline is the lease's own, well ahead.
    expect(feeds[firstWithDb01]!.find((z) => z.zone === 'db01')!.remainingMs).toBeGreaterThan(TTL - SLICE - 100);
    await step(); // then renews
    expect(server.renewals).toHaveLength(1);
  });

  it('a listed lease whose epoch this host has retired (its watchdog fenced it while the agent was away) is fenced and reported, never renewed', async () => {
    await keeper.stop();
    keeper = makeKeeper({ highestEpoch: (zone) => (zone === 'db01' ? 8 : 0) });
    await step(); // lists: epoch 7, but this host's fence is at 8
    await step(0);
    expect(runner.commandLines).toContain('zoneadm -z db01 halt');
    expect(runner.commandLines.at(-1)).toBe('vxdg deport dbdg');
    expect(keeper.snapshot().db01).toBeUndefined();
    await step(TTL / 3); // the report goes out; db01 is not renewed
    expect(server.renewals.flatMap((r) => r.renewals)).toEqual([]);
    const reported = server.renewals.flatMap((r) => r.probes);
    expect(reported).toMatchObject([{ zone: 'db01', check: 'self-fence', healthy: true, epoch: 7 }]);
    expect(reported[0]!.detail).toContain('retired on this host');
    // Listed again, it stays fenced: not tracked, not fenced twice.
    await step(60_000);
    await step(0);
    expect(runner.commandLines.filter((c) => c === 'zoneadm -z db01 halt')).toHaveLength(1);
  });

  it('lists the host\'s leases, then renews them in one call every TTL/3', async () => {
    await started();
    expect(server.lists).toEqual([{ host: 'hostA' }]);
    expect(server.renewals).toHaveLength(1);
    expect(server.renewals[0]).toMatchObject({ host: 'hostA', renewals: [{ zone: 'db01', epoch: 7 }] });
    expect(keeper.intervalMs).toBe(TTL / 3);

    await step(TTL / 3 - 1);
    expect(server.renewals).toHaveLength(1);
    await step(1);
    expect(server.renewals).toHaveLength(2);
    for (let i = 0; i < 5; i++) await step(TTL / 3);
    expect(server.renewals).toHaveLength(7);
    expect(runner.calls).toEqual([]);
    expect(keeper.snapshot().db01).toMatchObject({ status: 'held', remainingMs: TTL - SLICE });
  });

  it('counts the deadline from when the renewal was sent: a slow reply does not extend it', async () => {
    await started();
    let release!: () => void;
    server.answer = (req) => new Promise((resolve) => (release = () => resolve(server.renewAll(req))));
    clock.advance(TTL / 3);
    const sentAt = clock.monoMs();
    keeper.tick();
    await vi_waitFor(() => server.renewals.length === 2);
    clock.advance(2000); // the reply takes 2 s
    release();
    await keeper.settled();
    const left = keeper.snapshot().db01!.remainingMs;
    expect(left).toBe(sentAt + TTL - SLICE - clock.monoMs());
    expect(left).toBe(TTL - SLICE - 2000);
    // The watchdog is fed the same deadline (plus its grace), relative to the feed.
    expect(feeds.at(-1)).toEqual([{ zone: 'db01', epoch: 7, remainingMs: left + Math.min(2000, Math.floor(SLICE / 4)), mountPoints: ['/data/db01'], storage: { kind: 'vxdg', group: 'dbdg' } }]);
  });

  it('a wall-clock step does not move the deadline (monotonic clock)', async () => {
    await started();
    clock.stepWall(-3_600_000);
    await step(0);
    expect(keeper.snapshot().db01!.remainingMs).toBe(TTL - SLICE);
  });

  it('halt: with the coordinator unreachable, self-fences at the deadline, before the lease can expire there', async () => {
    const sentAt = await started();
    server.unreachable = true;
    for (let t = 0; t + TTL / 3 < TTL - SLICE; t += TTL / 3) await step(TTL / 3);
    expect(runner.calls).toEqual([]);
    await step(TTL - SLICE - (clock.monoMs() - sentAt));
    expect(runner.commandLines).toEqual([
      'zoneadm -z db01 list -p', 'zoneadm -z db01 halt', 'zoneadm -z db01 list -p',
      'umount -f /data/db01',
      'vxdg list', 'vxdg deport dbdg',
    ]);
    // Started at the deadline, well before the coordinator's expiry (sent + TTL at the latest).
    expect(fenceStartedAtMono).toBe(sentAt + TTL - SLICE);
    expect(fenceStartedAtMono!).toBeLessThan(sentAt + TTL);
    expect(keeper.snapshot()).toEqual({});
    expect(feeds.at(-1)).toEqual([]); // fenced: the watchdog has nothing left to watch

    // On the next successful contact the coordinator hears what happened.
    server.unreachable = false;
    server.leases = [];
    await step(TTL / 3);
    await step(0);
    const reported = server.renewals.flatMap((r) => r.probes);
    expect(reported).toHaveLength(1);
    expect(reported[0]).toMatchObject({ zone: 'db01', check: 'self-fence', healthy: true, epoch: 7 });
    expect(reported[0]!.detail).toContain('halt db01: halted; unmount /data/db01: unmounted; deport dbdg: deported');
  });

  it('a lease learned with its deadline already past is renewed first, not fenced (a new holder that learns late)', async () => {
    await keeper.stop();
    keeper = makeKeeper();
    // What a restarted agent hears about the lease a failover just granted it: 1 s left,
    // less than the slice kept back, so its own deadline is already past.
    server.leases = [{ ...db01Lease(), remainingMs: 1000 }];
    await step(); // lists
    // The watchdog is not told to fence before the first renewal could have answered.
    expect(feeds.at(-1)?.[0]?.remainingMs ?? 1).toBeGreaterThan(0);
    await step(); // renews: accepted, the coordinator still had it live
    expect(runner.calls).toEqual([]);
    expect(keeper.snapshot().db01).toMatchObject({ status: 'held', epoch: 7 });
    expect(feeds.at(-1)![0]!.remainingMs).toBeGreaterThan(TTL - SLICE - 100);
  });

  it('a lease learned with its deadline past is fenced when its first renewal is refused or unanswered', async () => {
    await keeper.stop();
    keeper = makeKeeper();
    server.leases = [{ ...db01Lease(), remainingMs: 1000 }];
    server.unreachable = false;
    await step(); // lists
    server.unreachable = true;
    await step(); // the renewal fails: from now on the deadline counts, and it has passed
    await step(0);
    expect(runner.commandLines).toContain('zoneadm -z db01 halt');
    expect(runner.commandLines.at(-1)).toBe('vxdg deport dbdg');
  });

  it('halt: a refused renewal (stale epoch) self-fences at once', async () => {
    await started();
    server.answer = (req) => ({ results: req.renewals.map((r) => ({ zone: r.zone, renewed: false, epoch: r.epoch, ttlMs: 0, code: 'STALE_EPOCH', reason: 'stale fencing epoch for db01: got 7, current 8' })), renewIntervalMs: TTL / 3 });
    await step(TTL / 3);
    expect(runner.commandLines).toContain('zoneadm -z db01 halt');
    expect(runner.commandLines.at(-1)).toBe('vxdg deport dbdg');
    expect(fenceStartedAtMono).toBe(clock.monoMs());
    await step(TTL / 3);
    expect(server.renewals.at(-1)!.probes[0]!.detail).toContain('STALE_EPOCH');
  });

  it('freeze: runs nothing when the deadline passes, and reports the loss', async () => {
    server.leases = [db01Lease(LossPolicy.LOSS_POLICY_FREEZE)];
    await started();
    server.unreachable = true;
    for (let i = 0; i < 6; i++) await step(TTL / 3);
    expect(runner.calls).toEqual([]);
    expect(keeper.snapshot().db01).toMatchObject({ status: 'lost', policy: 'freeze' });
    expect(feeds.at(-1)).toEqual([]); // never handed to the watchdog
    server.unreachable = false;
    await step(TTL / 3);
    const probes = server.renewals.at(-1)!.probes;
    expect(probes).toMatchObject([{ zone: 'db01', check: 'lease-lost', healthy: false }]);
    expect(probes[0]!.detail).toContain('policy freeze');
    expect(keeper.snapshot().db01).toMatchObject({ status: 'held' });
  });

  describe('health reports', () => {
    const tcpCheck = { name: 'tcp', intervalMs: 1000, failureThreshold: 3, probe: { timeoutMs: 500, probe: { $case: 'tcp' as const, value: { host: '127.0.0.1', port: 8031 } } } };
    const result = (healthy: boolean) => ({ zone: 'db01', check: 'tcp', healthy, detail: healthy ? 'connected' : 'ECONNREFUSED', durationMs: 2, atMs: clock.nowMs() });
    let probed: Array<Map<string, readonly { name: string }[]>>;

    beforeEach(async () => {
      await keeper.stop();
      server.leases = [{ ...db01Lease(), checks: [tcpCheck] }];
      probed = [];
      keeper = makeKeeper({ probes: { setZones: (zones) => probed.push(new Map(zones)) } });
    });

    it('tells the scheduler the held zones\' checks as listed', async () => {
      await started();
      expect(probed.at(-1)).toEqual(new Map([['db01', [{ name: 'tcp', intervalMs: 1000, timeoutMs: 500, probe: { kind: 'tcp', host: '127.0.0.1', port: 8031 } }]]]));
    });

    it('sends a repeated healthy result with the next renewal, a failure or a change at once without renewals', async () => {
      await started();
      keeper.takeResult(result(true)); // a change from nothing: reported now
      await step(100);
      expect(server.renewals).toHaveLength(2);
      expect(server.renewals[1]).toMatchObject({ renewals: [], probes: [expect.objectContaining({ check: 'tcp', healthy: true })] });
      keeper.takeResult(result(true));
      await step(1000);
      expect(server.renewals).toHaveLength(2);
      keeper.takeResult(result(false));
      await step(100);
      expect(server.renewals).toHaveLength(3);
      expect(server.renewals[2]!.renewals).toEqual([]);
      expect(server.renewals[2]!.probes.map((p) => p.healthy)).toEqual([true, false]);
      // The report call did not disturb the renewal schedule.
      await step(TTL / 3 - 1200);
      expect(server.renewals).toHaveLength(4);
      expect(server.renewals[3]!.renewals).toEqual([{ zone: 'db01', epoch: 7 }]);
      expect(keeper.snapshot().db01).toMatchObject({ status: 'held', remainingMs: TTL - SLICE });
    });

    it('sends instants in whole milliseconds: a report can never fail the renewal it rides with', async () => {
      await started();
      keeper.takeResult({ ...result(false), atMs: clock.nowMs() + 0.6575, durationMs: 1900.4 });
      await step(TTL / 3);
      expect(server.renewals).toHaveLength(2);
      expect(server.renewals[1]).toMatchObject({ renewals: [{ zone: 'db01', epoch: 7 }], probes: [expect.objectContaining({ atMs: clock.nowMs() - TTL / 3 + 1, durationMs: 1900 })] });
      expect(keeper.snapshot().db01).toMatchObject({ status: 'held', remainingMs: TTL - SLICE });
    });

    it('carries the twin listing, and reports a new live twin at once even when it holds no lease', async () => {
      server.leases = [];
      await step(); // lists: nothing held
      keeper.takeTwins([{ zone: 'web01', state: 'running' }]);
      await step(100);
      expect(server.renewals).toHaveLength(1);
      expect(server.renewals[0]).toMatchObject({ host: 'hostA', renewals: [], twins: [{ zone: 'web01', state: ZoneState.ZONE_STATE_RUNNING }], twinsListed: true });
      // The same listing again: nothing new to say.
      keeper.takeTwins([{ zone: 'web01', state: 'running' }]);
      await step(1000);
      expect(server.renewals).toHaveLength(1);
      // Halted: the empty complete list ends the episode at the coordinator.
      keeper.takeTwins([]);
      await step(100);
      expect(server.renewals[1]).toMatchObject({ twins: [], twinsListed: true });
      keeper.takeTwins(null);
      await step(100);
      expect(server.renewals[2]).toMatchObject({ twins: [], twinsListed: false });
    });
  });
});

async function vi_waitFor(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!cond()) throw new Error('condition not reached');
}
