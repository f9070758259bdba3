// Host command time as the agents saw it: every agent logs each command it ran with its
// duration ("command finished" at debug, "command failed"/"command timed out" at warn),
// including the commands behind read-only calls (preflight checks, probes) that no run
// journal records. Commands of one run may overlap (reads on two hosts at once), so the
// time "inside host commands" is the union of their intervals, not their sum.
import fs from 'node:fs';
import path from 'node:path';

export interface CommandInterval {
  host: string;
  /** The zone of the agent call that ran it ('' for host-wide reads). */
  zone: string;
  cmd: string;
  startMs: number;
  endMs: number;
}

const COMMAND_MESSAGES = new Set(['command finished', 'command failed', 'command timed out']);

/** Every command in the agents' logs of a lab (DIR/logs/agent-*.log). */
export function readCommandIntervals(labDir: string): CommandInterval[] {
  const logs = path.join(labDir, 'logs');
  const out: CommandInterval[] = [];
  for (const name of fs.readdirSync(logs)) {
    const m = /^agent-(.+)\.log$/.exec(name);
    if (!m) continue;
    for (const line of fs.readFileSync(path.join(logs, name), 'utf8').split('\n')) {
      if (!line.includes('"command ')) continue;
      let rec: { msg?: string; time?: string; durationMs?: number; cmd?: string; zone?: string };
      try {
        rec = JSON.parse(line);
      } catch {
        continue;
      }
      if (!rec.msg || !COMMAND_MESSAGES.has(rec.msg) || typeof rec.durationMs !== 'number' || !rec.time) continue;
      const endMs = Date.parse(rec.time);
      out.push({ host: m[1]!, zone: rec.zone ?? '', cmd: rec.cmd ?? '', startMs: endMs - rec.durationMs, endMs });
    }
  }
  return out.sort((a, b) => a.startMs - b.startMs);
}

/** The length of the union of the intervals, clipped to [from, to]. */
export function unionMs(intervals: readonly CommandInterval[], from: number, to: number): number {
  let total = 0;
  let curStart = Number.NaN;
  let curEnd = Number.NaN;
  const clipped = intervals
    .map((i) => ({ s: Math.max(i.startMs, from), e: Math.min(i.endMs, to) }))
    .filter((i) => i.e > i.s)
    .sort((a, b) => a.s - b.s);
  for (const { s, e } of clipped) {
    if (Number.isNaN(curEnd) || s > curEnd) {
      if (!Number.isNaN(curEnd)) total += curEnd - curStart;
      curStart = s;
      curEnd = e;
    } else curEnd = Math.max(curEnd, e);
  }
  if (!Number.isNaN(curEnd)) total += curEnd - curStart;
  return total;
}

/** The commands that ran inside [from, to] (at least partly). */
export function within(intervals: readonly CommandInterval[], from: number, to: number): CommandInterval[] {
  return intervals.filter((i) => i.endMs > from && i.startMs < to);
}
