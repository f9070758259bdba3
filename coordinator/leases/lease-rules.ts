// The lease rules (DESIGN "Leases and fencing"), PURE: each function takes the zone's
// lease as stored plus the facts of the moment (time, the zone's loss policy, who is
// confirmed down) and returns a decision: the next lease, or a refusal with the error
// code and a sentence for the operator. lease-manager.ts makes the decisions durable;
// nothing here reads a clock or a database, so every rule is a row in a table test.
//
// Two epochs per zone: `epoch` is the current holder's fencing token (I3), `lastEpoch`
// the highest ever issued or reserved. Every grant and every reservation takes
// lastEpoch + 1, so an epoch is never issued twice and neither number ever decreases.
import type { ErrorCode } from '../../shared/errors/error-codes.js';

export const LeaseState = {
  /** Never granted. */
  Free: 'free',
  /** A holder renews it; live while now < expiresAtMs. */
  Held: 'held',
  /** A planned move: the holder keeps it, the next epoch is reserved for the target. */
  Migrating: 'migrating',
  /** The holder stopped renewing; the coordinator's sweep marked it. */
  Expired: 'expired',
  /** The holder gave it up (a planned run, or it self-fenced and said so). */
  Released: 'released',
} as const;
export type LeaseState = (typeof LeaseState)[keyof typeof LeaseState];

export const LossPolicy = { Halt: 'halt', Freeze: 'freeze' } as const;
export type LossPolicy = (typeof LossPolicy)[keyof typeof LossPolicy];

export interface Lease {
  zone: string;
  state: LeaseState;
  /** The current holder; for expired/released leases, the last one (null only when free). */
  holder: string | null;
  /** The holder's fencing token (I3). */
  epoch: number;
  /** The highest epoch ever issued or reserved for this zone. */
  lastEpoch: number;
  expiresAtMs: number | null;
  /** While migrating: the host the reserved epoch is for. */
  target: string | null;
  /** While migrating: the reserved epoch (= lastEpoch). */
  reservedEpoch: number | null;
  /**
   * The holder's last successful renewal; null from a grant or a committed move until
   * its first one. A holder that never renewed may never have learnt that it holds the
   * lease (an adopted zone whose agent was down, an agent killed before its first
   * listing), so its lease running out proves no self-fencing.
   */
  renewedAtMs: number | null;
  updatedAtMs: number;
}

/** Why a decision went the way it did: a stable key for events and tests. */
export const LeaseRule = {
  Free: 'free',
  Released: 'released',
  SelfFenced: 'self-fenced',
  PreviousHolder: 'previous-holder',
  ExpiredPastMargin: 'expired-past-margin',
  ConfirmedDown: 'holder-confirmed-down',
  LiveHolder: 'live-holder',
  AlreadyHolder: 'already-holder',
  WithinMargin: 'within-margin',
  FreezeNeedsConfirmDown: 'freeze-needs-confirm-down',
  NeverRenewedNeedsConfirmDown: 'never-renewed-needs-confirm-down',
  RequesterDown: 'requester-confirmed-down',
  MoveInProgress: 'move-in-progress',
  Renewed: 'renewed',
  StaleEpoch: 'stale-epoch',
  NotHolder: 'not-holder',
  NotLive: 'not-live',
  Expired: 'expired',
  NotDue: 'not-due',
  MoveReserved: 'move-reserved',
  NoLiveHolder: 'no-live-holder',
  SameHost: 'same-host',
  MoveCommitted: 'move-committed',
  MoveAborted: 'move-aborted',
  NotMigrating: 'not-migrating',
  Rearmed: 'rearmed',
  NothingToRearm: 'nothing-to-rearm',
} as const;
export type LeaseRule = (typeof LeaseRule)[keyof typeof LeaseRule];

