import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Store } from './open-database.js';

let dir: string;
let file: string;
let store: Store;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinzone-store-'));
  file = path.join(dir, 'c.db');
  store = openDatabase(file);
  store.hosts.upsert({ name: 'hostA', site: 'dc1', agentAddress: '10.0.0.1:7420' }, 1);
  store.hosts.upsert({ name: 'hostB', site: 'dc1', agentAddress: '10.0.0.2:7420' }, 1);
  store.zones.upsert({ name: 'web01', brand: 'solaris8', zonepath: '/zones/web01', lossPolicy: 'halt', leaseTtlMs: 15_000 }, 1);
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('host and zone stores', () => {
  it('round-trip hosts, and re-applying the inventory keeps a confirm-down', () => {
    expect(store.hosts.get('hostA')).toEqual({ name: 'hostA', site: 'dc1', agentAddress: '10.0.0.1:7420', confirmedDownAtMs: null, confirmedDownBy: null, updatedAtMs: 1 });
    expect(store.hosts.confirmDown('hostA', 'alice', 5)).toBe(true);
    store.hosts.upsert({ name: 'hostA', site: 'dc1', agentAddress: '10.0.0.9:7420' }, 6);
    expect(store.hosts.get('hostA')).toMatchObject({ agentAddress: '10.0.0.9:7420', confirmedDownAtMs: 5, confirmedDownBy: 'alice' });
    expect(store.hosts.isConfirmedDown('hostA')).toBe(true);
    expect(store.hosts.clearConfirmDown('hostA', 7)).toBe(true);
    expect(store.hosts.isConfirmedDown('hostA')).toBe(false);
    expect(store.hosts.confirmDown('nohost', 'alice', 8)).toBe(false);
    expect(store.hosts.list().map((h) => h.name)).toEqual(['hostA', 'hostB']);
  });

  it('round-trip zones and their twins', () => {
    store.transaction(() => store.zones.setTwins('web01', [{ host: 'hostA', role: 'primary' }, { host: 'hostB', role: 'standby' }]));
    expect(store.zones.get('web01')).toEqual({ name: 'web01', brand: 'solaris8', zonepath: '/zones/web01', lossPolicy: 'halt', leaseTtlMs: 15_000, updatedAtMs: 1 });
    expect(store.zones.twins('web01')).toEqual([
      { zone: 'web01', host: 'hostA', role: 'primary' },
      { zone: 'web01', host: 'hostB', role: 'standby' },
    ]);
    store.transaction(() => store.zones.setTwins('web01', [{ host: 'hostB', role: 'primary' }]));
    expect(store.zones.twins('web01')).toEqual([{ zone: 'web01', host: 'hostB', role: 'primary' }]);
    expect(() => store.zones.upsert({ name: 'db01', brand: 'native', zonepath: '/zones/db01', lossPolicy: 'pause' as 'halt', leaseTtlMs: 1 }, 1)).toThrow(/CHECK/);
  });
});

