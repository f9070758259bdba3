// Durable lease transitions (DESIGN "Leases and fencing"): each one reads the lease,
// asks lease-rules.ts, writes the result and its audit event in one IMMEDIATE
// transaction, and returns only after the commit, so no agent is ever told about a
// lease the database could still lose (I1, I3). Refusals are recorded too and then
// thrown as TwinzoneErrors carrying the rule's sentence.
//
// Expiry times are wall-clock ms because they must survive a restart; the agent keeps
// its own, shorter, deadline on a monotonic clock (DESIGN), and the margin and the
// restart grace absorb the coordinator's clock steps.
import type { Clock } from '../../shared/time/clock.js';
import type { Logger } from '../../shared/log/create-logger.js';
import { ERROR_CODES } from '../../shared/errors/error-codes.js';
import { TwinzoneError } from '../../shared/errors/twinzone-error.js';
import type { Store } from '../store/open-database.js';
import type { ZoneRecord } from '../store/zone-store.js';
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
  LeaseRule,
  type Lease,
  type LeaseDecision,
  type LeaseRefusalCode,
} from './lease-rules.js';

/** Who asked, for the audit trail (issue 4: who asked for what, when, from where). */
export interface Actor {
  who: string;
  fromAddress?: string | null;
  run?: string | null;
}

export interface LeaseManagerOptions {
  store: Store;
  clock: Clock;
  log: Logger;
  /** After expiry, how long a `halt` holder gets to finish self-fencing before a grant elsewhere. */
  marginMs: number;
  /** After a coordinator restart, the least time a held lease is given to be renewed. */
  graceMs: number;
  /**
   * A zone's own safety margin (its inventory policy), when it has one: the margin that
   * applies is the larger of it and marginMs, for every decision about that zone.
   */
  zoneMarginMs?: (zone: string) => number | undefined;
}

export interface Renewal {
  zone: string;
  /** The epoch the agent holds the zone under. */
  epoch: number;
}

export type RenewalOutcome =
  | { zone: string; ok: true; epoch: number; expiresAtMs: number }
  | { zone: string; ok: false; code: LeaseRefusalCode; reason: string };

const SYSTEM: Actor = { who: 'coordinator' };

/** What was asked, as events.what records it; events.result says whether it was done ("ok") or "refused". */
export const LeaseEvent = {
  Grant: 'lease.grant',
  Renew: 'lease.renew',
  Expire: 'lease.expire',
  Release: 'lease.release',
  ReserveMove: 'lease.reserve-move',
  CommitMove: 'lease.commit-move',
  AbortMove: 'lease.abort-move',
  Rearm: 'lease.rearm',
  ConfirmDown: 'host.confirm-down',
  ClearConfirmDown: 'host.clear-confirm-down',
} as const;
export type LeaseEvent = (typeof LeaseEvent)[keyof typeof LeaseEvent];

function sameLease(a: Lease | undefined, b: Lease): boolean {
  return (
    a !== undefined &&
    a.state === b.state &&
    a.holder === b.holder &&
    a.epoch === b.epoch &&
    a.lastEpoch === b.lastEpoch &&
    a.expiresAtMs === b.expiresAtMs &&
    a.target === b.target &&
    a.reservedEpoch === b.reservedEpoch &&
    a.renewedAtMs === b.renewedAtMs
  );
}

export class LeaseManager {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly marginMs: number;
  private readonly graceMs: number;
  private readonly zoneMarginMs: LeaseManagerOptions['zoneMarginMs'];

  constructor(options: LeaseManagerOptions) {
    this.store = options.store;
    this.clock = options.clock;
    this.log = options.log;
    this.marginMs = options.marginMs;
    this.graceMs = options.graceMs;
    this.zoneMarginMs = options.zoneMarginMs;
  }

  get(zone: string): Lease | undefined {
    return this.store.leases.get(zone);
  }

  /** The safety margin after expiry that applies to ZONE (see LeaseManagerOptions.zoneMarginMs). */
  marginFor(zone: string): number {
    return Math.max(this.marginMs, this.zoneMarginMs?.(zone) ?? 0);
  }

