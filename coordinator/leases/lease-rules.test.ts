import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../test/support/fake-clock.js';
import {
  decideAbort,
  decideCommit,
  decideExpire,
  decideGrant,
  decideRearm,
  decideRelease,
  decideSelfFencedRelease,
  decideRenew,
  decideReserve,
  freeLease,
  isLive,
  type GrantFacts,
  type Lease,
  type LeaseDecision,
} from './lease-rules.js';

const clock = new FakeClock();
const T0 = clock.nowMs();
const TTL = 15_000;
const MARGIN = 10_000;

function lease(over: Partial<Lease> = {}): Lease {
  // Renewed once since its grant unless a case says otherwise.
  return { zone: 'web01', state: 'held', holder: 'hostA', epoch: 4, lastEpoch: 4, expiresAtMs: T0 + TTL, target: null, reservedEpoch: null, renewedAtMs: T0, updatedAtMs: T0, ...over };
}

function grantFacts(over: Partial<GrantFacts> = {}): GrantFacts {
  return { host: 'hostB', nowMs: T0, ttlMs: TTL, policy: 'halt', marginMs: MARGIN, holderConfirmedDown: false, requesterConfirmedDown: false, ...over };
}

function outcome(d: LeaseDecision): string {
  return d.ok ? `ok:${d.rule}` : `${d.code}:${d.rule}`;
}

describe('decideGrant: may host B get web01 now?', () => {
  const expiredAt = T0 + TTL;
  it.each<[string, Lease, Partial<GrantFacts>, string]>([
    ['free (never granted)', freeLease('web01', T0), {}, 'ok:free'],
    ['released by its holder', lease({ state: 'released' }), {}, 'ok:released'],
    ['live in another holder', lease(), {}, 'LEASE_HELD:live-holder'],
    ['live, even one ms before expiry', lease(), { nowMs: expiredAt - 1 }, 'LEASE_HELD:live-holder'],
    ['expired, within the margin (halt)', lease({ state: 'expired' }), { nowMs: expiredAt + MARGIN - 1 }, 'LEASE_HELD:within-margin'],
    ['expired exactly at the margin (halt)', lease({ state: 'expired' }), { nowMs: expiredAt + MARGIN }, 'ok:expired-past-margin'],
    ['past expiry but not yet swept, past the margin (halt)', lease(), { nowMs: expiredAt + MARGIN }, 'ok:expired-past-margin'],
    ['expired past the margin under freeze', lease({ state: 'expired' }), { nowMs: expiredAt + 10 * MARGIN, policy: 'freeze' }, 'LEASE_HELD:freeze-needs-confirm-down'],
    ['expired under freeze, holder confirmed down', lease({ state: 'expired' }), { nowMs: expiredAt, policy: 'freeze', holderConfirmedDown: true }, 'ok:holder-confirmed-down'],
    ['expired under halt, holder confirmed down: no margin needed', lease({ state: 'expired' }), { nowMs: expiredAt, holderConfirmedDown: true }, 'ok:holder-confirmed-down'],
    ['confirmed down but its lease still live', lease(), { holderConfirmedDown: true }, 'LEASE_HELD:live-holder'],
    ['confirmed down, live, under freeze', lease(), { holderConfirmedDown: true, policy: 'freeze' }, 'LEASE_HELD:live-holder'],
    ['a planned move is in progress', lease({ state: 'migrating', lastEpoch: 5, target: 'hostC', reservedEpoch: 5 }), { nowMs: expiredAt + 10 * MARGIN }, 'RUN_IN_PROGRESS:move-in-progress'],
    ['the requester is confirmed down', freeLease('web01', T0), { requesterConfirmedDown: true }, 'LEASE_HELD:requester-confirmed-down'],
    ['its own expired lease (no other twin can exist)', lease({ state: 'expired', holder: 'hostB' }), { policy: 'freeze', nowMs: expiredAt }, 'ok:previous-holder'],
    ['its own live lease', lease({ holder: 'hostB' }), {}, 'LEASE_HELD:already-holder'],
    ['expired past the margin (halt), never renewed by its holder', lease({ state: 'expired', renewedAtMs: null }), { nowMs: expiredAt + 10 * MARGIN }, 'LEASE_HELD:never-renewed-needs-confirm-down'],
    ['past expiry, not yet swept, never renewed', lease({ renewedAtMs: null }), { nowMs: expiredAt + 10 * MARGIN }, 'LEASE_HELD:never-renewed-needs-confirm-down'],
    ['never renewed, holder confirmed down', lease({ state: 'expired', renewedAtMs: null }), { nowMs: expiredAt, holderConfirmedDown: true }, 'ok:holder-confirmed-down'],
    ['never renewed, released by its holder', lease({ state: 'released', renewedAtMs: null }), {}, 'ok:released'],
    ['never renewed, its own expired lease', lease({ state: 'expired', holder: 'hostB', renewedAtMs: null }), { nowMs: expiredAt }, 'ok:previous-holder'],
    ['never renewed and still live', lease({ renewedAtMs: null }), {}, 'LEASE_HELD:live-holder'],
  ])('%s', (_name, l, facts, expected) => {
    expect(outcome(decideGrant(l, grantFacts(facts)))).toBe(expected);
  });

  it('a grant is a new tenure: next epoch above everything issued or reserved, expiry now + TTL', () => {
    const d = decideGrant(lease({ state: 'released', epoch: 4, lastEpoch: 6 }), grantFacts({ nowMs: T0 + 1 }));
    expect(d).toMatchObject({ ok: true, lease: { state: 'held', holder: 'hostB', epoch: 7, lastEpoch: 7, expiresAtMs: T0 + 1 + TTL } });
  });

  it('a grant starts unrenewed; the refusal of a never-renewed lease tells the operator to confirm the holder down', () => {
    expect(decideGrant(lease({ state: 'released' }), grantFacts())).toMatchObject({ ok: true, lease: { renewedAtMs: null } });
    const d = decideGrant(lease({ state: 'expired', renewedAtMs: null }), grantFacts({ nowMs: T0 + TTL + MARGIN }));
    expect(d.reason).toMatch(/ran out without hostA ever renewing it.*run twinzone confirm-down hostA$/);
  });

  it('says when the margin ends, for the operator', () => {
    const d = decideGrant(lease({ state: 'expired' }), grantFacts({ nowMs: T0 + TTL }));
    expect(d.reason).toContain(new Date(T0 + TTL + MARGIN).toISOString());
  });
});