describe('lease store', () => {
  it('walks grant → renew → reserve → commit → expire → release and survives a reopen', () => {
    store.leases.grant('web01', 'hostA', 1, 1_000, 10);
    expect(store.leases.get('web01')?.renewedAtMs).toBeNull();
    store.leases.renew('web01', 'hostA', 1, 2_000, 20);
    store.leases.reserve('web01', 'hostB', 2, 30);
    expect(store.leases.get('web01')).toMatchObject({ state: 'migrating', holder: 'hostA', epoch: 1, lastEpoch: 2, target: 'hostB', reservedEpoch: 2, renewedAtMs: 20 });
    store.leases.commit('web01', 'hostB', 2, 3_000, 40);
    store.leases.expire('web01', 2, 50);
    store.leases.release('web01', 2, 'expired', 60);
    store.close();
    store = openDatabase(file);
    expect(store.leases.get('web01')).toEqual({
      zone: 'web01', state: 'released', holder: 'hostB', epoch: 2, lastEpoch: 2, expiresAtMs: 3_000, target: null, reservedEpoch: null, renewedAtMs: null, updatedAtMs: 60,
    });
    expect(store.leases.listByHolder('hostB').map((l) => l.zone)).toEqual(['web01']);
  });

  it('refuses a write that does not match the expected state (a caller bug) with INTERNAL', () => {
    store.leases.grant('web01', 'hostA', 1, 1_000, 10);
    expect(() => store.leases.renew('web01', 'hostA', 0, 2_000, 20)).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
    expect(() => store.leases.grant('web01', 'hostB', 1, 2_000, 20)).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
    expect(() => store.leases.commit('web01', 'hostB', 2, 2_000, 20)).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
  });

  it('lists due and live leases for the sweep and the restart re-arm', () => {
    store.zones.upsert({ name: 'db01', brand: 'native', zonepath: '/zones/db01', lossPolicy: 'freeze', leaseTtlMs: 15_000 }, 1);
    store.leases.grant('web01', 'hostA', 1, 1_000, 10);
    store.leases.grant('db01', 'hostB', 1, 5_000, 10);
    expect(store.leases.listDue(1_000).map((l) => l.zone)).toEqual(['web01']);
    expect(store.leases.listLive().map((l) => l.zone)).toEqual(['db01', 'web01']);
  });

  it('keeps epochs growing even against raw SQL (trigger)', () => {
    store.leases.grant('web01', 'hostA', 5, 1_000, 10);
    const raw = new Database(file);
    expect(() => raw.prepare("UPDATE leases SET epoch = 4 WHERE zone = 'web01'").run()).toThrow(/lease epochs only grow/);
    expect(() => raw.prepare("UPDATE leases SET last_epoch = 4, epoch = 4 WHERE zone = 'web01'").run()).toThrow(/lease epochs only grow/);
    raw.close();
  });
});

describe('run store', () => {
  const cmd = { argv: ['/usr/sbin/zoneadm', '-z', 'web01', 'halt'], exitCode: 0, stdout: '', stderr: '', startedAtMs: 5, durationMs: 7, truncated: false, planned: false, timedOut: false };

  it('journals a run and its step attempts, and records the final state once', () => {
    const run = store.runs.create({ id: 'r1', kind: 'switchover', zone: 'web01', state: 'started', requestedBy: 'alice' }, 100);
    expect(run).toEqual({ id: 'r1', kind: 'switchover', zone: 'web01', state: 'started', requestedBy: 'alice', createdAtMs: 100, updatedAtMs: 100, finishedAtMs: null, finalReason: null });
    store.runs.startStep({ runId: 'r1', stepIndex: 0, attempt: 1, name: 'haltZone', host: 'hostA', args: { zone: 'web01' }, opId: 'r1-0-1', epoch: 3, status: 'started' }, 110);
    expect(store.runs.lastStep('r1')).toMatchObject({ opId: 'r1-0-1', status: 'started', finishedAtMs: null, commands: [], error: null });
    store.runs.finishStep('r1-0-1', { status: 'failed', commands: [cmd], error: { code: 'COMMAND_TIMEOUT' } }, 120);
    store.runs.startStep({ runId: 'r1', stepIndex: 0, attempt: 2, name: 'haltZone', host: 'hostA', args: { zone: 'web01' }, opId: 'r1-0-2', epoch: 3, status: 'started' }, 130);
    store.runs.finishStep('r1-0-2', { status: 'succeeded', commands: [cmd], error: null }, 140);
    expect(store.runs.steps('r1').map((s) => [s.stepIndex, s.attempt, s.status])).toEqual([[0, 1, 'failed'], [0, 2, 'succeeded']]);
    expect(store.runs.stepByOp('r1-0-1')).toMatchObject({ commands: [cmd], error: { code: 'COMMAND_TIMEOUT' }, startedAtMs: 110, finishedAtMs: 120, args: { zone: 'web01' } });
    expect(() => store.runs.finishStep('r1-0-2', { status: 'succeeded', commands: [], error: null }, 150)).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
    expect(store.runs.listUnfinished().map((r) => r.id)).toEqual(['r1']);
    store.runs.setState('r1', 'committing', 150);
    store.runs.finish('r1', 'succeeded', 'web01 runs on hostB', 160);
    expect(store.runs.get('r1')).toMatchObject({ state: 'succeeded', finishedAtMs: 160, finalReason: 'web01 runs on hostB' });
    expect(() => store.runs.finish('r1', 'failed', 'again', 170)).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
    expect(store.runs.listUnfinished()).toEqual([]);
  });

  it('admits one unfinished run per zone (RUN_IN_PROGRESS) and another once it finished', () => {
    store.runs.create({ id: 'r1', kind: 'switchover', zone: 'web01', state: 'started', requestedBy: 'alice' }, 100);
    expect(() => store.runs.create({ id: 'r2', kind: 'failover', zone: 'web01', state: 'started', requestedBy: 'bob' }, 101)).toThrow(
      expect.objectContaining({ code: 'RUN_IN_PROGRESS', message: 'a run on web01 is in progress (switchover r1)' }),
    );
    store.runs.finish('r1', 'succeeded', 'done', 102);
    expect(store.runs.create({ id: 'r2', kind: 'failover', zone: 'web01', state: 'started', requestedBy: 'bob' }, 103).id).toBe('r2');
    expect(store.runs.history('web01').map((r) => r.id)).toEqual(['r2', 'r1']);
  });
});

