// Attach deltas an operator accepted, per zone and host pair (twinzone deltas accept).
// An attach is forced only when every delta it reports is in here (DESIGN "First-time
// migration"); who accepted what, and when, stays on record.
import type Database from 'better-sqlite3';

export type DeltaSubject = 'package' | 'patch';
export type DeltaKind = 'missing' | 'extra' | 'version-mismatch';

/** One delta as the agent's attach report gives it (a patch's name is its id, its versions its revisions). */
export interface Delta {
  subject: DeltaSubject;
  kind: DeltaKind;
  name: string;
  sourceVersion: string;
  localVersion: string;
}

export interface HostPair {
  zone: string;
  fromHost: string;
  toHost: string;
}

export interface AcceptedDelta extends Delta, HostPair {
  acceptedBy: string;
  acceptedAtMs: number;
}

interface DeltaRow {
  zone: string;
  from_host: string;
  to_host: string;
  subject: DeltaSubject;
  kind: DeltaKind;
  name: string;
  source_version: string;
  local_version: string;
  accepted_by: string;
  accepted_at_ms: number;
}

function toAccepted(r: DeltaRow): AcceptedDelta {
  return {
    zone: r.zone,
    fromHost: r.from_host,
    toHost: r.to_host,
    subject: r.subject,
    kind: r.kind,
    name: r.name,
    sourceVersion: r.source_version,
    localVersion: r.local_version,
    acceptedBy: r.accepted_by,
    acceptedAtMs: r.accepted_at_ms,
  };
}

function deltaKey(d: Delta): string {
  return JSON.stringify([d.subject, d.kind, d.name, d.sourceVersion, d.localVersion]);
}

export type DeltaStore = ReturnType<typeof createDeltaStore>;

export function createDeltaStore(db: Database.Database) {
  // Accepting again keeps the first acceptance: the record says who decided first.
  const insert = db.prepare(
    `INSERT INTO accepted_deltas (zone, from_host, to_host, subject, kind, name, source_version, local_version, accepted_by, accepted_at_ms)
     VALUES (@zone, @fromHost, @toHost, @subject, @kind, @name, @sourceVersion, @localVersion, @acceptedBy, @acceptedAtMs)
     ON CONFLICT DO NOTHING`,
  );
  const list = db.prepare<{ zone: string; fromHost: string; toHost: string }, DeltaRow>(
    `SELECT * FROM accepted_deltas WHERE zone = @zone AND from_host = @fromHost AND to_host = @toHost
     ORDER BY subject, name, kind, source_version, local_version`,
  );
  const remove = db.prepare(
    `DELETE FROM accepted_deltas WHERE zone = @zone AND from_host = @fromHost AND to_host = @toHost
       AND subject = @subject AND kind = @kind AND name = @name AND source_version = @sourceVersion AND local_version = @localVersion`,
  );

  return {
    /** Records each delta as accepted; returns how many were new. Use inside store.transaction for a batch. */
    accept(pair: HostPair, deltas: readonly Delta[], acceptedBy: string, acceptedAtMs: number): number {
      let added = 0;
      for (const d of deltas) added += insert.run({ ...pair, ...d, acceptedBy, acceptedAtMs }).changes;
      return added;
    },
    listAccepted(pair: HostPair): AcceptedDelta[] {
      return list.all(pair).map(toAccepted);
    },
    /** The deltas of a report that are not accepted for this pair (empty: attach may be forced). */
    unaccepted(pair: HostPair, reported: readonly Delta[]): Delta[] {
      const accepted = new Set(list.all(pair).map((r) => deltaKey(toAccepted(r))));
      return reported.filter((d) => !accepted.has(deltaKey(d)));
    },
    revoke(pair: HostPair, delta: Delta): boolean {
      return remove.run({ ...pair, ...delta }).changes === 1;
    },
  };
}