describe('decideRenew', () => {
  const facts = { host: 'hostA', epoch: 4, nowMs: T0 + 5_000, ttlMs: TTL, hostConfirmedDown: false };
  it.each<[string, Lease, Partial<typeof facts>, string]>([
    ['the holder, current epoch, before expiry', lease(), {}, 'ok:renewed'],
    ['the holder during its planned move', lease({ state: 'migrating', lastEpoch: 5, target: 'hostB', reservedEpoch: 5 }), {}, 'ok:renewed'],
    ['a stale renewal with an old epoch', lease({ epoch: 6, lastEpoch: 6 }), { epoch: 4 }, 'STALE_EPOCH:stale-epoch'],
    ['an old tenure of the same host (A@2, B@3, A@4)', lease(), { epoch: 2 }, 'STALE_EPOCH:stale-epoch'],
    ['another host at the current epoch', lease(), { host: 'hostB' }, 'LEASE_NOT_HELD:not-holder'],
    ['an epoch never issued', lease(), { epoch: 9 }, 'LEASE_NOT_HELD:not-holder'],
    ['the move target before commit', lease({ state: 'migrating', lastEpoch: 5, target: 'hostB', reservedEpoch: 5 }), { host: 'hostB', epoch: 5 }, 'LEASE_NOT_HELD:not-holder'],
    ['at the expiry instant', lease(), { nowMs: T0 + TTL }, 'LEASE_NOT_HELD:expired'],
    ['after expiry, not yet swept', lease(), { nowMs: T0 + TTL + 1 }, 'LEASE_NOT_HELD:expired'],
    ['after the sweep', lease({ state: 'expired' }), {}, 'LEASE_NOT_HELD:not-live'],
    ['after release', lease({ state: 'released' }), {}, 'LEASE_NOT_HELD:not-live'],
    ['from a host confirmed down', lease(), { hostConfirmedDown: true }, 'LEASE_NOT_HELD:requester-confirmed-down'],
  ])('%s', (_name, l, over, expected) => {
    expect(outcome(decideRenew(l, { ...facts, ...over }))).toBe(expected);
  });

  it('extends to now + TTL, never changing the epoch, and records the renewal', () => {
    expect(decideRenew(lease({ renewedAtMs: null }), facts)).toMatchObject({ ok: true, lease: { epoch: 4, lastEpoch: 4, expiresAtMs: facts.nowMs + TTL, renewedAtMs: facts.nowMs } });
  });
});

