// The run journal: runs and the attempts of their steps (STYLE §5). A step attempt is
// written `started` before its agent is called and finished after, each in its own
// transaction, so a coordinator killed in between finds the op id to ask the agent
// about (I4). The states themselves, and which transitions are allowed, belong to
// coordinator/runs/run-states.ts; the store keeps strings and the one-run-per-zone rule.
import type Database from 'better-sqlite3';
import { TwinzoneError } from '../../shared/errors/twinzone-error.js';
import type { CommandRecord } from '../../shared/errors/twinzone-error.js';

export interface RunInput {
  id: string;
  kind: string;
  /** null for runs over no single zone (a site-wide wave). */
  zone: string | null;
  state: string;
  requestedBy: string;
}

export interface RunRecord extends RunInput {
  createdAtMs: number;
  updatedAtMs: number;
  finishedAtMs: number | null;
  finalReason: string | null;
}

export interface StepStart {
  runId: string;
  stepIndex: number;
  attempt: number;
  name: string;
  host: string;
  args: unknown;
  opId: string;
  epoch: number | null;
  status: string;
}

export interface StepResult {
  status: string;
  commands: CommandRecord[];
  /** The error's code, message and details when the step failed. */
  error: unknown;
}

export interface StepRecord extends StepStart {
  commands: CommandRecord[];
  error: unknown;
  startedAtMs: number;
  finishedAtMs: number | null;
}

interface RunRow {
  id: string;
  kind: string;
  zone: string | null;
  state: string;
  requested_by: string;
  created_at_ms: number;
  updated_at_ms: number;
  finished_at_ms: number | null;
  final_reason: string | null;
}

interface StepRow {
  run_id: string;
  step_index: number;
  attempt: number;
  name: string;
  host: string;
  args_json: string;
  op_id: string;
  epoch: number | null;
  status: string;
  commands_json: string;
  error_json: string | null;
  started_at_ms: number;
  finished_at_ms: number | null;
}

function toRun(r: RunRow): RunRecord {
  return {
    id: r.id,
    kind: r.kind,
    zone: r.zone,
    state: r.state,
    requestedBy: r.requested_by,
    createdAtMs: r.created_at_ms,
    updatedAtMs: r.updated_at_ms,
    finishedAtMs: r.finished_at_ms,
    finalReason: r.final_reason,
  };
}

function toStep(r: StepRow): StepRecord {
  return {
    runId: r.run_id,
    stepIndex: r.step_index,
    attempt: r.attempt,
    name: r.name,
    host: r.host,
    args: JSON.parse(r.args_json) as unknown,
    opId: r.op_id,
    epoch: r.epoch,
    status: r.status,
    commands: JSON.parse(r.commands_json) as CommandRecord[],
    error: r.error_json === null ? null : (JSON.parse(r.error_json) as unknown),
    startedAtMs: r.started_at_ms,
    finishedAtMs: r.finished_at_ms,
  };
}

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';
}

export type RunStore = ReturnType<typeof createRunStore>;

