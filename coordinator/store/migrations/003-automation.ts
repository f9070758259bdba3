// Migration 3: what automation and the runs of issue 5 must remember across restarts.
// - leases.renewed_at_ms: when the holder last renewed (NULL: never since the grant). A
//   lease adopted at start-up that its holder never renewed proves nothing about
//   self-fencing, so its expiry alone must not let the zone move (confirm-down needed).
// - zone_freezes: zones no automatic run may touch (operator maintenance, or flapping).
// - run_artifacts: what a run leaves on a host on purpose and must be able to find again
//   after a restart: an upgrade's data snapshot, a drill's cloned storage and zone.
export const sql = `
ALTER TABLE leases ADD COLUMN renewed_at_ms INTEGER;

CREATE TABLE zone_freezes (
  zone TEXT PRIMARY KEY REFERENCES zones(name),
  frozen_by TEXT NOT NULL,
  frozen_at_ms INTEGER NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  -- 1: frozen by the flapping rule, not by an operator.
  automatic INTEGER NOT NULL DEFAULT 0 CHECK (automatic IN (0, 1))
) STRICT;

CREATE TABLE run_artifacts (
  id INTEGER PRIMARY KEY,
  run_id TEXT NOT NULL REFERENCES runs(id),
  zone TEXT NOT NULL,
  -- snapshot, clone, drill-zone, ...
  kind TEXT NOT NULL,
  host TEXT NOT NULL,
  name TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  -- NULL while the artifact exists.
  removed_at_ms INTEGER,
  details_json TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE INDEX run_artifacts_zone ON run_artifacts(zone, removed_at_ms);
`;
