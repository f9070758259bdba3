// The leases table. Each write names the transition it makes and guards on the state it
// expects, so a write that finds something else is a bug in the caller (the lease
// manager decides inside an IMMEDIATE transaction, where nothing can change under it)
// and fails loudly with INTERNAL rather than overwriting a lease (I1, I3).
import type Database from 'better-sqlite3';
import { TwinzoneError } from '../../shared/errors/twinzone-error.js';
import type { Lease, LeaseState } from '../leases/lease-rules.js';

interface LeaseRow {
  zone: string;
  state: LeaseState;
  holder: string | null;
  epoch: number;
  last_epoch: number;
  expires_at_ms: number | null;
  target: string | null;
  reserved_epoch: number | null;
  renewed_at_ms: number | null;
  updated_at_ms: number;
}

function toLease(r: LeaseRow): Lease {
  return {
    zone: r.zone,
    state: r.state,
    holder: r.holder,
    epoch: r.epoch,
    lastEpoch: r.last_epoch,
    expiresAtMs: r.expires_at_ms,
    target: r.target,
    reservedEpoch: r.reserved_epoch,
    renewedAtMs: r.renewed_at_ms,
    updatedAtMs: r.updated_at_ms,
  };
}

function expectOne(info: Database.RunResult, what: string, zone: string): void {
  if (info.changes !== 1) throw new TwinzoneError('INTERNAL', `lease ${what} for ${zone} matched ${info.changes} rows`, { fields: { zone } });
}

export type LeaseStore = ReturnType<typeof createLeaseStore>;