describe('event store', () => {
  it('records and filters the audit trail', () => {
    store.events.record({ atMs: 1, who: 'alice', fromAddress: '10.1.1.1', what: 'run.request', zone: 'web01', run: 'r1', result: 'ok', details: { kind: 'switchover' } });
    store.events.record({ atMs: 2, who: 'coordinator', what: 'lease.expire', zone: 'db01', result: 'ok' });
    const [first] = store.events.list({ zone: 'web01' });
    expect(first).toEqual({ id: 1, atMs: 1, who: 'alice', fromAddress: '10.1.1.1', what: 'run.request', zone: 'web01', run: 'r1', result: 'ok', details: { kind: 'switchover' } });
    expect(store.events.list().map((e) => e.id)).toEqual([1, 2]);
    expect(store.events.list({ afterId: 1 }).map((e) => e.zone)).toEqual(['db01']);
    expect(store.events.list({ run: 'r1', limit: 5 })).toHaveLength(1);
  });
});

describe('delta store', () => {
  const pair = { zone: 'web01', fromHost: 'hostA', toHost: 'hostB' };
  const patch = { subject: 'patch', kind: 'version-mismatch', name: '119254', sourceVersion: '80', localVersion: '75' } as const;
  const pkg = { subject: 'package', kind: 'missing', name: 'SUNWfoo', sourceVersion: '11.10.0', localVersion: '' } as const;

  it('accepts deltas per host pair, keeps the first acceptance, and reports what is left', () => {
    expect(store.transaction(() => store.deltas.accept(pair, [patch], 'alice', 10))).toBe(1);
    expect(store.deltas.accept(pair, [patch], 'bob', 20)).toBe(0);
    expect(store.deltas.listAccepted(pair)).toEqual([{ ...pair, ...patch, acceptedBy: 'alice', acceptedAtMs: 10 }]);
    expect(store.deltas.unaccepted(pair, [patch, pkg])).toEqual([pkg]);
    // The other direction is another pair: nothing accepted there.
    expect(store.deltas.unaccepted({ ...pair, fromHost: 'hostB', toHost: 'hostA' }, [patch])).toEqual([patch]);
    expect(store.deltas.revoke(pair, patch)).toBe(true);
    expect(store.deltas.listAccepted(pair)).toEqual([]);
  });
});

describe('store.transaction', () => {
  it('commits together or not at all', () => {
    expect(() =>
      store.transaction(() => {
        store.events.record({ atMs: 1, who: 'a', what: 'x', result: 'ok' });
        store.leases.grant('web01', 'hostA', 1, 10, 1);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(store.events.list()).toEqual([]);
    expect(store.leases.get('web01')).toBeUndefined();
  });

  it('refuses an async function (it would commit at its first await)', () => {
    expect(() => store.transaction((async () => store.events.record({ atMs: 1, who: 'a', what: 'x', result: 'ok' })) as () => unknown)).toThrow(/promise/);
    expect(store.events.list()).toEqual([]);
  });

  it('nests as a savepoint', () => {
    store.transaction(() => {
      store.events.record({ atMs: 1, who: 'a', what: 'outer', result: 'ok' });
      expect(() => store.transaction(() => {
        store.events.record({ atMs: 2, who: 'a', what: 'inner', result: 'ok' });
        throw new Error('inner fails');
      })).toThrow('inner fails');
    });
    expect(store.events.list().map((e) => e.what)).toEqual(['outer']);
  });
});
