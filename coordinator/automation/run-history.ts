// What automation reads from a zone's run history (the store's runs, newest first): how
// many automatic restarts the current holder had in the restart window, how many times
// automation moved the zone in the flapping window, and when the zone's last run ended
// (the hold-off). Pure: the history and the times are arguments, so each rule is a table
// test, and the answers survive a coordinator restart because the history does.
import { RunKind } from '../runs/run-plan.js';
import { RunState } from '../runs/run-states.js';
import type { RunRecord } from '../store/run-store.js';
import { AUTOMATION_WHO } from './automation-events.js';

/** Runs that put the zone on another host. */
const MOVE_KINDS: readonly string[] = [RunKind.Switchover, RunKind.Failover, RunKind.Fallback, RunKind.Migrate, RunKind.DrSwitchover, RunKind.DrFailover];
/** The moves automation itself starts, which the flapping rule counts. */
const AUTOMATIC_MOVE_KINDS: readonly string[] = [RunKind.Switchover, RunKind.Failover, RunKind.DrFailover];

export function isAutomatic(run: RunRecord): boolean {
  return run.requestedBy === AUTOMATION_WHO;
}

/**
 * Automatic restarts started within windowMs before nowMs on the zone's current holder:
 * restarts before the zone last moved happened on another host and do not count there
 * (VCS counts a resource's restarts per system).
 */
export function restartsInWindow(history: readonly RunRecord[], nowMs: number, windowMs: number): number {
  let n = 0;
  for (const run of history) {
    if (run.createdAtMs < nowMs - windowMs) break;
    if (MOVE_KINDS.includes(run.kind) && run.state === RunState.Succeeded) break;
    if (run.kind === RunKind.Restart && isAutomatic(run)) n += 1;
  }
  return n;
}

/**
 * Automatic moves (whatever their outcome: each was a decision to move) started within
 * windowMs before nowMs and after sinceMs (the zone's last unfreeze: an operator who
 * unfreezes a zone gives it a fresh count).
 */
export function automaticMovesInWindow(history: readonly RunRecord[], nowMs: number, windowMs: number, sinceMs: number | null): number {
  const from = Math.max(nowMs - windowMs, sinceMs ?? -Infinity);
  return history.filter((r) => r.createdAtMs >= from && isAutomatic(r) && AUTOMATIC_MOVE_KINDS.includes(r.kind)).length;
}

/** When the zone's most recent finished run ended; null when it never had one. */
export function lastRunEndedAtMs(history: readonly RunRecord[]): number | null {
  let last: number | null = null;
  for (const run of history) if (run.finishedAtMs !== null && (last === null || run.finishedAtMs > last)) last = run.finishedAtMs;
  return last;
}
