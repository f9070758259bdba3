// Before/after pictures of a lab for the bad-input suites: the observer log (every state
// change any host made), each agent's fence and op records (stateDir), and every table
// of the coordinator's SQLite file. A refused request must leave all of them unchanged.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { labEnv } from '../lab/create-lab.js';
import { readObserverLog } from '../solsim/src/observer.js';
import { readLabConfig } from '../solsim/src/state/lab-config.js';

function hashTree(dir: string): string {
  const h = crypto.createHash('sha256');
  const walk = (d: string) => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      h.update(p);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) h.update(fs.readFileSync(p));
    }
  };
  walk(dir);
  return h.digest('hex');
}

export interface LabSnapshot {
  observed: number;
  agentState: Record<string, string>;
  store: Record<string, string>;
}

/** Tables compared; `events` is the audit log, where a refusal may rightly be recorded. */
export function storeDump(dbFile: string, skip: string[] = ['events']): Record<string, string> {
  if (!fs.existsSync(dbFile)) return {};
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[]).map((t) => t.name);
    return Object.fromEntries(tables.filter((t) => !skip.includes(t)).map((t) => [t, JSON.stringify(db.prepare(`SELECT * FROM "${t}"`).all())]));
  } finally {
    db.close();
  }
}

export function countEvents(dbFile: string): number {
  if (!fs.existsSync(dbFile)) return 0;
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

export function snapshotLab(dir: string, dbFile?: string): LabSnapshot {
  const hosts = Object.keys(readLabConfig(dir).hosts);
  return {
    observed: readObserverLog(dir).length,
    // Leases are renewed all the time, so their expiry moves: compare who holds what.
    agentState: Object.fromEntries(hosts.map((h) => [h, hashTree(path.join(labEnv(dir, h).root, 'var', 'twinzone', 'agent', 'epochs')) + ':' + hashTree(path.join(labEnv(dir, h).root, 'var', 'twinzone', 'agent', 'ops'))])),
    store: dbFile ? stableStore(storeDump(dbFile)) : {},
  };
}

/** The store without the columns that move on their own (lease expiries, renewal times). */
function stableStore(dump: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [t, json] of Object.entries(dump)) {
    const rows = JSON.parse(json) as Record<string, unknown>[];
    out[t] = JSON.stringify(rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !/expires_at_ms|updated_at_ms|last_renewal|renewed_at/.test(k)))));
  }
  return out;
}
