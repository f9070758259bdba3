// The audit trail: who asked for what, when, from where, and what came of it (issue 4
// "Store"). Append-only; refusals are recorded as well as successes.
import type Database from 'better-sqlite3';

export interface EventInput {
  atMs: number;
  /** The operator, host or component that asked ("coordinator" for its own sweeps). */
  who: string;
  fromAddress?: string | null;
  /** A dotted phrase: "lease.granted", "lease.grant-refused", "host.confirmed-down", ... */
  what: string;
  zone?: string | null;
  run?: string | null;
  /** "ok" or "refused" for requests; a run's final state for run events. */
  result: string;
  details?: Record<string, unknown>;
}

export interface EventRecord extends Required<Omit<EventInput, 'details'>> {
  id: number;
  details: Record<string, unknown>;
}

export interface EventQuery {
  zone?: string;
  run?: string;
  /** Only events with an id above this (paging, following). */
  afterId?: number;
  limit?: number;
}

interface EventRow {
  id: number;
  at_ms: number;
  who: string;
  from_address: string | null;
  what: string;
  zone: string | null;
  run: string | null;
  result: string;
  details_json: string;
}

function toRecord(r: EventRow): EventRecord {
  return {
    id: r.id,
    atMs: r.at_ms,
    who: r.who,
    fromAddress: r.from_address,
    what: r.what,
    zone: r.zone,
    run: r.run,
    result: r.result,
    details: JSON.parse(r.details_json) as Record<string, unknown>,
  };
}

export type EventStore = ReturnType<typeof createEventStore>;

export function createEventStore(db: Database.Database) {
  const insert = db.prepare(
    `INSERT INTO events (at_ms, who, from_address, what, zone, run, result, details_json)
     VALUES (@atMs, @who, @fromAddress, @what, @zone, @run, @result, @details)`,
  );
  // NULL parameters mean "any": one statement serves every filter combination.
  const query = db.prepare<{ zone: string | null; run: string | null; afterId: number; limit: number }, EventRow>(
    `SELECT * FROM events
     WHERE (@zone IS NULL OR zone = @zone) AND (@run IS NULL OR run = @run) AND id > @afterId
     ORDER BY id LIMIT @limit`,
  );

  // Observers see each event as it is recorded (the metrics count them); they must not throw.
  const observers: ((e: EventInput) => void)[] = [];

  return {
    observe(observer: (e: EventInput) => void): void {
      observers.push(observer);
    },
    record(e: EventInput): number {
      const info = insert.run({
        atMs: e.atMs,
        who: e.who,
        fromAddress: e.fromAddress ?? null,
        what: e.what,
        zone: e.zone ?? null,
        run: e.run ?? null,
        result: e.result,
        details: JSON.stringify(e.details ?? {}),
      });
      for (const observe of observers) observe(e);
      return Number(info.lastInsertRowid);
    },
    list(q: EventQuery = {}): EventRecord[] {
      return query.all({ zone: q.zone ?? null, run: q.run ?? null, afterId: q.afterId ?? 0, limit: q.limit ?? 1000 }).map(toRecord);
    },
  };
}