/** The codes a lease refusal carries (all in shared/errors/error-codes.ts). */
export type LeaseRefusalCode = Extract<ErrorCode, 'LEASE_HELD' | 'LEASE_NOT_HELD' | 'STALE_EPOCH' | 'RUN_IN_PROGRESS'>;

export type LeaseDecision =
  | { ok: true; rule: LeaseRule; reason: string; lease: Lease }
  | { ok: false; rule: LeaseRule; reason: string; code: LeaseRefusalCode };

export function freeLease(zone: string, nowMs: number): Lease {
  return { zone, state: LeaseState.Free, holder: null, epoch: 0, lastEpoch: 0, expiresAtMs: null, target: null, reservedEpoch: null, renewedAtMs: null, updatedAtMs: nowMs };
}

/** Held (or migrating) and not yet past its expiry: nobody else may act for the zone. */
export function isLive(lease: Lease, nowMs: number): boolean {
  return (lease.state === LeaseState.Held || lease.state === LeaseState.Migrating) && lease.expiresAtMs !== null && nowMs < lease.expiresAtMs;
}

function at(ms: number | null): string {
  return ms === null ? 'never' : new Date(ms).toISOString();
}

function allow(rule: LeaseRule, reason: string, lease: Lease): LeaseDecision {
  return { ok: true, rule, reason, lease };
}

function refuse(code: LeaseRefusalCode, rule: LeaseRule, reason: string): LeaseDecision {
  return { ok: false, rule, reason, code };
}

export interface GrantFacts {
  /** The host asking for the lease (a run's target, or a failover's new holder). */
  host: string;
  nowMs: number;
  ttlMs: number;
  /** The zone's lease-loss policy: what the old holder's agent does when it loses the lease. */
  policy: LossPolicy;
  /** Time after expiry for a `halt` holder to finish self-fencing (halt, unmount, deport). */
  marginMs: number;
  /** An operator ran `confirm-down` for the current/last holder and has not cleared it. */
  holderConfirmedDown: boolean;
  requesterConfirmedDown: boolean;
}

/**
 * May `facts.host` get the zone's lease now? Only when nobody else can still be acting
 * for the zone (I1, I2): free; released; its own expired lease; another's lease expired
 * plus the margin under `halt` when that holder renewed it at least once (its agent knew
 * and has self-fenced by then); another's lease no longer live after `confirm-down` (the
 * only way under `freeze`, whose agent never self-fences, and for a holder that never
 * renewed). Never while another holder's lease is live, and never during a move.
 */
