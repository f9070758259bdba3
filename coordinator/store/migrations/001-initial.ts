// Migration 1: the initial schema. Never edit a migration that has shipped; add the
// next numbered file instead (STYLE §6).
//
// The SQL lives in a .ts module rather than a .sql file so that it ships wherever the
// compiled code goes: tsc emits it into dist/ with everything else, and no build step
// (package.json's build, the test suites' global build, a packager) has to remember to
// copy data files for the coordinator to start. A missing migration would otherwise be
// found only when a daemon opens its database.
//
// Conventions: times are ms since the epoch (INTEGER, *_at_ms); JSON columns end in
// _json; STRICT tables so a wrong type is an error, not a silent conversion; events
// carry no foreign keys because the audit must keep what was asked even about names
// that do not (or no longer) exist.
export const sql = `
CREATE TABLE hosts (
  name TEXT PRIMARY KEY,
  site TEXT NOT NULL,
  agent_address TEXT NOT NULL,
  -- twinzone confirm-down HOST: an operator vouches that the host is down (DESIGN
  -- "Leases and fencing"); cleared when the host is brought back.
  confirmed_down_at_ms INTEGER,
  confirmed_down_by TEXT,
  updated_at_ms INTEGER NOT NULL,
  CHECK ((confirmed_down_at_ms IS NULL) = (confirmed_down_by IS NULL))
) STRICT;

CREATE TABLE zones (
  name TEXT PRIMARY KEY,
  brand TEXT NOT NULL,
  zonepath TEXT NOT NULL,
  loss_policy TEXT NOT NULL CHECK (loss_policy IN ('halt', 'freeze')),
  lease_ttl_ms INTEGER NOT NULL CHECK (lease_ttl_ms > 0),
  updated_at_ms INTEGER NOT NULL
) STRICT;

CREATE TABLE twins (
  zone TEXT NOT NULL REFERENCES zones(name) ON DELETE CASCADE,
  host TEXT NOT NULL REFERENCES hosts(name),
  role TEXT NOT NULL,
  PRIMARY KEY (zone, host)
) STRICT;

-- One row per zone once it was first granted. epoch = the holder's fencing token (I3);
-- last_epoch = the highest ever issued or reserved. Both only grow (triggers below).
CREATE TABLE leases (
  zone TEXT PRIMARY KEY REFERENCES zones(name),
  state TEXT NOT NULL CHECK (state IN ('free', 'held', 'migrating', 'expired', 'released')),
  holder TEXT REFERENCES hosts(name),
  epoch INTEGER NOT NULL CHECK (epoch >= 0),
  last_epoch INTEGER NOT NULL CHECK (last_epoch >= epoch),
  expires_at_ms INTEGER,
  target TEXT REFERENCES hosts(name),
  reserved_epoch INTEGER,
  updated_at_ms INTEGER NOT NULL,
  CHECK (state = 'free' OR holder IS NOT NULL),
  CHECK (state NOT IN ('held', 'migrating') OR expires_at_ms IS NOT NULL),
  CHECK ((state = 'migrating' AND target IS NOT NULL AND reserved_epoch = last_epoch)
      OR (state <> 'migrating' AND target IS NULL AND reserved_epoch IS NULL))
) STRICT;

CREATE TRIGGER leases_epochs_only_grow BEFORE UPDATE ON leases
WHEN NEW.epoch < OLD.epoch OR NEW.last_epoch < OLD.last_epoch
BEGIN
  SELECT RAISE(ABORT, 'lease epochs only grow');
END;

CREATE INDEX leases_by_holder ON leases(holder);

-- state values and their transitions belong to coordinator/runs/run-states.ts; a run is
-- final once finished_at_ms is set.
CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  zone TEXT REFERENCES zones(name),
  state TEXT NOT NULL,
  requested_by TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL,
  finished_at_ms INTEGER,
  final_reason TEXT
) STRICT;

-- One run per zone at a time, held by the database itself (issue 4 "Runs").
CREATE UNIQUE INDEX runs_one_unfinished_per_zone ON runs(zone) WHERE finished_at_ms IS NULL;
CREATE INDEX runs_unfinished ON runs(created_at_ms) WHERE finished_at_ms IS NULL;
CREATE INDEX runs_by_zone ON runs(zone, created_at_ms);

-- One row per attempt of a step, written before the agent is called and completed
-- after (STYLE §5): every attempt's op id and commands stay in the history.
CREATE TABLE steps (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  step_index INTEGER NOT NULL CHECK (step_index >= 0),
  attempt INTEGER NOT NULL CHECK (attempt >= 1),
  name TEXT NOT NULL,
  host TEXT NOT NULL REFERENCES hosts(name),
  args_json TEXT NOT NULL,
  op_id TEXT NOT NULL UNIQUE,
  epoch INTEGER,
  status TEXT NOT NULL,
  commands_json TEXT NOT NULL DEFAULT '[]',
  error_json TEXT,
  started_at_ms INTEGER NOT NULL,
  finished_at_ms INTEGER,
  PRIMARY KEY (run_id, step_index, attempt)
) STRICT;

CREATE TABLE events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at_ms INTEGER NOT NULL,
  who TEXT NOT NULL,
  from_address TEXT,
  what TEXT NOT NULL,
  zone TEXT,
  run TEXT,
  result TEXT NOT NULL,
  details_json TEXT NOT NULL DEFAULT '{}'
) STRICT;

CREATE INDEX events_by_zone ON events(zone, id);
CREATE INDEX events_by_run ON events(run, id);

-- Attach deltas an operator accepted for one zone and host pair (twinzone deltas
-- accept); attach is forced only when every delta is in here. subject: package|patch;
-- kind: missing|extra|version-mismatch (agent/commands/attach-deltas.ts).
CREATE TABLE accepted_deltas (
  zone TEXT NOT NULL REFERENCES zones(name) ON DELETE CASCADE,
  from_host TEXT NOT NULL REFERENCES hosts(name),
  to_host TEXT NOT NULL REFERENCES hosts(name),
  subject TEXT NOT NULL CHECK (subject IN ('package', 'patch')),
  kind TEXT NOT NULL CHECK (kind IN ('missing', 'extra', 'version-mismatch')),
  name TEXT NOT NULL,
  source_version TEXT NOT NULL,
  local_version TEXT NOT NULL,
  accepted_by TEXT NOT NULL,
  accepted_at_ms INTEGER NOT NULL,
  PRIMARY KEY (zone, from_host, to_host, subject, kind, name, source_version, local_version)
) STRICT;
`;