describe('decideExpire', () => {
  it.each<[string, Lease, number, string]>([
    ['held, before expiry', lease(), T0 + TTL - 1, 'LEASE_HELD:not-due'],
    ['held, at expiry', lease(), T0 + TTL, 'ok:expired'],
    ['migrating: the run commits or aborts it', lease({ state: 'migrating', lastEpoch: 5, target: 'hostB', reservedEpoch: 5 }), T0 + 10 * TTL, 'LEASE_HELD:not-due'],
    ['already released', lease({ state: 'released' }), T0 + 10 * TTL, 'LEASE_HELD:not-due'],
  ])('%s', (_name, l, now, expected) => {
    expect(outcome(decideExpire(l, now))).toBe(expected);
  });

  it('keeps holder and epoch, so margin and confirm-down still know whom they are about', () => {
    expect(decideExpire(lease(), T0 + TTL)).toMatchObject({ ok: true, lease: { state: 'expired', holder: 'hostA', epoch: 4 } });
  });
});

describe('decideRelease', () => {
  it.each<[string, Lease, { host: string; epoch: number }, string]>([
    ['the holder under its epoch', lease(), { host: 'hostA', epoch: 4 }, 'ok:released'],
    ['the holder after it self-fenced on an expired lease', lease({ state: 'expired' }), { host: 'hostA', epoch: 4 }, 'ok:released'],
    ['a stale epoch', lease({ epoch: 5, lastEpoch: 5 }), { host: 'hostA', epoch: 4 }, 'STALE_EPOCH:stale-epoch'],
    ['another host', lease(), { host: 'hostB', epoch: 4 }, 'LEASE_NOT_HELD:not-holder'],
    ['during a planned move', lease({ state: 'migrating', lastEpoch: 5, target: 'hostB', reservedEpoch: 5 }), { host: 'hostA', epoch: 4 }, 'LEASE_NOT_HELD:not-holder'],
  ])('%s', (_name, l, who, expected) => {
    expect(outcome(decideRelease(l, { ...who, nowMs: T0 }))).toBe(expected);
  });
});

describe('decideSelfFencedRelease', () => {
  it.each<[string, Lease, { host: string; epoch: number }, string]>([
    ['a new holder that never renewed, fenced at its epoch', lease({ state: 'expired', renewedAtMs: null }), { host: 'hostA', epoch: 4 }, 'ok:self-fenced'],
    ['a holder whose lease the coordinator still counts live', lease(), { host: 'hostA', epoch: 4 }, 'ok:self-fenced'],
    ['a report of an older tenure', lease({ epoch: 5, lastEpoch: 5 }), { host: 'hostA', epoch: 4 }, 'STALE_EPOCH:stale-epoch'],
    ['a host that is not the holder', lease(), { host: 'hostB', epoch: 4 }, 'LEASE_NOT_HELD:not-holder'],
    ['during a planned move', lease({ state: 'migrating', lastEpoch: 5, target: 'hostB', reservedEpoch: 5 }), { host: 'hostA', epoch: 4 }, 'LEASE_NOT_HELD:not-holder'],
  ])('%s', (_name, l, who, expected) => {
    expect(outcome(decideSelfFencedRelease(l, { ...who, nowMs: T0 }))).toBe(expected);
  });

  it('lets the next grant go without the margin or a confirm-down', () => {
    const d = decideSelfFencedRelease(lease({ state: 'expired', renewedAtMs: null }), { host: 'hostA', epoch: 4, nowMs: T0 + TTL });
    expect(d.ok).toBe(true);
    const next = decideGrant((d as { lease: Lease }).lease, grantFacts({ host: 'hostB', nowMs: T0 + TTL + 1 }));
    expect(outcome(next)).toBe('ok:released');
    expect(outcome(decideGrant(lease({ state: 'expired', renewedAtMs: null }), grantFacts({ host: 'hostB', nowMs: T0 + TTL + MARGIN + 1 })))).toBe('LEASE_HELD:never-renewed-needs-confirm-down');
  });
});

