// What a run leaves on a host on purpose and must find again after a restart (table
// run_artifacts, migration 3): an upgrade's data snapshot, a drill's cloned storage,
// mount and zone. A row is written when the thing is made and marked removed when it
// is gone, so `twinzone drill --cleanup` and an operator's query both see what is left.
import type Database from 'better-sqlite3';

export const ArtifactKind = {
  /** A ZFS snapshot of the zone's data (upgrade): name pool/dataset@snap. */
  Snapshot: 'snapshot',
  /** A ZFS clone of a replica's snapshot (drill): name pool/dataset. */
  Clone: 'clone',
  /** A disk group imported for a drill (the clone's, under its drill name): name the group. */
  Import: 'import',
  /** A file system mounted for a drill: name the mount point. */
  Mount: 'mount',
  /** A zone configured for a drill: name the zone. */
  DrillZone: 'drill-zone',
  /** A replica split for a drill: name the SRDF group. */
  Split: 'split',
  /** A TimeFinder/Clone session on a replica's R2 devices (drill): name the SRDF group. */
  CloneSession: 'clone-session',
} as const;
export type ArtifactKind = (typeof ArtifactKind)[keyof typeof ArtifactKind];

export interface Artifact {
  id: number;
  runId: string;
  zone: string;
  kind: ArtifactKind;
  host: string;
  name: string;
  createdAtMs: number;
  removedAtMs: number | null;
  details: Record<string, unknown>;
}

interface ArtifactRow {
  id: number;
  run_id: string;
  zone: string;
  kind: string;
  host: string;
  name: string;
  created_at_ms: number;
  removed_at_ms: number | null;
  details_json: string;
}

const toArtifact = (r: ArtifactRow): Artifact => ({
  id: r.id,
  runId: r.run_id,
  zone: r.zone,
  kind: r.kind as ArtifactKind,
  host: r.host,
  name: r.name,
  createdAtMs: r.created_at_ms,
  removedAtMs: r.removed_at_ms,
  details: JSON.parse(r.details_json) as Record<string, unknown>,
});

export interface NewArtifact {
  runId: string;
  zone: string;
  kind: ArtifactKind;
  host: string;
  name: string;
  details?: Record<string, unknown>;
}

export type ArtifactStore = ReturnType<typeof createArtifactStore>;

export function createArtifactStore(db: Database.Database) {
  const findLive = db.prepare<{ zone: string; kind: string; host: string; name: string }, ArtifactRow>(
    'SELECT * FROM run_artifacts WHERE zone = @zone AND kind = @kind AND host = @host AND name = @name AND removed_at_ms IS NULL ORDER BY id LIMIT 1',
  );
  const insert = db.prepare<{ runId: string; zone: string; kind: string; host: string; name: string; nowMs: number; details: string }>(
    'INSERT INTO run_artifacts (run_id, zone, kind, host, name, created_at_ms, details_json) VALUES (@runId, @zone, @kind, @host, @name, @nowMs, @details)',
  );
  const remove = db.prepare<{ zone: string; kind: string; name: string; nowMs: number }>(
    'UPDATE run_artifacts SET removed_at_ms = @nowMs WHERE zone = @zone AND kind = @kind AND name = @name AND removed_at_ms IS NULL',
  );
  const live = db.prepare<[string], ArtifactRow>('SELECT * FROM run_artifacts WHERE zone = ? AND removed_at_ms IS NULL ORDER BY id');
  const ofRun = db.prepare<[string], ArtifactRow>('SELECT * FROM run_artifacts WHERE run_id = ? ORDER BY id');

  return {
    /**
     * Records a thing a run made. Recording the same live thing again (a step repeated
     * after a crash) returns the existing row: one row per thing on a host.
     */
    created(a: NewArtifact, nowMs: number): Artifact {
      const existing = findLive.get({ zone: a.zone, kind: a.kind, host: a.host, name: a.name });
      if (existing) return toArtifact(existing);
      const id = Number(insert.run({ runId: a.runId, zone: a.zone, kind: a.kind, host: a.host, name: a.name, nowMs, details: JSON.stringify(a.details ?? {}) }).lastInsertRowid);
      return toArtifact(db.prepare<[number], ArtifactRow>('SELECT * FROM run_artifacts WHERE id = ?').get(id)!);
    },
    /** The thing is gone (wherever it was: a pool moves between hosts). False if nothing live matched. */
    removed(zone: string, kind: ArtifactKind, name: string, nowMs: number): boolean {
      return remove.run({ zone, kind, name, nowMs }).changes > 0;
    },
    /** What is still there for a zone, oldest first. */
    live(zone: string): Artifact[] {
      return live.all(zone).map(toArtifact);
    },
    ofRun(runId: string): Artifact[] {
      return ofRun.all(runId).map(toArtifact);
    },
  };
}