export function decideGrant(lease: Lease, facts: GrantFacts): LeaseDecision {
  const { host, nowMs } = facts;
  const granted = (rule: LeaseRule, reason: string) =>
    allow(rule, reason, {
      ...lease,
      state: LeaseState.Held,
      holder: host,
      epoch: lease.lastEpoch + 1,
      lastEpoch: lease.lastEpoch + 1,
      expiresAtMs: nowMs + facts.ttlMs,
      target: null,
      reservedEpoch: null,
      renewedAtMs: null,
      updatedAtMs: nowMs,
    });

  if (facts.requesterConfirmedDown) {
    return refuse('LEASE_HELD', LeaseRule.RequesterDown, `${host} is confirmed down; clear that first if it is back`);
  }
  if (lease.state === LeaseState.Migrating) {
    return refuse('RUN_IN_PROGRESS', LeaseRule.MoveInProgress, `${lease.zone} is being moved from ${lease.holder} to ${lease.target} (epoch ${lease.reservedEpoch} reserved)`);
  }
  if (lease.state === LeaseState.Free || lease.holder === null) return granted(LeaseRule.Free, `${lease.zone} had no holder`);
  if (lease.holder === host) {
    if (isLive(lease, nowMs)) return refuse('LEASE_HELD', LeaseRule.AlreadyHolder, `${host} already holds ${lease.zone} at epoch ${lease.epoch}`);
    // Its own lease: no other twin can exist, a fresh epoch fences its own stale calls.
    return granted(LeaseRule.PreviousHolder, `${host} held ${lease.zone} last (epoch ${lease.epoch})`);
  }
  if (lease.state === LeaseState.Released) return granted(LeaseRule.Released, `${lease.holder} released ${lease.zone} at epoch ${lease.epoch}`);
  if (isLive(lease, nowMs)) {
    // A confirmed-down holder cannot renew (decideRenew), so this ends within one TTL.
    const down = facts.holderConfirmedDown ? ` (confirmed down; renewals are refused)` : '';
    return refuse('LEASE_HELD', LeaseRule.LiveHolder, `${lease.zone} is held by ${lease.holder}${down} at epoch ${lease.epoch} until ${at(lease.expiresAtMs)}`);
  }
  if (facts.holderConfirmedDown) return granted(LeaseRule.ConfirmedDown, `${lease.holder} was confirmed down and its lease ran out`);
  if (lease.renewedAtMs === null) {
    return refuse(
      'LEASE_HELD',
      LeaseRule.NeverRenewedNeedsConfirmDown,
      `${lease.holder}'s lease on ${lease.zone} (epoch ${lease.epoch}) ran out without ${lease.holder} ever renewing it, so nothing shows its agent knew to self-fence and the zone may still run there; make sure it does not, then run twinzone confirm-down ${lease.holder}`,
    );
  }
  if (facts.policy === LossPolicy.Freeze) {
    return refuse('LEASE_HELD', LeaseRule.FreezeNeedsConfirmDown, `${lease.zone} has policy freeze: its twin on ${lease.holder} may still run; confirm ${lease.holder} down first`);
  }
  const grantableAtMs = (lease.expiresAtMs ?? 0) + facts.marginMs;
  if (nowMs < grantableAtMs) {
    return refuse('LEASE_HELD', LeaseRule.WithinMargin, `${lease.holder}'s lease on ${lease.zone} expired; it may be granted elsewhere from ${at(grantableAtMs)} (safety margin for self-fencing)`);
  }
  return granted(LeaseRule.ExpiredPastMargin, `${lease.holder}'s lease expired at ${at(lease.expiresAtMs)}, margin passed`);
}

export interface RenewFacts {
  host: string;
  /** The epoch the renewing agent holds the zone under. */
  epoch: number;
  nowMs: number;
  ttlMs: number;
  hostConfirmedDown: boolean;
}

/**
 * Only the current holder, under the current epoch, before expiry; extends to
 * now + TTL. A late renewal never revives a lease: the agent measured its own deadline
 * and has self-fenced (or, under freeze, been told it lost the lease).
 */
export function decideRenew(lease: Lease, facts: RenewFacts): LeaseDecision {
  const { host, epoch, nowMs } = facts;
  if (facts.hostConfirmedDown) {
    return refuse('LEASE_NOT_HELD', LeaseRule.RequesterDown, `${host} is confirmed down; its renewals are refused until that is cleared`);
  }
  if (epoch < lease.epoch) return refuse('STALE_EPOCH', LeaseRule.StaleEpoch, `stale fencing epoch for ${lease.zone}: got ${epoch}, current ${lease.epoch}`);
  if (lease.holder !== host || epoch !== lease.epoch) {
    return refuse('LEASE_NOT_HELD', LeaseRule.NotHolder, `${host} does not hold ${lease.zone} at epoch ${epoch}`);
  }
  if (lease.state !== LeaseState.Held && lease.state !== LeaseState.Migrating) {
    return refuse('LEASE_NOT_HELD', LeaseRule.NotLive, `${host}'s lease on ${lease.zone} is ${lease.state}`);
  }
  if (!isLive(lease, nowMs)) return refuse('LEASE_NOT_HELD', LeaseRule.Expired, `${host}'s lease on ${lease.zone} expired at ${at(lease.expiresAtMs)}`);
  return allow(LeaseRule.Renewed, `renewed until ${at(nowMs + facts.ttlMs)}`, { ...lease, expiresAtMs: nowMs + facts.ttlMs, renewedAtMs: nowMs, updatedAtMs: nowMs });
}

