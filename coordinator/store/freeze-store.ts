// Zones no automatic run may touch (migration 3's zone_freezes): frozen by an operator for
// maintenance (`twinzone freeze`) or by automation when a zone flaps. A freeze keeps its
// first record (who, when, why) until it is lifted; lifting it is recorded as an event
// (zone.unfrozen), which the flapping rule reads so that runs before the unfreeze no
// longer count against the zone.
import type Database from 'better-sqlite3';

export interface ZoneFreeze {
  zone: string;
  frozenBy: string;
  frozenAtMs: number;
  reason: string;
  /** True when the flapping rule froze it, not an operator. */
  automatic: boolean;
}

interface FreezeRow {
  zone: string;
  frozen_by: string;
  frozen_at_ms: number;
  reason: string;
  automatic: number;
}

const toRecord = (r: FreezeRow): ZoneFreeze => ({ zone: r.zone, frozenBy: r.frozen_by, frozenAtMs: r.frozen_at_ms, reason: r.reason, automatic: r.automatic === 1 });

/** The event recorded when a freeze is lifted (coordinator/control/freeze.ts writes it). */
export const UNFROZEN_EVENT = 'zone.unfrozen';

export type FreezeStore = ReturnType<typeof createFreezeStore>;

export function createFreezeStore(db: Database.Database) {
  const insert = db.prepare<{ zone: string; by: string; nowMs: number; reason: string; automatic: number }>(
    `INSERT INTO zone_freezes (zone, frozen_by, frozen_at_ms, reason, automatic) VALUES (@zone, @by, @nowMs, @reason, @automatic)
     ON CONFLICT (zone) DO NOTHING`,
  );
  const get = db.prepare<[string], FreezeRow>('SELECT * FROM zone_freezes WHERE zone = ?');
  const all = db.prepare<[], FreezeRow>('SELECT * FROM zone_freezes ORDER BY zone');
  const remove = db.prepare<[string]>('DELETE FROM zone_freezes WHERE zone = ?');
  const lastUnfrozen = db.prepare<{ zone: string; what: string }, { at: number | null }>('SELECT MAX(at_ms) AS at FROM events WHERE zone = @zone AND what = @what');

  return {
    /** Freezes ZONE; true when it was not frozen before (a second freeze keeps the first record). */
    freeze(zone: string, by: string, reason: string, nowMs: number, automatic = false): boolean {
      return insert.run({ zone, by, nowMs, reason, automatic: automatic ? 1 : 0 }).changes > 0;
    },
    /** Lifts the freeze; true when there was one. */
    unfreeze(zone: string): boolean {
      return remove.run(zone).changes > 0;
    },
    get(zone: string): ZoneFreeze | undefined {
      const r = get.get(zone);
      return r && toRecord(r);
    },
    all(): ZoneFreeze[] {
      return all.all().map(toRecord);
    },
    /** When the zone's freeze was last lifted (the zone.unfrozen event), or null. */
    lastUnfrozenAtMs(zone: string): number | null {
      return lastUnfrozen.get({ zone, what: UNFROZEN_EVENT })?.at ?? null;
    },
  };
}
