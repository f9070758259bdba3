// What the campaign sees of the lab, read from outside the product: each simulated
// host's zones (zoneadm list, in-process against the host root), and the coordinator's
// runs, steps and leases read-only from its SQLite file (the daemon may be writing).
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { labStatusAsync } from '../lab/create-lab.js';
import type { CampaignLab } from './campaign-lab.js';

export interface HostView {
  host: string;
  site: string;
  poweredOff: boolean;
  /** zone → state (running, ready, installed, configured, ...); absent zones are not listed. */
  zones: Map<string, string>;
  imports: string[];
}

export async function viewHosts(lab: CampaignLab): Promise<HostView[]> {
  const status = await labStatusAsync(lab.dir);
  return status.hosts.map((h) => {
    const zones = new Map<string, string>();
    for (const line of h.zoneList.split('\n').slice(1)) {
      const [, name, state] = line.trim().split(/\s+/);
      if (name && state && name !== 'global') zones.set(name, state);
    }
    return { host: h.host, site: h.site, poweredOff: h.poweredOff, zones, imports: h.imports };
  });
}

export const LIVE_STATES = new Set(['running', 'ready']);

export function liveHostsOf(hosts: readonly HostView[], zone: string): string[] {
  return hosts.filter((h) => LIVE_STATES.has(h.zones.get(zone) ?? '')).map((h) => h.host);
}

export interface RunRow {
  id: string;
  kind: string;
  zone: string;
  state: string;
  created_at_ms: number;
  finished_at_ms: number | null;
  final_reason: string | null;
}

export interface StepRow {
  run_id: string;
  zone: string;
  kind: string;
  step_index: number;
  attempt: number;
  name: string;
  host: string;
  args_json: string;
  op_id: string;
  epoch: number | null;
  status: string;
  error_json: string | null;
  started_at_ms: number;
  finished_at_ms: number | null;
}

export interface LeaseRow {
  zone: string;
  state: string;
  holder: string | null;
  epoch: number;
  expires_at_ms: number | null;
  /** Null until the holder's first renewal: until then it may not know it holds the lease. */
  renewed_at_ms: number | null;
}

function withDb<T>(lab: CampaignLab, fn: (db: Database.Database) => T, empty: T): T {
  if (!fs.existsSync(lab.db)) return empty;
  const db = new Database(lab.db, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    return fn(db);
  } finally {
    db.close();
  }
}

export function readRuns(lab: CampaignLab): RunRow[] {
  return withDb(lab, (db) => db.prepare('SELECT id, kind, zone, state, created_at_ms, finished_at_ms, final_reason FROM runs ORDER BY created_at_ms').all() as RunRow[], []);
}

export function readSteps(lab: CampaignLab): StepRow[] {
  return withDb(
    lab,
    (db) =>
      db
        .prepare(
          `SELECT s.run_id, r.zone, r.kind, s.step_index, s.attempt, s.name, s.host, s.args_json, s.op_id, s.epoch, s.status, s.error_json, s.started_at_ms, s.finished_at_ms
           FROM steps s JOIN runs r ON r.id = s.run_id ORDER BY s.started_at_ms, s.run_id, s.step_index, s.attempt`,
        )
        .all() as StepRow[],
    [],
  );
}

export function readLeases(lab: CampaignLab): LeaseRow[] {
  return withDb(lab, (db) => db.prepare('SELECT zone, state, holder, epoch, expires_at_ms, renewed_at_ms FROM leases ORDER BY zone').all() as LeaseRow[], []);
}