  /**
   * Whether a grant of ZONE to HOST would be allowed now, by exactly the rule grant()
   * applies (a failover's wait polls this, so it never ends before grant() agrees).
   */
  grantDecision(zone: string, host: string): LeaseDecision | undefined {
    const lease = this.store.leases.get(zone);
    const z = this.store.zones.get(zone);
    if (!lease || !z) return undefined;
    return decideGrant(lease, {
      host,
      nowMs: this.clock.nowMs(),
      ttlMs: z.leaseTtlMs,
      policy: z.lossPolicy,
      marginMs: this.marginFor(zone),
      holderConfirmedDown: lease.holder !== null && this.store.hosts.isConfirmedDown(lease.holder),
      requesterConfirmedDown: this.store.hosts.isConfirmedDown(host),
    });
  }

  list(): Lease[] {
    return this.store.leases.list();
  }

  /** A new tenure for `host` under a fresh epoch: a failover's new holder, or a first placement. */
  grant(zone: string, host: string, actor: Actor): Lease {
    return this.transition(zone, actor, LeaseEvent.Grant, (lease, z, nowMs) => {
      this.requireHost(host);
      return decideGrant(lease, {
        host,
        nowMs,
        ttlMs: z.leaseTtlMs,
        policy: z.lossPolicy,
        marginMs: this.marginFor(zone),
        holderConfirmedDown: lease.holder !== null && this.store.hosts.isConfirmedDown(lease.holder),
        requesterConfirmedDown: this.store.hosts.isConfirmedDown(host),
      });
    }, (next, _prev, nowMs) => this.store.leases.grant(zone, host, next.epoch, next.expiresAtMs!, nowMs));
  }

  /**
   * One host's renewal of every zone it holds, in one transaction (one session per host,
   * as etcd does: per-zone calls cause expiry storms at scale). Each zone gets its own
   * outcome; a refused zone tells the agent to stop acting for it. Successful renewals
   * change no state and are not audit events (they would be most of the table); refused
   * ones are.
   */
  renewHost(host: string, renewals: readonly Renewal[], actor: Actor): RenewalOutcome[] {
    const outcomes = this.store.transaction(() => {
      this.requireHost(host);
      const nowMs = this.clock.nowMs();
      const hostConfirmedDown = this.store.hosts.isConfirmedDown(host);
      return renewals.map((r): RenewalOutcome => {
        const zone = this.store.zones.get(r.zone);
        const lease = zone && this.store.leases.get(r.zone);
        const decision: LeaseDecision =
          zone && lease
            ? decideRenew(lease, { host, epoch: r.epoch, nowMs, ttlMs: zone.leaseTtlMs, hostConfirmedDown })
            : { ok: false, rule: LeaseRule.NotHolder, code: 'LEASE_NOT_HELD', reason: `${host} does not hold ${r.zone}: it has no lease` };
        if (decision.ok) {
          this.store.leases.renew(r.zone, host, r.epoch, decision.lease.expiresAtMs!, nowMs);
          return { zone: r.zone, ok: true, epoch: r.epoch, expiresAtMs: decision.lease.expiresAtMs! };
        }
        this.record(actor, LeaseEvent.Renew, r.zone, nowMs, decision, lease ?? null);
        return { zone: r.zone, ok: false, code: decision.code, reason: decision.reason };
      });
    });
    const refused = outcomes.filter((o) => !o.ok).length;
    this.log.debug({ host, zones: renewals.length, refused }, 'leases renewed');
    for (const o of outcomes) if (!o.ok) this.log[ERROR_CODES[o.code].level]({ host, zone: o.zone, err: { code: o.code, message: o.reason } }, 'lease renewal refused');
    return outcomes;
  }

  /** The holder gives the lease up under its own epoch (a planned stop, or after self-fencing). */
  release(zone: string, host: string, epoch: number, actor: Actor): Lease {
    return this.transition(zone, actor, LeaseEvent.Release, (lease, _z, nowMs) => decideRelease(lease, { host, epoch, nowMs }), this.writeRelease(zone, epoch));
  }

  /**
   * The holder's lease keeper reported a successful self-fence under `epoch`: released,
   * when that epoch is still the holder's current one (held or expired); otherwise the
   * report is about an older tenure and changes nothing (null, no refusal recorded).
   */
  releaseSelfFenced(zone: string, host: string, epoch: number, actor: Actor): Lease | null {
    const lease = this.store.leases.get(zone);
    // The same rule, asked first without recording: a report that does not apply is no refusal.
    if (!lease || !decideSelfFencedRelease(lease, { host, epoch, nowMs: this.clock.nowMs() }).ok) return null;
    return this.transition(zone, actor, LeaseEvent.Release, (l, _z, nowMs) => decideSelfFencedRelease(l, { host, epoch, nowMs }), this.writeRelease(zone, epoch));
  }

