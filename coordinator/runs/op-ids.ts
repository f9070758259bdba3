// Run and operation ids (STYLE §5): an op id is derived from the run id, the step index
// and the attempt, so a step re-run after a crash carries the same id and the agent
// answers it from its record instead of running it twice. Undo attempts share the
// step's attempt counter (the journal's key is run, step, attempt) and are told apart
// by their "u" prefix. Agents accept 1-128 of letters, digits, ".", "_", ":" and "-".
import { randomUUID } from 'node:crypto';

export type Direction = 'do' | 'undo';

export function newRunId(): string {
  return `run-${randomUUID()}`;
}

export function stepOpId(runId: string, index: number, attempt: number, direction: Direction): string {
  return `${runId}:${index}:${direction === 'undo' ? 'u' : 'a'}${attempt}`;
}

/** Whether a journalled op id is an undo attempt. */
export function isUndoOpId(opId: string): boolean {
  return /:u\d+$/.test(opId);
}

/** A read a coordinator step makes under its own op id (the preflight's `attach -n`). */
export function auxOpId(opId: string, what: string): string {
  return `${opId}:${what}`;
}
