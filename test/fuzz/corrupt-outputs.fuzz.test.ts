// Corrupt command outputs (injected with the simulator's `corrupt` fault: the command runs
// and its standard output is cut short, garbled or lost) on either host of a switchover,
// and a corrupt detach manifest on the target host. A switchover's preflight reads both
// hosts through the agents' parsers; a read the run decides on must end it in a clear
// error naming what could not be read (COMMAND_OUTPUT), before any host changed: the
// observer log, every agent's fences and op records, and every store table but the
// history of runs (where the refused run is recorded, final) and the audit log stay as
// they were. A read the run does not decide on leaves it free to succeed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { FINAL_RUN_STATES } from '../../coordinator/runs/run-states.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliTarget } from '../campaign/cli.js';
import { createLab, labEnv } from '../lab/create-lab.js';
import { labUpWithCoordinator, type StartedCoordinator } from '../lab/processes.js';
import { hostPath } from '../solsim/src/env.js';
import { writeFaults } from '../support/crash-lab.js';
import { endFuzzLab } from './fuzz-lab.js';
import { isClearError, recordCounts } from './hostile-inputs.js';
import { snapshotLab, type LabSnapshot } from './lab-snapshot.js';

let dir: string;
let coordinator: StartedCoordinator;
let cli: CliTarget;
let ok = true;
const counts = { corruptedReads: 0, refusedClearly: 0, notDecisive: 0, corruptManifests: 0 };
const RUN_TIMEOUT_MS = 240_000;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinzone-fuzz-corrupt-'));
  await createLab(dir, 'bc-dr');
  ({ coordinator } = await labUpWithCoordinator(dir));
  cli = { coordinator: coordinator.address, lab: dir };
}, 180_000);

afterAll(async () => {
  recordCounts('corrupt-outputs', counts);
  await endFuzzLab(dir, ok);
});

/** The reads a switchover's preflight parses on its hosts (zone state, configuration, storage, space). */
const READS = [
  { command: 'zoneadm', argsRegex: 'list' },
  { command: 'zonecfg', argsRegex: 'export' },
  { command: 'df', argsRegex: '-k' },
  { command: 'vxdg', argsRegex: '^list' },
];
const CORRUPTIONS = ['truncate', 'garble', 'empty'] as const;

/**
 * The lab as a refused run must leave it: the observer log, and the store but for the
 * history of runs and steps (which gains the refused run). Fences are checked apart: the
 * preflight's validation may teach a host the current epoch, never a newer one.
 */
function unchangedState(s: LabSnapshot): unknown {
  const { runs: _runs, steps: _steps, ...store } = s.store;
  return { observed: s.observed, store };
}

/** Hosts whose fence for db01 is above the lease's current epoch: a refused run reserved nothing. */
function fencesAboveLease(): string[] {
  const db = new Database(coordinator.db, { readonly: true, fileMustExist: true });
  let epoch: number;
  try {
    epoch = (db.prepare("SELECT epoch FROM leases WHERE zone = 'db01'").get() as { epoch: number }).epoch;
  } finally {
    db.close();
  }
  return ['hostA', 'hostB', 'hostC'].filter((h) => {
    const f = hostPath(labEnv(dir, h), '/var/twinzone/agent/epochs/db01.epoch');
    return fs.existsSync(f) && Number(fs.readFileSync(f, 'utf8').trim()) > epoch;
  });
}