  private writeRelease(zone: string, epoch: number): (next: Lease, prev: Lease, nowMs: number) => void {
    return (_next, prev, nowMs) => this.store.leases.release(zone, epoch, prev.state === 'expired' ? 'expired' : 'held', nowMs);
  }

  /** Planned move: the next epoch is reserved for `target`; the returned lease carries it in reservedEpoch. */
  reserveMove(zone: string, target: string, actor: Actor): Lease {
    return this.transition(zone, actor, LeaseEvent.ReserveMove, (lease, _z, nowMs) => {
      this.requireHost(target);
      return decideReserve(lease, { target, nowMs, targetConfirmedDown: this.store.hosts.isConfirmedDown(target) });
    }, (next, _prev, nowMs) => this.store.leases.reserve(zone, target, next.reservedEpoch!, nowMs));
  }

  /** The move succeeded: `target` holds the zone under the reserved epoch. */
  commitMove(zone: string, target: string, epoch: number, actor: Actor): Lease {
    return this.transition(zone, actor, LeaseEvent.CommitMove, (lease, z, nowMs) => decideCommit(lease, { target, epoch, nowMs, ttlMs: z.leaseTtlMs }), (next, _prev, nowMs) =>
      this.store.leases.commit(zone, target, epoch, next.expiresAtMs!, nowMs),
    );
  }

  /** The move fell back: the source keeps its tenure; the reserved epoch stays spent. */
  abortMove(zone: string, epoch: number, actor: Actor): Lease {
    return this.transition(zone, actor, LeaseEvent.AbortMove, (lease, _z, nowMs) => decideAbort(lease, { epoch, nowMs }), (_next, _prev, nowMs) =>
      this.store.leases.abort(zone, epoch, nowMs),
    );
  }

  /** The sweep: every held lease past its expiry becomes expired, in one transaction. */
  expireDue(): Lease[] {
    return this.sweep(LeaseEvent.Expire, (nowMs) => this.store.leases.listDue(nowMs), (lease, nowMs) => decideExpire(lease, nowMs), (next, nowMs) =>
      this.store.leases.expire(next.zone, next.epoch, nowMs),
    );
  }

  /**
   * At coordinator start, before agents are served: held and migrating leases get at
   * least now + grace, since their agents could not renew while we were down (STYLE §5).
   */
  rearmAfterRestart(): Lease[] {
    return this.sweep(LeaseEvent.Rearm, () => this.store.leases.listLive(), (lease, nowMs) => decideRearm(lease, { nowMs, graceMs: this.graceMs }), (next, nowMs) =>
      this.store.leases.rearm(next.zone, next.expiresAtMs!, nowMs),
    );
  }

  /**
   * `twinzone confirm-down HOST`: an operator vouches the host is down. From now on its
   * renewals are refused, and its leases become grantable elsewhere once they run out,
   * whatever their loss policy (the only way out under `freeze`). Returns its leases.
   */
  confirmDown(host: string, actor: Actor): Lease[] {
    const leases = this.store.transaction(() => {
      const nowMs = this.clock.nowMs();
      if (!this.store.hosts.confirmDown(host, actor.who, nowMs)) throw this.hostNotFound(host);
      const held = this.store.leases.listByHolder(host);
      this.recordEvent(actor, LeaseEvent.ConfirmDown, nowMs, { result: 'ok', details: { host, zones: held.map((l) => l.zone) } });
      return held;
    });
    this.log.info({ host, zones: leases.length }, 'host confirmed down');
    return leases;
  }

  /** The host is back: it may renew and be granted leases again. */
  clearConfirmDown(host: string, actor: Actor): void {
    this.store.transaction(() => {
      const nowMs = this.clock.nowMs();
      if (!this.store.hosts.clearConfirmDown(host, nowMs)) throw this.hostNotFound(host);
      this.recordEvent(actor, LeaseEvent.ClearConfirmDown, nowMs, { result: 'ok', details: { host } });
    });
    this.log.info({ host }, 'host confirm-down cleared');
  }