describe('planned move: reserve, commit, abort', () => {
  const reserve = { target: 'hostB', nowMs: T0 + 1_000, targetConfirmedDown: false };
  it.each<[string, Lease, Partial<typeof reserve>, string]>([
    ['a live holder', lease(), {}, 'ok:move-reserved'],
    ['already moving', lease({ state: 'migrating', lastEpoch: 5, target: 'hostC', reservedEpoch: 5 }), {}, 'RUN_IN_PROGRESS:move-in-progress'],
    ['an expired holder (that is a failover)', lease(), { nowMs: T0 + TTL }, 'LEASE_NOT_HELD:no-live-holder'],
    ['to the holder itself', lease(), { target: 'hostA' }, 'LEASE_HELD:same-host'],
    ['to a host confirmed down', lease(), { targetConfirmedDown: true }, 'LEASE_HELD:requester-confirmed-down'],
  ])('reserve: %s', (_name, l, over, expected) => {
    expect(outcome(decideReserve(l, { ...reserve, ...over }))).toBe(expected);
  });

  it('reserves lastEpoch + 1 for the target while the holder keeps its own', () => {
    const d = decideReserve(lease({ lastEpoch: 6 }), reserve);
    expect(d).toMatchObject({ ok: true, lease: { state: 'migrating', holder: 'hostA', epoch: 4, lastEpoch: 7, target: 'hostB', reservedEpoch: 7 } });
  });

  const moving = lease({ state: 'migrating', lastEpoch: 5, target: 'hostB', reservedEpoch: 5 });
  it.each<[string, { target: string; epoch: number }, string]>([
    ['the reserved target under the reserved epoch', { target: 'hostB', epoch: 5 }, 'ok:move-committed'],
    ['a stale run with an older epoch', { target: 'hostB', epoch: 4 }, 'LEASE_NOT_HELD:not-migrating'],
    ['another target', { target: 'hostC', epoch: 5 }, 'LEASE_NOT_HELD:not-migrating'],
  ])('commit: %s', (_name, c, expected) => {
    expect(outcome(decideCommit(moving, { ...c, nowMs: T0 + 2_000, ttlMs: TTL }))).toBe(expected);
  });

  it('commit hands the lease to the target at the reserved epoch, expiring now + TTL', () => {
    expect(decideCommit(moving, { target: 'hostB', epoch: 5, nowMs: T0 + 2_000, ttlMs: TTL })).toMatchObject({
      ok: true,
      lease: { state: 'held', holder: 'hostB', epoch: 5, lastEpoch: 5, expiresAtMs: T0 + 2_000 + TTL, target: null, reservedEpoch: null },
    });
  });

  it('abort keeps the source tenure as its renewals left it, and the reserved epoch spent', () => {
    expect(decideAbort(moving, { epoch: 5, nowMs: T0 + 2_000 })).toMatchObject({
      ok: true,
      lease: { state: 'held', holder: 'hostA', epoch: 4, lastEpoch: 5, expiresAtMs: T0 + TTL, target: null, reservedEpoch: null },
    });
    expect(outcome(decideAbort(moving, { epoch: 4, nowMs: T0 }))).toBe('LEASE_NOT_HELD:not-migrating');
    expect(outcome(decideAbort(lease(), { epoch: 4, nowMs: T0 }))).toBe('LEASE_NOT_HELD:not-migrating');
    // The next grant after an aborted move goes above the reserved epoch.
    const aborted = (decideAbort(moving, { epoch: 5, nowMs: T0 }) as { lease: Lease }).lease;
    expect(decideGrant({ ...aborted, state: 'released' }, grantFacts())).toMatchObject({ lease: { epoch: 6 } });
  });
});