export function createRunStore(db: Database.Database) {
  const insertRun = db.prepare(
    `INSERT INTO runs (id, kind, zone, state, requested_by, created_at_ms, updated_at_ms)
     VALUES (@id, @kind, @zone, @state, @requestedBy, @nowMs, @nowMs)`,
  );
  const getRun = db.prepare<[string], RunRow>('SELECT * FROM runs WHERE id = ?');
  const unfinishedForZone = db.prepare<[string], RunRow>('SELECT * FROM runs WHERE zone = ? AND finished_at_ms IS NULL');
  const unfinished = db.prepare<[], RunRow>('SELECT * FROM runs WHERE finished_at_ms IS NULL ORDER BY created_at_ms, id');
  const byZone = db.prepare<{ zone: string | null; limit: number }, RunRow>(
    'SELECT * FROM runs WHERE (@zone IS NULL OR zone = @zone) ORDER BY created_at_ms DESC, id DESC LIMIT @limit',
  );
  const setState = db.prepare<{ id: string; state: string; nowMs: number }>(
    'UPDATE runs SET state = @state, updated_at_ms = @nowMs WHERE id = @id AND finished_at_ms IS NULL',
  );
  const finish = db.prepare<{ id: string; state: string; reason: string; nowMs: number }>(
    `UPDATE runs SET state = @state, final_reason = @reason, finished_at_ms = @nowMs, updated_at_ms = @nowMs
     WHERE id = @id AND finished_at_ms IS NULL`,
  );
  const insertStep = db.prepare(
    `INSERT INTO steps (run_id, step_index, attempt, name, host, args_json, op_id, epoch, status, started_at_ms)
     VALUES (@runId, @stepIndex, @attempt, @name, @host, @argsJson, @opId, @epoch, @status, @nowMs)`,
  );
  const finishStep = db.prepare<{ opId: string; status: string; commandsJson: string; errorJson: string | null; nowMs: number }>(
    `UPDATE steps SET status = @status, commands_json = @commandsJson, error_json = @errorJson, finished_at_ms = @nowMs
     WHERE op_id = @opId AND finished_at_ms IS NULL`,
  );
  const steps = db.prepare<[string], StepRow>('SELECT * FROM steps WHERE run_id = ? ORDER BY step_index, attempt');
  const lastStep = db.prepare<[string], StepRow>('SELECT * FROM steps WHERE run_id = ? ORDER BY started_at_ms DESC, step_index DESC, attempt DESC LIMIT 1');
  const stepByOp = db.prepare<[string], StepRow>('SELECT * FROM steps WHERE op_id = ?');

  function mustChange(info: Database.RunResult, what: string, id: string): void {
    if (info.changes !== 1) throw new TwinzoneError('INTERNAL', `${what} for ${id} matched ${info.changes} rows`, { fields: { run: id } });
  }

  return {
    /** Admits a run; a zone with an unfinished run refuses with RUN_IN_PROGRESS (one run per zone). */
    create(run: RunInput, nowMs: number): RunRecord {
      try {
        insertRun.run({ ...run, nowMs });
      } catch (err) {
        if (!isUniqueViolation(err) || run.zone === null) throw err;
        const other = unfinishedForZone.get(run.zone);
        throw new TwinzoneError('RUN_IN_PROGRESS', `a run on ${run.zone} is in progress (${other?.kind ?? 'run'} ${other?.id ?? ''})`, {
          fields: { zone: run.zone, run: other?.id ?? '' },
        });
      }
      return toRun(getRun.get(run.id)!);
    },
    get(id: string): RunRecord | undefined {
      const r = getRun.get(id);
      return r && toRun(r);
    },
    unfinishedForZone(zone: string): RunRecord | undefined {
      const r = unfinishedForZone.get(zone);
      return r && toRun(r);
    },
    /** What resume.ts walks at startup. */
    listUnfinished(): RunRecord[] {
      return unfinished.all().map(toRun);
    },
    /** Newest first; zone null lists every zone. */
    history(zone: string | null, limit = 100): RunRecord[] {
      return byZone.all({ zone, limit }).map(toRun);
    },
    setState(id: string, state: string, nowMs: number): void {
      mustChange(setState.run({ id, state, nowMs }), 'run state change', id);
    },
    /** Records the final state (I4); a finished run is never changed again. */
    finish(id: string, state: string, reason: string, nowMs: number): void {
      mustChange(finish.run({ id, state, reason, nowMs }), 'run finish', id);
    },
    startStep(step: StepStart, nowMs: number): void {
      insertStep.run({ ...step, argsJson: JSON.stringify(step.args ?? null), nowMs });
    },
    finishStep(opId: string, result: StepResult, nowMs: number): void {
      const errorJson = result.error === null || result.error === undefined ? null : JSON.stringify(result.error);
      mustChange(finishStep.run({ opId, status: result.status, commandsJson: JSON.stringify(result.commands), errorJson, nowMs }), 'step finish', opId);
    },
    steps(runId: string): StepRecord[] {
      return steps.all(runId).map(toStep);
    },
    lastStep(runId: string): StepRecord | undefined {
      const r = lastStep.get(runId);
      return r && toStep(r);
    },
    stepByOp(opId: string): StepRecord | undefined {
      const r = stepByOp.get(opId);
      return r && toStep(r);
    },
  };
}