export function createLeaseStore(db: Database.Database) {
  const cols = 'zone, state, holder, epoch, last_epoch, expires_at_ms, target, reserved_epoch, renewed_at_ms, updated_at_ms';
  const get = db.prepare<[string], LeaseRow>(`SELECT ${cols} FROM leases WHERE zone = ?`);
  const all = db.prepare<[], LeaseRow>(`SELECT ${cols} FROM leases ORDER BY zone`);
  const byHolder = db.prepare<[string], LeaseRow>(`SELECT ${cols} FROM leases WHERE holder = ? ORDER BY zone`);
  const inStates = db.prepare<[string, string], LeaseRow>(`SELECT ${cols} FROM leases WHERE state IN (?, ?) ORDER BY zone`);
  const dueBefore = db.prepare<[number], LeaseRow>(`SELECT ${cols} FROM leases WHERE state = 'held' AND expires_at_ms <= ? ORDER BY zone`);
  // A grant is a new tenure: the row is created on the first one. renewed_at_ms: NULL
  // until the new holder's first renewal (lease-rules: a never-renewed lease proves no
  // self-fencing).
  const grant = db.prepare<{ zone: string; holder: string; epoch: number; expiresAtMs: number; nowMs: number }>(
    `INSERT INTO leases (zone, state, holder, epoch, last_epoch, expires_at_ms, target, reserved_epoch, updated_at_ms)
     VALUES (@zone, 'held', @holder, @epoch, @epoch, @expiresAtMs, NULL, NULL, @nowMs)
     ON CONFLICT (zone) DO UPDATE SET state = 'held', holder = @holder, epoch = @epoch, last_epoch = @epoch,
       expires_at_ms = @expiresAtMs, target = NULL, reserved_epoch = NULL, renewed_at_ms = NULL, updated_at_ms = @nowMs
     WHERE leases.state <> 'migrating' AND leases.last_epoch < @epoch`,
  );
  const extend = db.prepare<{ zone: string; holder: string; epoch: number; expiresAtMs: number; nowMs: number }>(
    `UPDATE leases SET expires_at_ms = @expiresAtMs, renewed_at_ms = @nowMs, updated_at_ms = @nowMs
     WHERE zone = @zone AND holder = @holder AND epoch = @epoch AND state IN ('held', 'migrating')`,
  );
  const setState = db.prepare<{ zone: string; epoch: number; from: string; to: string; nowMs: number }>(
    `UPDATE leases SET state = @to, updated_at_ms = @nowMs WHERE zone = @zone AND epoch = @epoch AND state = @from`,
  );
  const reserve = db.prepare<{ zone: string; target: string; epoch: number; nowMs: number }>(
    `UPDATE leases SET state = 'migrating', target = @target, reserved_epoch = @epoch, last_epoch = @epoch, updated_at_ms = @nowMs
     WHERE zone = @zone AND state = 'held' AND last_epoch < @epoch`,
  );
  const commit = db.prepare<{ zone: string; target: string; epoch: number; expiresAtMs: number; nowMs: number }>(
    `UPDATE leases SET state = 'held', holder = target, epoch = reserved_epoch, expires_at_ms = @expiresAtMs,
       target = NULL, reserved_epoch = NULL, renewed_at_ms = NULL, updated_at_ms = @nowMs
     WHERE zone = @zone AND state = 'migrating' AND target = @target AND reserved_epoch = @epoch`,
  );
  const abort = db.prepare<{ zone: string; epoch: number; nowMs: number }>(
    `UPDATE leases SET state = 'held', target = NULL, reserved_epoch = NULL, updated_at_ms = @nowMs
     WHERE zone = @zone AND state = 'migrating' AND reserved_epoch = @epoch`,
  );
  const rearm = db.prepare<{ zone: string; expiresAtMs: number; nowMs: number }>(
    `UPDATE leases SET expires_at_ms = @expiresAtMs, updated_at_ms = @nowMs
     WHERE zone = @zone AND state IN ('held', 'migrating') AND expires_at_ms <= @expiresAtMs`,
  );

  return {
    get(zone: string): Lease | undefined {
      const r = get.get(zone);
      return r && toLease(r);
    },
    list(): Lease[] {
      return all.all().map(toLease);
    },
    listByHolder(host: string): Lease[] {
      return byHolder.all(host).map(toLease);
    },
    /** Held and migrating leases: the ones agents renew and a restart re-arms. */
    listLive(): Lease[] {
      return inStates.all('held', 'migrating').map(toLease);
    },
    /** Held leases whose expiry is at or before nowMs (the sweep's work list). */
    listDue(nowMs: number): Lease[] {
      return dueBefore.all(nowMs).map(toLease);
    },
    grant(zone: string, holder: string, epoch: number, expiresAtMs: number, nowMs: number): void {
      expectOne(grant.run({ zone, holder, epoch, expiresAtMs, nowMs }), 'grant', zone);
    },
    renew(zone: string, holder: string, epoch: number, expiresAtMs: number, nowMs: number): void {
      expectOne(extend.run({ zone, holder, epoch, expiresAtMs, nowMs }), 'renewal', zone);
    },
    expire(zone: string, epoch: number, nowMs: number): void {
      expectOne(setState.run({ zone, epoch, from: 'held', to: 'expired', nowMs }), 'expiry', zone);
    },
    release(zone: string, epoch: number, from: 'held' | 'expired', nowMs: number): void {
      expectOne(setState.run({ zone, epoch, from, to: 'released', nowMs }), 'release', zone);
    },
    reserve(zone: string, target: string, epoch: number, nowMs: number): void {
      expectOne(reserve.run({ zone, target, epoch, nowMs }), 'reservation', zone);
    },
    commit(zone: string, target: string, epoch: number, expiresAtMs: number, nowMs: number): void {
      expectOne(commit.run({ zone, target, epoch, expiresAtMs, nowMs }), 'commit', zone);
    },
    abort(zone: string, epoch: number, nowMs: number): void {
      expectOne(abort.run({ zone, epoch, nowMs }), 'abort', zone);
    },
    rearm(zone: string, expiresAtMs: number, nowMs: number): void {
      expectOne(rearm.run({ zone, expiresAtMs, nowMs }), 're-arm', zone);
    },
  };
}
