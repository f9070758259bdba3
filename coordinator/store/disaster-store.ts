// Sites an operator declared lost (twinzone declare-disaster): the standing a DR
// failover needs under the `manual` DR policy. Declaring again keeps the first record.
import type Database from 'better-sqlite3';

export interface SiteDisaster {
  site: string;
  declaredBy: string;
  declaredAtMs: number;
  reason: string;
}

interface DisasterRow {
  site: string;
  declared_by: string;
  declared_at_ms: number;
  reason: string;
}

const toRecord = (r: DisasterRow): SiteDisaster => ({ site: r.site, declaredBy: r.declared_by, declaredAtMs: r.declared_at_ms, reason: r.reason });

export type DisasterStore = ReturnType<typeof createDisasterStore>;

export function createDisasterStore(db: Database.Database) {
  const declare = db.prepare<{ site: string; by: string; nowMs: number; reason: string }>(
    `INSERT INTO site_disasters (site, declared_by, declared_at_ms, reason) VALUES (@site, @by, @nowMs, @reason) ON CONFLICT (site) DO NOTHING`,
  );
  const get = db.prepare<[string], DisasterRow>('SELECT * FROM site_disasters WHERE site = ?');
  const all = db.prepare<[], DisasterRow>('SELECT * FROM site_disasters ORDER BY site');
  const clear = db.prepare<[string]>('DELETE FROM site_disasters WHERE site = ?');

  return {
    declare(site: string, by: string, reason: string, nowMs: number): SiteDisaster {
      declare.run({ site, by, nowMs, reason });
      return toRecord(get.get(site)!);
    },
    get(site: string): SiteDisaster | undefined {
      const r = get.get(site);
      return r && toRecord(r);
    },
    all(): SiteDisaster[] {
      return all.all().map(toRecord);
    },
    /** The site is back: a new loss needs a new declaration. */
    clear(site: string): boolean {
      return clear.run(site).changes > 0;
    },
  };
}