function unfinishedRuns(): number {
  const db = new Database(coordinator.db, { readonly: true, fileMustExist: true });
  try {
    const final = FINAL_RUN_STATES.map((st) => `'${st}'`).join(', ');
    return (db.prepare(`SELECT count(*) AS n FROM runs WHERE state NOT IN (${final})`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

function opRecords(): Set<string> {
  const out = new Set<string>();
  for (const host of ['hostA', 'hostB', 'hostC']) {
    const ops = path.join(labEnv(dir, host).root, 'var', 'twinzone', 'agent', 'ops');
    if (fs.existsSync(ops)) for (const f of fs.readdirSync(ops)) out.add(`${host}/${f}`);
  }
  return out;
}

/** Op records the refused run left: only its preflight's (step 0) checks, which change nothing. */
function opsBeyondPreflight(before: Set<string>): string[] {
  return [...opRecords()].filter((f) => !before.has(f) && !/\/run-[^:]+:0:/.test(f));
}

/** db01 back on hostA, its primary, so every case starts from the same lab. */
async function db01OnHostA(): Promise<void> {
  const status = await runCli(cli, ['lease', 'show', 'db01', '--json'], 60_000);
  if (!/"holder":\s*"hostB"/.test(status.output)) return;
  const back = await runCli(cli, ['switchover', 'db01', '--to', 'hostA'], RUN_TIMEOUT_MS);
  expect(back.code, back.output).toBe(0);
}

async function guarded(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (err) {
    ok = false;
    throw err;
  }
}

describe('corrupt command outputs and manifests', () => {
  it('a switchover meeting a corrupt read on either host stops in preflight naming the output it could not read, and changes nothing', async () => {
    await guarded(() =>
      fc.assert(
        fc.asyncProperty(fc.constantFrom('hostA', 'hostB'), fc.constantFrom(...READS), fc.constantFrom(...CORRUPTIONS), async (host, read, corruption) => {
          await db01OnHostA();
          const before = snapshotLab(dir, coordinator.db);
          const opsBefore = opRecords();
          writeFaults(dir, host, [{ ...read, action: 'corrupt', corruption }]);
          let r;
          try {
            r = await runCli(cli, ['switchover', 'db01', '--to', 'hostB'], RUN_TIMEOUT_MS);
          } finally {
            writeFaults(dir, host, []);
          }
          counts.corruptedReads += 1;
          if (r.code === 0) {
            // Not a read this run decides on (the fault never fired, or fired on a read
            // the run does not need): it moved, and the next case moves it back.
            counts.notDecisive += 1;
            return;
          }
          expect(r.code, r.output).toBe(1);
          expect(r.output).toMatch(/preflight failed/);
          expect(r.output).toMatch(/cannot read the output of `(zoneadm|zonecfg|df|vxdg)/);
          expect(isClearError(r.output), r.output).toBe(true);
          counts.refusedClearly += 1;
          expect(unchangedState(snapshotLab(dir, coordinator.db))).toEqual(unchangedState(before));
          expect(opsBeyondPreflight(opsBefore)).toEqual([]);
          expect(fencesAboveLease()).toEqual([]);
          expect(unfinishedRuns()).toBe(0);
        }),
        // No shrinking: each case changes the lab, so a replay of a smaller case would not
        // start where the failing one did; the failing values are printed as they are.
        { numRuns: Number(process.env.TWINZONE_FUZZ_RUNS ?? 6), seed: 6, endOnFailure: true },
      ),
    );
  }, 1_800_000);

  it.each([
    ['truncated', (xml: string) => xml.slice(0, Math.floor(xml.length / 2))],
    ['garbage', () => '\u0000\u0001<<<not xml; rm -rf / >>>'],
  ])('a %s detach manifest on the target stops the switchover with a clear error and changes nothing', async (_what, damage) => {
    await guarded(async () => {
      await db01OnHostA();
      const manifest = hostPath(labEnv(dir, 'hostB'), '/zones/db01/SUNWdetached.xml');
      const file = fs.realpathSync(manifest);
      const original = fs.readFileSync(file, 'utf8');
      const before = snapshotLab(dir, coordinator.db);
      const opsBefore = opRecords();
      fs.writeFileSync(file, damage(original));
      try {
        const r = await runCli(cli, ['switchover', 'db01', '--to', 'hostB'], RUN_TIMEOUT_MS);
        counts.corruptManifests += 1;
        expect(r.code, r.output).not.toBe(0);
        expect(r.output).toMatch(/manifest|SUNWdetached/);
        expect(isClearError(r.output), r.output).toBe(true);
        expect(unchangedState(snapshotLab(dir, coordinator.db))).toEqual(unchangedState(before));
        expect(opsBeyondPreflight(opsBefore)).toEqual([]);
        expect(fencesAboveLease()).toEqual([]);
        expect(unfinishedRuns()).toBe(0);
      } finally {
        fs.writeFileSync(file, original);
      }
    });
  }, 600_000);
});