describe('decideRearm after a coordinator restart', () => {
  const GRACE = 30_000;
  it.each<[string, Lease, number, string, number | null]>([
    ['held, expired while the coordinator was down', lease(), T0 + 10 * TTL, 'ok:rearmed', T0 + 10 * TTL + GRACE],
    ['held, expiring sooner than the grace', lease(), T0, 'ok:rearmed', T0 + GRACE],
    ['held beyond the grace: left alone', lease({ expiresAtMs: T0 + 2 * GRACE }), T0, 'LEASE_NOT_HELD:nothing-to-rearm', null],
    ['migrating', lease({ state: 'migrating', lastEpoch: 5, target: 'hostB', reservedEpoch: 5 }), T0 + 10 * TTL, 'ok:rearmed', T0 + 10 * TTL + GRACE],
    ['expired before the restart: stays expired', lease({ state: 'expired' }), T0 + 10 * TTL, 'LEASE_NOT_HELD:nothing-to-rearm', null],
    ['released', lease({ state: 'released' }), T0, 'LEASE_NOT_HELD:nothing-to-rearm', null],
  ])('%s', (_name, l, now, expected, expiresAtMs) => {
    const d = decideRearm(l, { nowMs: now, graceMs: GRACE });
    expect(outcome(d)).toBe(expected);
    if (d.ok) expect(d.lease).toMatchObject({ expiresAtMs, epoch: l.epoch, holder: l.holder, state: l.state });
  });
});

describe('invariants over any sequence of decisions', () => {
  const hosts = ['hostA', 'hostB', 'hostC'] as const;
  const host = fc.constantFrom(...hosts);
  const op = fc.oneof(
    fc.record({ k: fc.constant('grant' as const), host, down: fc.boolean(), policy: fc.constantFrom('halt' as const, 'freeze' as const) }),
    fc.record({ k: fc.constant('renew' as const), host, epochDelta: fc.integer({ min: -2, max: 1 }) }),
    fc.record({ k: fc.constant('release' as const), host, epochDelta: fc.integer({ min: -1, max: 0 }) }),
    fc.record({ k: fc.constant('expire' as const) }),
    fc.record({ k: fc.constant('reserve' as const), host }),
    fc.record({ k: fc.constant('commit' as const) }),
    fc.record({ k: fc.constant('abort' as const) }),
    fc.record({ k: fc.constant('rearm' as const) }),
    fc.record({ k: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 3 * TTL }) }),
  );

  it('epochs never decrease, no epoch is issued twice, and a grant never overtakes a live holder', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        let l = freeLease('web01', T0);
        let now = T0;
        const issued = new Set<number>();
        for (const o of ops) {
          let d: LeaseDecision | null = null;
          switch (o.k) {
            case 'grant':
              d = decideGrant(l, grantFacts({ host: o.host, nowMs: now, policy: o.policy, holderConfirmedDown: o.down }));
              if (d.ok && l.holder !== null && l.holder !== o.host) expect(isLive(l, now)).toBe(false);
              break;
            case 'renew':
              d = decideRenew(l, { host: o.host, epoch: l.epoch + o.epochDelta, nowMs: now, ttlMs: TTL, hostConfirmedDown: false });
              break;
            case 'release':
              d = decideRelease(l, { host: o.host, epoch: l.epoch + o.epochDelta, nowMs: now });
              break;
            case 'expire':
              d = decideExpire(l, now);
              break;
            case 'reserve':
              d = decideReserve(l, { target: o.host, nowMs: now, targetConfirmedDown: false });
              break;
            case 'commit':
              d = decideCommit(l, { target: l.target ?? 'hostA', epoch: l.reservedEpoch ?? 0, nowMs: now, ttlMs: TTL });
              break;
            case 'abort':
              d = decideAbort(l, { epoch: l.reservedEpoch ?? 0, nowMs: now });
              break;
            case 'rearm':
              d = decideRearm(l, { nowMs: now, graceMs: TTL });
              break;
            case 'wait':
              now += o.ms;
              break;
          }
          if (d?.ok) {
            const next = d.lease;
            expect(next.epoch).toBeGreaterThanOrEqual(l.epoch);
            expect(next.lastEpoch).toBeGreaterThanOrEqual(l.lastEpoch);
            expect(next.epoch).toBeLessThanOrEqual(next.lastEpoch);
            if (next.lastEpoch > l.lastEpoch) {
              expect(issued.has(next.lastEpoch)).toBe(false);
              issued.add(next.lastEpoch);
            }
            l = next;
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