/**
 * The sweep: a held lease past its expiry becomes expired (holder and epoch kept, so
 * the margin and the confirm-down rule still know whom they are about). A migrating
 * lease is not expired here: the run that reserved it commits or aborts it (I4), and
 * until then no grant is possible, so the reserved target cannot be overtaken.
 */
export function decideExpire(lease: Lease, nowMs: number): LeaseDecision {
  if (lease.state !== LeaseState.Held || isLive(lease, nowMs)) {
    return refuse('LEASE_HELD', LeaseRule.NotDue, `${lease.zone} is ${lease.state} until ${at(lease.expiresAtMs)}`);
  }
  return allow(LeaseRule.Expired, `${lease.holder} did not renew before ${at(lease.expiresAtMs)}`, { ...lease, state: LeaseState.Expired, updatedAtMs: nowMs });
}

export interface ReleaseFacts {
  host: string;
  epoch: number;
  nowMs: number;
}

/**
 * The holder gives the lease up under its own epoch: after a planned stop, or after it
 * self-fenced on an expired lease (which lets the next grant skip the margin).
 */
export function decideRelease(lease: Lease, facts: ReleaseFacts): LeaseDecision {
  const { host, epoch, nowMs } = facts;
  if (epoch < lease.epoch) return refuse('STALE_EPOCH', LeaseRule.StaleEpoch, `stale fencing epoch for ${lease.zone}: got ${epoch}, current ${lease.epoch}`);
  if (lease.holder !== host || epoch !== lease.epoch || (lease.state !== LeaseState.Held && lease.state !== LeaseState.Expired)) {
    return refuse('LEASE_NOT_HELD', LeaseRule.NotHolder, `${host} does not hold ${lease.zone} at epoch ${epoch} (it is ${lease.state})`);
  }
  return allow(LeaseRule.Released, `${host} released ${lease.zone} at epoch ${epoch}`, { ...lease, state: LeaseState.Released, updatedAtMs: nowMs });
}

/**
 * The holder reported that it self-fenced the zone under this very epoch (halted it,
 * unmounted and deported its storage, retired the epoch): the same as a release, and
 * the proof the grant rules otherwise wait for (the margin, or `confirm-down` for a
 * holder that never renewed, such as a new holder that learnt of its grant too late).
 */
export function decideSelfFencedRelease(lease: Lease, facts: ReleaseFacts): LeaseDecision {
  const d = decideRelease(lease, facts);
  if (!d.ok) return d;
  return allow(LeaseRule.SelfFenced, `${facts.host} self-fenced ${lease.zone} under epoch ${facts.epoch} and reported it: nothing runs there under that epoch any more`, d.lease);
}

export interface ReserveFacts {
  target: string;
  nowMs: number;
  targetConfirmedDown: boolean;
}

/**
 * A planned move (switchover, migrate, fallback): the live holder keeps the lease and
 * keeps renewing while its twin is stopped; the next epoch is reserved for the target
 * so the target's steps carry a token above everything the source ever saw (I3).
 */
export function decideReserve(lease: Lease, facts: ReserveFacts): LeaseDecision {
  const { target, nowMs } = facts;
  if (lease.state === LeaseState.Migrating) {
    return refuse('RUN_IN_PROGRESS', LeaseRule.MoveInProgress, `${lease.zone} is already being moved to ${lease.target} (epoch ${lease.reservedEpoch})`);
  }
  if (facts.targetConfirmedDown) return refuse('LEASE_HELD', LeaseRule.RequesterDown, `${target} is confirmed down; clear that first if it is back`);
  if (!isLive(lease, nowMs)) {
    return refuse('LEASE_NOT_HELD', LeaseRule.NoLiveHolder, `${lease.zone} has no live holder to move from (it is ${lease.state}); this is a failover`);
  }
  if (lease.holder === target) return refuse('LEASE_HELD', LeaseRule.SameHost, `${target} already holds ${lease.zone}`);
  const reserved = lease.lastEpoch + 1;
  return allow(LeaseRule.MoveReserved, `epoch ${reserved} reserved for ${target}`, {
    ...lease,
    state: LeaseState.Migrating,
    lastEpoch: reserved,
    target,
    reservedEpoch: reserved,
    updatedAtMs: nowMs,
  });
}