  private transition(
    zone: string,
    actor: Actor,
    what: LeaseEvent,
    decide: (lease: Lease, z: ZoneRecord, nowMs: number) => LeaseDecision,
    write: (next: Lease, prev: Lease, nowMs: number) => void,
  ): Lease {
    const decision = this.store.transaction(() => {
      const z = this.store.zones.get(zone);
      if (!z) throw new TwinzoneError('ZONE_NOT_FOUND', `zone ${zone} is not in the coordinator's inventory`, { fields: { zone } });
      const nowMs = this.clock.nowMs();
      const prev = this.store.leases.get(zone) ?? freeLease(zone, nowMs);
      const d = decide(prev, z, nowMs);
      if (d.ok) this.writeChecked(d.lease, prev, nowMs, write);
      this.record(actor, what, zone, nowMs, d, prev);
      return d;
    });
    if (!decision.ok) {
      this.log[ERROR_CODES[decision.code].level]({ zone, err: { code: decision.code, message: decision.reason } }, 'lease transition refused');
      throw new TwinzoneError(decision.code, decision.reason, { fields: { zone, rule: decision.rule } });
    }
    const l = decision.lease;
    this.log.info({ zone, epoch: l.epoch, holder: l.holder, state: l.state, rule: decision.rule }, 'lease changed');
    return l;
  }

  private sweep(
    what: LeaseEvent,
    candidates: (nowMs: number) => Lease[],
    decide: (lease: Lease, nowMs: number) => LeaseDecision,
    write: (next: Lease, nowMs: number) => void,
  ): Lease[] {
    const changed = this.store.transaction(() => {
      const nowMs = this.clock.nowMs();
      const out: Lease[] = [];
      for (const prev of candidates(nowMs)) {
        const d = decide(prev, nowMs);
        if (!d.ok) continue;
        this.writeChecked(d.lease, prev, nowMs, (next, _prev, now) => write(next, now));
        this.record(SYSTEM, what, prev.zone, nowMs, d, prev);
        out.push(d.lease);
      }
      return out;
    });
    for (const l of changed) this.log.info({ zone: l.zone, epoch: l.epoch, holder: l.holder, state: l.state }, 'lease changed');
    return changed;
  }

  /** Writes, then re-reads: the store's SQL and the rules must agree, or nothing commits. */
  private writeChecked(next: Lease, prev: Lease, nowMs: number, write: (next: Lease, prev: Lease, nowMs: number) => void): void {
    write(next, prev, nowMs);
    if (!sameLease(this.store.leases.get(next.zone), next)) {
      throw new TwinzoneError('INTERNAL', `lease for ${next.zone} as stored differs from the rules' decision`, { fields: { zone: next.zone } });
    }
  }

  /** One audit event, with who asked, from where and for which run. */
  private recordEvent(actor: Actor, what: LeaseEvent, nowMs: number, e: { zone?: string; result: string; details: Record<string, unknown> }): void {
    this.store.events.record({
      atMs: nowMs,
      who: actor.who,
      fromAddress: actor.fromAddress ?? null,
      what,
      ...(e.zone !== undefined ? { zone: e.zone } : {}),
      run: actor.run ?? null,
      result: e.result,
      details: e.details,
    });
  }

  private record(actor: Actor, what: LeaseEvent, zone: string, nowMs: number, d: LeaseDecision, prev: Lease | null): void {
    const after = d.ok ? d.lease : null;
    this.recordEvent(actor, what, nowMs, {
      zone,
      result: d.ok ? 'ok' : 'refused',
      details: {
        rule: d.rule,
        reason: d.reason,
        ...(d.ok ? {} : { code: d.code }),
        before: prev && { state: prev.state, holder: prev.holder, epoch: prev.epoch, expiresAtMs: prev.expiresAtMs },
        ...(after && { after: { state: after.state, holder: after.holder, epoch: after.epoch, lastEpoch: after.lastEpoch, expiresAtMs: after.expiresAtMs, target: after.target } }),
      },
    });
  }

  private requireHost(host: string): void {
    if (!this.store.hosts.get(host)) throw this.hostNotFound(host);
  }

  private hostNotFound(host: string): TwinzoneError {
    return new TwinzoneError('HOST_NOT_FOUND', `host ${host} is not in the coordinator's inventory`, { fields: { host } });
  }
}
