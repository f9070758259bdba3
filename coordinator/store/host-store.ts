// Hosts as the inventory describes them, plus the one fact only an operator can supply:
// "this host is down" (twinzone confirm-down HOST), which the lease rules rely on.
import type Database from 'better-sqlite3';

export interface HostInput {
  name: string;
  site: string;
  agentAddress: string;
}

export interface HostRecord extends HostInput {
  confirmedDownAtMs: number | null;
  confirmedDownBy: string | null;
  updatedAtMs: number;
}

interface HostRow {
  name: string;
  site: string;
  agent_address: string;
  confirmed_down_at_ms: number | null;
  confirmed_down_by: string | null;
  updated_at_ms: number;
}

function toRecord(r: HostRow): HostRecord {
  return {
    name: r.name,
    site: r.site,
    agentAddress: r.agent_address,
    confirmedDownAtMs: r.confirmed_down_at_ms,
    confirmedDownBy: r.confirmed_down_by,
    updatedAtMs: r.updated_at_ms,
  };
}

export type HostStore = ReturnType<typeof createHostStore>;

export function createHostStore(db: Database.Database) {
  // Re-applying the inventory keeps an operator's confirm-down: only the operator clears it.
  const upsert = db.prepare(
    `INSERT INTO hosts (name, site, agent_address, updated_at_ms) VALUES (@name, @site, @agentAddress, @nowMs)
     ON CONFLICT (name) DO UPDATE SET site = @site, agent_address = @agentAddress, updated_at_ms = @nowMs`,
  );
  const get = db.prepare<[string], HostRow>('SELECT * FROM hosts WHERE name = ?');
  const all = db.prepare<[], HostRow>('SELECT * FROM hosts ORDER BY name');
  const confirmDown = db.prepare<{ name: string; by: string; nowMs: number }>(
    `UPDATE hosts SET confirmed_down_at_ms = @nowMs, confirmed_down_by = @by, updated_at_ms = @nowMs WHERE name = @name`,
  );
  const clear = db.prepare<{ name: string; nowMs: number }>(
    `UPDATE hosts SET confirmed_down_at_ms = NULL, confirmed_down_by = NULL, updated_at_ms = @nowMs WHERE name = @name`,
  );

  return {
    upsert(host: HostInput, nowMs: number): void {
      upsert.run({ ...host, nowMs });
    },
    get(name: string): HostRecord | undefined {
      const r = get.get(name);
      return r && toRecord(r);
    },
    list(): HostRecord[] {
      return all.all().map(toRecord);
    },
    isConfirmedDown(name: string): boolean {
      return (get.get(name)?.confirmed_down_at_ms ?? null) !== null;
    },
    /** Returns false when no such host exists. */
    confirmDown(name: string, by: string, nowMs: number): boolean {
      return confirmDown.run({ name, by, nowMs }).changes === 1;
    },
    /** Returns false when no such host exists. */
    clearConfirmDown(name: string, nowMs: number): boolean {
      return clear.run({ name, nowMs }).changes === 1;
    },
  };
}
