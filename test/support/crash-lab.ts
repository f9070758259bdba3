// Helpers for fault tests that crash daemons of a running lab from outside: a CLI run
// started in the background whose output can be awaited line by line, fault rules
// written into a host's SOLSIM_ROOT/faults.json (and the proof a rule fired), read-only
// looks into the coordinator's journal, and where a zone really runs. Everything is
// polled with a deadline; nothing sleeps for a fixed time when a condition can be seen.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { labEnv, labStatusAsync } from '../lab/create-lab.js';
import { TWINZONE_CLI } from '../lab/processes.js';
import { faultsPath, type FaultRule } from '../solsim/src/faults.js';

export const FINAL_RUN_STATES = ['succeeded', 'failed', 'rolled_back', 'rollback_failed'];

/** Polls `check` every `everyMs` until it returns something other than undefined/false, or throws after timeoutMs. */
export async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 60_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface BackgroundCli {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code once the CLI ends. */
  exited: Promise<number | null>;
  /** Resolves with the first match of `re` in the combined output. */
  waitForOutput(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
}

/** Starts `twinzone ARGS` against `coordinator` without waiting for it. */
export function spawnTwinzone(args: string[], coordinator: string): BackgroundCli {
  const child = spawn(process.execPath, [TWINZONE_CLI(), ...args], {
    env: { ...process.env, TWINZONE_COORDINATOR: coordinator },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    exited,
    waitForOutput: (re, timeoutMs = 60_000) => waitFor(`${re} in the output of twinzone ${args.join(' ')}`, () => out.match(re) ?? undefined, timeoutMs, 5),
  };
}

/** Replaces HOST's fault rules (a rule with `times` fires that often, then never again). */
export function writeFaults(dir: string, host: string, rules: FaultRule[]): void {
  fs.writeFileSync(faultsPath(labEnv(dir, host).root), JSON.stringify(rules, null, 2) + '\n');
}

/** How often HOST's fault rules have fired so far (faults.state.json, kept by solsim). */
export function faultsFired(dir: string, host: string): number {
  const file = path.join(labEnv(dir, host).root, 'faults.state.json');
  if (!fs.existsSync(file)) return 0;
  const fired = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, number>;
  return Object.values(fired).reduce((a, b) => a + b, 0);
}

export interface JournalStep {
  step_index: number;
  attempt: number;
  name: string;
  status: string;
}

/** The coordinator's journal rows of one run, read-only (the daemon may be writing). */
export function journalSteps(dbFile: string, runId: string): JournalStep[] {
  if (!fs.existsSync(dbFile)) return [];
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 2000');
    return db.prepare('SELECT step_index, attempt, name, status FROM steps WHERE run_id = ? ORDER BY step_index, attempt').all(runId) as JournalStep[];
  } finally {
    db.close();
  }
}

/** The hosts on which ZONE is ready or running, and those importing GROUP, as the simulated kernels see them. */
export async function whereZoneLives(dir: string, zone: string, group: string): Promise<{ live: string[]; importers: string[] }> {
  const status = await labStatusAsync(dir);
  const live: string[] = [];
  const importers: string[] = [];
  for (const h of status.hosts) {
    for (const line of h.zoneList.split('\n').slice(1)) {
      const [, name, state] = line.trim().split(/\s+/);
      if (name === zone && (state === 'running' || state === 'ready')) live.push(h.host);
    }
    if (h.imports.includes(group)) importers.push(h.host);
  }
  return { live, importers };
}
