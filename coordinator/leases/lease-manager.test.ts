import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../shared/log/create-logger.js';
import { FakeClock } from '../../test/support/fake-clock.js';
import { openDatabase, type Store } from '../store/open-database.js';
import { LeaseManager } from './lease-manager.js';

const TTL = 15_000;
const MARGIN = 10_000;
const GRACE = 60_000;
const alice = { who: 'alice', fromAddress: '10.9.9.9' };
const agentA = { who: 'hostA' };

let dir: string;
let file: string;
let clock: FakeClock;
let store: Store;
let leases: LeaseManager;

function open(): void {
  store = openDatabase(file);
  leases = new LeaseManager({ store, clock, log: createLogger({ name: 'coordinator', level: 'silent' }), marginMs: MARGIN, graceMs: GRACE });
}

/** A coordinator restart, as far as the database can tell: close the file, open it again. */
function reopen(): void {
  store.close();
  open();
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinzone-leases-'));
  file = path.join(dir, 'coordinator.db');
  clock = new FakeClock();
  open();
  for (const name of ['hostA', 'hostB', 'hostC']) store.hosts.upsert({ name, site: 'dc1', agentAddress: `${name}:7420` }, clock.nowMs());
  store.zones.upsert({ name: 'web01', brand: 'solaris8', zonepath: '/zones/web01', lossPolicy: 'halt', leaseTtlMs: TTL }, clock.nowMs());
  store.zones.upsert({ name: 'db01', brand: 'solaris8', zonepath: '/zones/db01', lossPolicy: 'freeze', leaseTtlMs: TTL }, clock.nowMs());
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('LeaseManager', () => {
  it('makes every transition durable before returning: a reopened file has it', () => {
    const granted = leases.grant('web01', 'hostA', alice);
    expect(granted).toMatchObject({ state: 'held', holder: 'hostA', epoch: 1, expiresAtMs: clock.nowMs() + TTL });
    const reserved = leases.reserveMove('web01', 'hostB', alice);
    expect(reserved.reservedEpoch).toBe(2);
    reopen();
    expect(leases.get('web01')).toMatchObject({ state: 'migrating', holder: 'hostA', epoch: 1, target: 'hostB', reservedEpoch: 2 });
    leases.commitMove('web01', 'hostB', 2, alice);
    reopen();
    expect(leases.get('web01')).toMatchObject({ state: 'held', holder: 'hostB', epoch: 2, lastEpoch: 2 });
    expect(store.events.list({ zone: 'web01' }).map((e) => [e.what, e.result, e.who])).toEqual([
      ['lease.grant', 'ok', 'alice'],
      ['lease.reserve-move', 'ok', 'alice'],
      ['lease.commit-move', 'ok', 'alice'],
    ]);
  });

  it('refuses a grant over a live holder, records the refusal, and changes nothing', () => {
    leases.grant('web01', 'hostA', alice);
    expect(() => leases.grant('web01', 'hostB', alice)).toThrow(expect.objectContaining({ code: 'LEASE_HELD', details: { fields: { zone: 'web01', rule: 'live-holder' } } }));
    expect(leases.get('web01')).toMatchObject({ holder: 'hostA', epoch: 1 });
    const [, refused] = store.events.list({ zone: 'web01' });
    expect(refused).toMatchObject({ what: 'lease.grant', result: 'refused', who: 'alice', fromAddress: '10.9.9.9', details: { code: 'LEASE_HELD', rule: 'live-holder' } });
  });

  it('expires by sweep, then grants elsewhere only after the margin (halt)', () => {
    leases.grant('web01', 'hostA', alice);
    expect(leases.renewHost('hostA', [{ zone: 'web01', epoch: 1 }], agentA)[0]).toMatchObject({ ok: true });
    clock.advance(TTL - 1);
    expect(leases.expireDue()).toEqual([]);
    clock.advance(1);
    expect(leases.expireDue().map((l) => [l.zone, l.state])).toEqual([['web01', 'expired']]);
    expect(leases.renewHost('hostA', [{ zone: 'web01', epoch: 1 }], agentA)).toEqual([
      { zone: 'web01', ok: false, code: 'LEASE_NOT_HELD', reason: expect.stringContaining('expired') },
    ]);
    clock.advance(MARGIN - 1);
    expect(() => leases.grant('web01', 'hostB', alice)).toThrow(expect.objectContaining({ code: 'LEASE_HELD' }));
    clock.advance(1);
    expect(leases.grant('web01', 'hostB', alice)).toMatchObject({ holder: 'hostB', epoch: 2 });
    expect(store.events.list({ zone: 'web01' }).filter((e) => e.what === 'lease.expire')).toHaveLength(1);
  });

  it("applies the larger of its own margin and the zone's, and its grant decision agrees with grant()", () => {
    store.close();
    store = openDatabase(file);
    const zoneMargin = MARGIN * 3;
    leases = new LeaseManager({ store, clock, log: createLogger({ name: 'coordinator', level: 'silent' }), marginMs: MARGIN, graceMs: GRACE, zoneMarginMs: (z) => (z === 'web01' ? zoneMargin : undefined) });
    expect(leases.marginFor('web01')).toBe(zoneMargin);
    expect(leases.marginFor('db01')).toBe(MARGIN);
    leases.grant('web01', 'hostA', alice);
    leases.renewHost('hostA', [{ zone: 'web01', epoch: 1 }], agentA);
    clock.advance(TTL + MARGIN);
    // The coordinator's own margin has passed, the zone's has not: no grant, and the decision says so.
    expect(leases.grantDecision('web01', 'hostB')).toMatchObject({ ok: false, code: 'LEASE_HELD' });
    expect(() => leases.grant('web01', 'hostB', alice)).toThrow(expect.objectContaining({ code: 'LEASE_HELD' }));
    clock.advance(zoneMargin - MARGIN);
    expect(leases.grantDecision('web01', 'hostB')).toMatchObject({ ok: true });
    expect(leases.grant('web01', 'hostB', alice)).toMatchObject({ holder: 'hostB', epoch: 2 });
  });

  it('under freeze, grants elsewhere only after confirm-down, and refuses the confirmed host', () => {
    leases.grant('db01', 'hostA', alice);
    leases.renewHost('hostA', [{ zone: 'db01', epoch: 1 }], agentA);
    clock.advance(TTL + 100 * MARGIN);
    leases.expireDue();
    expect(() => leases.grant('db01', 'hostB', alice)).toThrow(expect.objectContaining({ code: 'LEASE_HELD', details: expect.objectContaining({ fields: { zone: 'db01', rule: 'freeze-needs-confirm-down' } }) }));
    expect(leases.confirmDown('hostA', alice).map((l) => l.zone)).toEqual(['db01']);
    expect(() => leases.grant('db01', 'hostA', alice)).toThrow(expect.objectContaining({ code: 'LEASE_HELD' }));
    expect(leases.grant('db01', 'hostB', alice)).toMatchObject({ holder: 'hostB', epoch: 2 });
    leases.clearConfirmDown('hostA', alice);
    expect(store.hosts.isConfirmedDown('hostA')).toBe(false);
    expect(store.events.list().filter((e) => e.what.startsWith('host.')).map((e) => [e.what, e.details])).toEqual([
      ['host.confirm-down', { host: 'hostA', zones: ['db01'] }],
      ['host.clear-confirm-down', { host: 'hostA' }],
    ]);
  });

  it('records every successful renewal; a grant and a committed move start a tenure not yet renewed (durable)', () => {
    leases.grant('web01', 'hostA', alice);
    expect(leases.get('web01')?.renewedAtMs).toBeNull();
    clock.advance(1_000);
    leases.renewHost('hostA', [{ zone: 'web01', epoch: 1 }], agentA);
    reopen();
    expect(leases.get('web01')?.renewedAtMs).toBe(clock.nowMs());
    // A refused renewal (stale epoch) leaves the last good one.
    leases.renewHost('hostA', [{ zone: 'web01', epoch: 0 }], agentA);
    expect(leases.get('web01')?.renewedAtMs).toBe(clock.nowMs());
    leases.reserveMove('web01', 'hostB', alice);
    leases.commitMove('web01', 'hostB', 2, alice);
    reopen();
    expect(leases.get('web01')).toMatchObject({ holder: 'hostB', epoch: 2, renewedAtMs: null });
  });

  it('a lease its holder never renewed (an adopted zone whose agent is down) moves only after confirm-down, whatever the margin', () => {
    leases.grant('web01', 'hostA', { who: 'coordinator' });
    clock.advance(TTL);
    leases.expireDue();
    clock.advance(100 * MARGIN);
    expect(() => leases.grant('web01', 'hostB', alice)).toThrow(
      expect.objectContaining({ code: 'LEASE_HELD', message: expect.stringMatching(/without hostA ever renewing it.*twinzone confirm-down hostA$/), details: expect.objectContaining({ fields: { zone: 'web01', rule: 'never-renewed-needs-confirm-down' } }) }),
    );
    expect(leases.get('web01')).toMatchObject({ state: 'expired', holder: 'hostA', epoch: 1 });
    expect(store.events.list({ zone: 'web01' }).at(-1)).toMatchObject({ what: 'lease.grant', result: 'refused', details: { rule: 'never-renewed-needs-confirm-down' } });
    leases.confirmDown('hostA', alice);
    expect(leases.grant('web01', 'hostB', alice)).toMatchObject({ holder: 'hostB', epoch: 2, renewedAtMs: null });
  });

  it('confirm-down stops renewals, so the live lease runs out within one TTL', () => {
    leases.grant('web01', 'hostA', alice);
    leases.confirmDown('hostA', alice);
    expect(leases.renewHost('hostA', [{ zone: 'web01', epoch: 1 }], agentA)[0]).toMatchObject({ ok: false, code: 'LEASE_NOT_HELD' });
    expect(() => leases.grant('web01', 'hostB', alice)).toThrow(expect.objectContaining({ code: 'LEASE_HELD' }));
    clock.advance(TTL);
    expect(leases.grant('web01', 'hostB', alice)).toMatchObject({ holder: 'hostB' });
  });

  it('renews all of one host\'s 1,000 zones in one transaction', () => {
    const zones = Array.from({ length: 1000 }, (_, i) => `z${String(i).padStart(4, '0')}`);
    store.transaction(() => {
      for (const z of zones) store.zones.upsert({ name: z, brand: 'solaris8', zonepath: `/zones/${z}`, lossPolicy: 'halt', leaseTtlMs: TTL }, clock.nowMs());
    });
    for (const z of zones) leases.grant(z, 'hostA', agentA);
    clock.advance(TTL / 3);
    const tx = vi.spyOn(store, 'transaction');
    const out = leases.renewHost('hostA', zones.map((zone) => ({ zone, epoch: 1 })), agentA);
    expect(tx).toHaveBeenCalledTimes(1);
    expect(out.every((o) => o.ok && o.expiresAtMs === clock.nowMs() + TTL)).toBe(true);
    reopen();
    expect(store.leases.listByHolder('hostA').every((l) => l.expiresAtMs === clock.nowMs() + TTL)).toBe(true);
  });

  it('answers a mixed batch zone by zone: stale epochs, leases it does not hold, unknown zones', () => {
    leases.grant('web01', 'hostA', alice);
    leases.grant('db01', 'hostB', alice);
    const out = leases.renewHost('hostA', [
      { zone: 'web01', epoch: 1 },
      { zone: 'web01', epoch: 0 },
      { zone: 'db01', epoch: 2 },
      { zone: 'nosuch', epoch: 1 },
    ], agentA);
    expect(out.map((o) => (o.ok ? 'ok' : o.code))).toEqual(['ok', 'STALE_EPOCH', 'LEASE_NOT_HELD', 'LEASE_NOT_HELD']);
    expect(store.events.list().filter((e) => e.what === 'lease.renew').map((e) => [e.zone, e.result])).toEqual([
      ['web01', 'refused'],
      ['db01', 'refused'],
      ['nosuch', 'refused'],
    ]);
  });

  it('refuses a stale renewal after the zone moved away and back', () => {
    leases.grant('web01', 'hostA', alice);
    leases.release('web01', 'hostA', 1, agentA);
    leases.grant('web01', 'hostB', alice);
    leases.release('web01', 'hostB', 2, { who: 'hostB' });
    leases.grant('web01', 'hostA', alice);
    expect(leases.renewHost('hostA', [{ zone: 'web01', epoch: 1 }], agentA)[0]).toMatchObject({ ok: false, code: 'STALE_EPOCH' });
    expect(leases.renewHost('hostA', [{ zone: 'web01', epoch: 3 }], agentA)[0]).toMatchObject({ ok: true, epoch: 3 });
  });

  it('re-arms held leases with the grace period after a restart instead of expiring them', () => {
    leases.grant('web01', 'hostA', alice);
    leases.grant('db01', 'hostB', alice);
    clock.advance(TTL + 1);
    leases.expireDue();
    leases.grant('web01', 'hostA', agentA);
    store.close();
    clock.advance(10 * TTL); // the coordinator is down: nobody can renew
    open();
    const rearmed = leases.rearmAfterRestart();
    expect(rearmed.map((l) => [l.zone, l.expiresAtMs])).toEqual([['web01', clock.nowMs() + GRACE]]);
    expect(leases.expireDue()).toEqual([]);
    expect(leases.get('db01')?.state).toBe('expired');
    expect(leases.renewHost('hostA', [{ zone: 'web01', epoch: 2 }], agentA)[0]).toMatchObject({ ok: true, expiresAtMs: clock.nowMs() + TTL });
    expect(store.events.list({ zone: 'web01' }).filter((e) => e.what === 'lease.rearm')).toHaveLength(1);
  });

  it('aborts a move back to the source and fences the reserved epoch for the next grant', () => {
    leases.grant('web01', 'hostA', alice);
    leases.reserveMove('web01', 'hostB', alice);
    expect(() => leases.grant('web01', 'hostC', alice)).toThrow(expect.objectContaining({ code: 'RUN_IN_PROGRESS' }));
    expect(() => leases.commitMove('web01', 'hostB', 1, alice)).toThrow(expect.objectContaining({ code: 'LEASE_NOT_HELD' }));
    expect(leases.abortMove('web01', 2, alice)).toMatchObject({ state: 'held', holder: 'hostA', epoch: 1, lastEpoch: 2 });
    leases.release('web01', 'hostA', 1, agentA);
    expect(leases.grant('web01', 'hostB', alice).epoch).toBe(3);
  });

  it('names unknown zones and hosts without changing anything', () => {
    expect(() => leases.grant('nosuch', 'hostA', alice)).toThrow(expect.objectContaining({ code: 'ZONE_NOT_FOUND' }));
    expect(() => leases.grant('web01', 'nohost', alice)).toThrow(expect.objectContaining({ code: 'HOST_NOT_FOUND' }));
    expect(() => leases.confirmDown('nohost', alice)).toThrow(expect.objectContaining({ code: 'HOST_NOT_FOUND' }));
    expect(() => leases.renewHost('nohost', [], alice)).toThrow(expect.objectContaining({ code: 'HOST_NOT_FOUND' }));
    expect(leases.list()).toEqual([]);
    expect(store.events.list()).toEqual([]);
  });
});
