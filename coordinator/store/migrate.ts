// Schema migrations by PRAGMA user_version (STYLE §6): migration N is applied in its own
// transaction together with `user_version = N`, so a crash leaves the database at
// exactly N-1 or N. A database whose version is above the newest migration was written
// by a newer twinzone; it is refused before anything reads it.
import type Database from 'better-sqlite3';
import { TwinzoneError } from '../../shared/errors/twinzone-error.js';
import { sql as initial } from './migrations/001-initial.js';
import { sql as siteDisasters } from './migrations/002-site-disasters.js';
import { sql as automation } from './migrations/003-automation.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Every migration, in order; versions are 1..N without gaps (checked by migrate.test.ts). */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: '001-initial', sql: initial },
  { version: 2, name: '002-site-disasters', sql: siteDisasters },
  { version: 3, name: '003-automation', sql: automation },
];

export interface MigrationReport {
  from: number;
  to: number;
  applied: string[];
}

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function migrate(db: Database.Database, file: string, migrations: readonly Migration[] = MIGRATIONS): MigrationReport {
  const from = schemaVersion(db);
  const newest = migrations.at(-1)?.version ?? 0;
  if (from > newest) {
    throw new TwinzoneError('SCHEMA_TOO_NEW', `database ${file} has schema version ${from}, newer than this twinzone knows (${newest})`, {
      fields: { path: file, version: String(from), known: String(newest) },
    });
  }
  const applied: string[] = [];
  for (const m of migrations) {
    if (m.version <= from) continue;
    db.transaction(() => {
      db.exec(m.sql);
      // A pragma cannot take a bound parameter; the version is our own integer.
      db.pragma(`user_version = ${Math.trunc(m.version)}`);
    }).immediate();
    applied.push(m.name);
  }
  return { from, to: schemaVersion(db), applied };
}
