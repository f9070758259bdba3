// Zones and their twins as the inventory describes them. The lease rules read each
// zone's loss policy and TTL from here, inside the same transaction as the lease.
import type Database from 'better-sqlite3';
import type { LossPolicy } from '../leases/lease-rules.js';

export interface ZoneInput {
  name: string;
  brand: string;
  zonepath: string;
  lossPolicy: LossPolicy;
  leaseTtlMs: number;
}

export interface ZoneRecord extends ZoneInput {
  updatedAtMs: number;
}

export interface TwinRecord {
  zone: string;
  host: string;
  role: string;
}

interface ZoneRow {
  name: string;
  brand: string;
  zonepath: string;
  loss_policy: LossPolicy;
  lease_ttl_ms: number;
  updated_at_ms: number;
}

function toRecord(r: ZoneRow): ZoneRecord {
  return { name: r.name, brand: r.brand, zonepath: r.zonepath, lossPolicy: r.loss_policy, leaseTtlMs: r.lease_ttl_ms, updatedAtMs: r.updated_at_ms };
}

export type ZoneStore = ReturnType<typeof createZoneStore>;

export function createZoneStore(db: Database.Database) {
  const upsert = db.prepare(
    `INSERT INTO zones (name, brand, zonepath, loss_policy, lease_ttl_ms, updated_at_ms)
     VALUES (@name, @brand, @zonepath, @lossPolicy, @leaseTtlMs, @nowMs)
     ON CONFLICT (name) DO UPDATE SET brand = @brand, zonepath = @zonepath, loss_policy = @lossPolicy,
       lease_ttl_ms = @leaseTtlMs, updated_at_ms = @nowMs`,
  );
  const get = db.prepare<[string], ZoneRow>('SELECT * FROM zones WHERE name = ?');
  const all = db.prepare<[], ZoneRow>('SELECT * FROM zones ORDER BY name');
  const twins = db.prepare<[string], TwinRecord>('SELECT zone, host, role FROM twins WHERE zone = ? ORDER BY host');
  const dropTwins = db.prepare<[string]>('DELETE FROM twins WHERE zone = ?');
  const addTwin = db.prepare<TwinRecord>('INSERT INTO twins (zone, host, role) VALUES (@zone, @host, @role)');

  return {
    upsert(zone: ZoneInput, nowMs: number): void {
      upsert.run({ ...zone, nowMs });
    },
    get(name: string): ZoneRecord | undefined {
      const r = get.get(name);
      return r && toRecord(r);
    },
    list(): ZoneRecord[] {
      return all.all().map(toRecord);
    },
    twins(zone: string): TwinRecord[] {
      return twins.all(zone);
    },
    /** Replaces the zone's twin list; call inside store.transaction with the zone upsert. */
    setTwins(zone: string, list: readonly { host: string; role: string }[]): void {
      dropTwins.run(zone);
      for (const t of list) addTwin.run({ zone, host: t.host, role: t.role });
    },
  };
}