export interface CommitFacts {
  target: string;
  /** The epoch the run's target steps carried (guards against a stale run). */
  epoch: number;
  nowMs: number;
  ttlMs: number;
}

/**
 * The move succeeded (twin running and healthy on the target): the target holds it, a
 * new tenure that its agent has yet to renew (it learns of it at its next listing).
 */
export function decideCommit(lease: Lease, facts: CommitFacts): LeaseDecision {
  if (lease.state !== LeaseState.Migrating || lease.target !== facts.target || lease.reservedEpoch !== facts.epoch) {
    return refuse('LEASE_NOT_HELD', LeaseRule.NotMigrating, `${lease.zone} has no move to ${facts.target} under epoch ${facts.epoch} (it is ${lease.state})`);
  }
  return allow(LeaseRule.MoveCommitted, `${facts.target} holds ${lease.zone} at epoch ${facts.epoch}`, {
    ...lease,
    state: LeaseState.Held,
    holder: facts.target,
    epoch: facts.epoch,
    expiresAtMs: facts.nowMs + facts.ttlMs,
    target: null,
    reservedEpoch: null,
    renewedAtMs: null,
    updatedAtMs: facts.nowMs,
  });
}

export interface AbortFacts {
  /** The reserved epoch the run was moving under. */
  epoch: number;
  nowMs: number;
}

/**
 * The move fell back: the source keeps its tenure (holder, epoch, expiry as its
 * renewals left it, so a source that died meanwhile still expires). The reserved epoch
 * stays spent in lastEpoch: the next grant goes above it, fencing any call the run made
 * under it.
 */
export function decideAbort(lease: Lease, facts: AbortFacts): LeaseDecision {
  if (lease.state !== LeaseState.Migrating || lease.reservedEpoch !== facts.epoch) {
    return refuse('LEASE_NOT_HELD', LeaseRule.NotMigrating, `${lease.zone} has no move under epoch ${facts.epoch} (it is ${lease.state})`);
  }
  return allow(LeaseRule.MoveAborted, `move to ${lease.target} abandoned; ${lease.holder} keeps epoch ${lease.epoch}`, {
    ...lease,
    state: LeaseState.Held,
    target: null,
    reservedEpoch: null,
    updatedAtMs: facts.nowMs,
  });
}

/**
 * After a coordinator restart, held and migrating leases get at least now + grace:
 * agents could not renew while the coordinator was down, so treating their leases as
 * expired would move every zone at once (STYLE §5, Nomad's FailoverHeartbeatTTL).
 * Expired and released leases stay as they are: that was decided while we were up.
 */
export function decideRearm(lease: Lease, facts: { nowMs: number; graceMs: number }): LeaseDecision {
  if (lease.state !== LeaseState.Held && lease.state !== LeaseState.Migrating) {
    return refuse('LEASE_NOT_HELD', LeaseRule.NothingToRearm, `${lease.zone} is ${lease.state}`);
  }
  const expiresAtMs = Math.max(lease.expiresAtMs ?? 0, facts.nowMs + facts.graceMs);
  if (expiresAtMs === lease.expiresAtMs) return refuse('LEASE_NOT_HELD', LeaseRule.NothingToRearm, `${lease.zone} is live beyond the grace period`);
  return allow(LeaseRule.Rearmed, `re-armed until ${at(expiresAtMs)} after a coordinator restart`, { ...lease, expiresAtMs, updatedAtMs: facts.nowMs });
}
