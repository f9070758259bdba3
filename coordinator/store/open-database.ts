// Opens the coordinator's SQLite file and hands out the Store: the per-table modules and
// a transaction helper. This directory is the only place that sees better-sqlite3
// (STYLE §2, §12); the rest of the coordinator speaks in leases, runs and events.
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { TwinzoneError } from '../../shared/errors/twinzone-error.js';
import { createArtifactStore, type ArtifactStore } from './artifact-store.js';
import { createDeltaStore, type DeltaStore } from './delta-store.js';
import { createDisasterStore, type DisasterStore } from './disaster-store.js';
import { createEventStore, type EventStore } from './event-store.js';
import { createFreezeStore, type FreezeStore } from './freeze-store.js';
import { createHostStore, type HostStore } from './host-store.js';
import { createLeaseStore, type LeaseStore } from './lease-store.js';
import { MIGRATIONS, migrate, schemaVersion, type Migration, type MigrationReport } from './migrate.js';
import { createRunStore, type RunStore } from './run-store.js';
import { createZoneStore, type ZoneStore } from './zone-store.js';

export interface OpenOptions {
  /** How long a writer waits for another connection's lock before SQLITE_BUSY (default 5 s). */
  busyTimeoutMs?: number;
  /** For tests of the migration machinery; the coordinator always uses MIGRATIONS. */
  migrations?: readonly Migration[];
}

export interface Store {
  readonly file: string;
  readonly migration: MigrationReport;
  readonly hosts: HostStore;
  readonly zones: ZoneStore;
  readonly leases: LeaseStore;
  readonly runs: RunStore;
  readonly events: EventStore;
  readonly deltas: DeltaStore;
  readonly disasters: DisasterStore;
  readonly freezes: FreezeStore;
  readonly artifacts: ArtifactStore;
  /**
   * Runs fn atomically. fn must be synchronous: better-sqlite3 commits when fn returns,
   * so an async fn would commit at its first await (STYLE §5, §13); a returned promise
   * is refused and the transaction rolled back. Always BEGIN IMMEDIATE: every caller
   * writes, and taking the write lock at BEGIN makes concurrent writers queue on
   * busy_timeout instead of failing with SQLITE_BUSY when a read upgrades to a write.
   * Nested calls become savepoints.
   */
  transaction<T>(fn: () => T): T;
  schemaVersion(): number;
  close(): void;
}

/** Creates the file owner-only (0600) before SQLite does: it holds the lease and audit records. */
function createPrivate(file: string): void {
  if (file === ':memory:') return;
  try {
    fs.closeSync(fs.openSync(file, 'wx', 0o600));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

export function openDatabase(file: string, options: OpenOptions = {}): Store {
  createPrivate(file);
  const db = new Database(file);
  try {
    // WAL: readers (status, history) never block the lease writer. synchronous=FULL:
    // a committed lease transition survives power loss before any agent acts on it
    // (DESIGN "Leases and fencing"); global, since the journal needs the same (I4).
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
    if (file !== ':memory:' && String(db.pragma('journal_mode', { simple: true })).toLowerCase() !== 'wal') {
      throw new TwinzoneError('PRECONDITION_FAILED', `database ${file} could not be switched to WAL journaling (is it on a network file system?)`, {
        fields: { path: file },
      });
    }
    const migration = migrate(db, file, options.migrations ?? MIGRATIONS);
    return {
      file,
      migration,
      hosts: createHostStore(db),
      zones: createZoneStore(db),
      leases: createLeaseStore(db),
      runs: createRunStore(db),
      events: createEventStore(db),
      deltas: createDeltaStore(db),
      disasters: createDisasterStore(db),
      freezes: createFreezeStore(db),
      artifacts: createArtifactStore(db),
      transaction: <T>(fn: () => T): T => db.transaction(fn).immediate(),
      schemaVersion: () => schemaVersion(db),
      close: () => db.close(),
    };
  } catch (err) {
    db.close();
    throw err;
  }
}
