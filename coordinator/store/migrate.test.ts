import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, type Migration } from './migrate.js';
import { openDatabase } from './open-database.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinzone-migrate-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function schemaOf(file: string): string {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db.prepare<[], { sql: string }>("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY type, name").all();
    return rows.map((r) => `${r.sql};`).join('\n\n');
  } finally {
    db.close();
  }
}

describe('migrations', () => {
  it('number 1..N without gaps, one module per file in migrations/', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    const files = fs
      .readdirSync(path.join(import.meta.dirname, 'migrations'))
      .filter((f) => /^\d{3}-.+\.ts$/.test(f) && !f.endsWith('.test.ts'))
      .map((f) => f.replace(/\.ts$/, ''))
      .sort();
    expect(MIGRATIONS.map((m) => m.name)).toEqual(files);
    for (const m of MIGRATIONS) expect(m.name.startsWith(String(m.version).padStart(3, '0'))).toBe(true);
  });

  it('apply to an empty database and give the schema in the snapshot', () => {
    const file = path.join(dir, 'c.db');
    const store = openDatabase(file);
    expect(store.migration).toEqual({ from: 0, to: MIGRATIONS.length, applied: MIGRATIONS.map((m) => m.name) });
    expect(store.schemaVersion()).toBe(MIGRATIONS.length);
    store.close();
    expect(schemaOf(file)).toMatchSnapshot();
  });

  it('apply nothing twice when an existing database is reopened', () => {
    const file = path.join(dir, 'c.db');
    openDatabase(file).close();
    const again = openDatabase(file);
    expect(again.migration).toEqual({ from: MIGRATIONS.length, to: MIGRATIONS.length, applied: [] });
    again.close();
  });

  it('refuse a database newer than the code, changing nothing', () => {
    const file = path.join(dir, 'c.db');
    openDatabase(file).close();
    const raw = new Database(file);
    raw.pragma('user_version = 99');
    raw.close();
    const before = schemaOf(file);
    expect(() => openDatabase(file)).toThrow(expect.objectContaining({ code: 'SCHEMA_TOO_NEW', message: expect.stringContaining('schema version 99') }));
    expect(schemaOf(file)).toBe(before);
  });

  it('roll a failing migration back whole, leaving the version before it', () => {
    const file = path.join(dir, 'c.db');
    const broken: Migration[] = [...MIGRATIONS, { version: MIGRATIONS.length + 1, name: 'broken', sql: 'CREATE TABLE extra (x INTEGER); INSERT INTO nowhere VALUES (1);' }];
    expect(() => openDatabase(file, { migrations: broken })).toThrow(/no such table: nowhere/);
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(raw.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'extra'").get()).toEqual({ n: 0 });
    raw.close();
  });
});

describe('openDatabase', () => {
  it('creates the file and its WAL owner-only (0600)', () => {
    const file = path.join(dir, 'c.db');
    const store = openDatabase(file);
    store.hosts.upsert({ name: 'hostA', site: 'dc1', agentAddress: '10.0.0.1:7420' }, 1);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(`${file}-wal`).mode & 0o777).toBe(0o600);
    store.close();
  });

  it('sets WAL journaling, and foreign keys hold', () => {
    const file = path.join(dir, 'c.db');
    const store = openDatabase(file);
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
    // A twin on a host the inventory does not have is refused by the schema.
    store.zones.upsert({ name: 'web01', brand: 'solaris8', zonepath: '/zones/web01', lossPolicy: 'halt', leaseTtlMs: 15_000 }, 1);
    expect(() => store.transaction(() => store.zones.setTwins('web01', [{ host: 'nohost', role: 'primary' }]))).toThrow(/FOREIGN KEY/);
    store.close();
  });
});
