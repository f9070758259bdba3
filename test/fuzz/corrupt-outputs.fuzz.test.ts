// Corrupt command outputs (injected with the simulator's `corrupt` fault: the command runs
// and its standard output is cut short, garbled or lost) and a corrupt detach manifest
// on the target host. `twinzone plan` reads the hosts through the same parsers as a run;
// a switchover's preflight does too. Each must end in a clear error naming what could
// not be read, with nothing changed on any host and no run, step or lease change in the
// store.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../campaign/cli.js';
import { createLab, destroyLab, labEnv } from '../lab/create-lab.js';
import { labUpWithCoordinator, type StartedCoordinator } from '../lab/processes.js';
import { hostPath } from '../solsim/src/env.js';
import { writeFaults } from '../support/crash-lab.js';
import { isClearError, recordCounts } from './hostile-inputs.js';
import { snapshotLab } from './lab-snapshot.js';

let dir: string;
let coordinator: StartedCoordinator;
let ok = true;
const counts = { corruptedReads: 0, refusedClearly: 0, corruptManifests: 0 };

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinzone-fuzz-corrupt-'));
  await createLab(dir, 'bc-dr');
  ({ coordinator } = await labUpWithCoordinator(dir));
}, 180_000);

afterAll(async () => {
  recordCounts('corrupt-outputs', counts);
  if (ok) await destroyLab(dir);
  else console.error(`lab kept for inspection: ${dir}`);
});

/** The reads a switchover's plan and preflight parse on the target host. */
const READS = [
  { command: 'zoneadm', argsRegex: 'list' },
  { command: 'zonecfg', argsRegex: 'export' },
  { command: 'df', argsRegex: '-k' },
  { command: 'vxdg', argsRegex: '^list' },
];

describe('corrupt command outputs and manifests', () => {
  it('a switchover whose target answers with corrupt output stops in preflight with a clear error and changes nothing', async () => {
    try {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...READS), fc.constantFrom('truncate' as const, 'garble' as const, 'empty' as const), async (read, corruption) => {
          const before = snapshotLab(dir, coordinator.db);
          writeFaults(dir, 'hostB', [{ ...read, action: 'corrupt', corruption }]);
          try {
            const r = await runCli(coordinator.address, ['switchover', 'db01', '--to', 'hostB'], 240_000);
            counts.corruptedReads += 1;
            // A corrupt read either stops the run before it changes anything, or is not
            // one the run decides on: then it must still succeed or roll back cleanly.
            if (r.code === 0) {
              const back = await runCli(coordinator.address, ['switchover', 'db01', '--to', 'hostA'], 240_000);
              expect(back.code, back.output).toBe(0);
              return;
            }
            expect(r.code, r.output).toBe(1);
            expect(r.output).toMatch(/preflight failed|nothing had been changed/);
            expect(isClearError(r.output), r.output).toBe(true);
            counts.refusedClearly += 1;
            const after = snapshotLab(dir, coordinator.db);
            expect(after.observed).toBe(before.observed);
            expect(after.agentState).toEqual(before.agentState);
          } finally {
            writeFaults(dir, 'hostB', []);
          }
        }),
        { numRuns: Number(process.env.TWINZONE_FUZZ_RUNS ?? 4), seed: 6 },
      );
    } catch (err) {
      ok = false;
      throw err;
    }
  }, 1_800_000);

  it.each([
    ['truncated', (xml: string) => xml.slice(0, Math.floor(xml.length / 2))],
    ['garbage', () => '\u0000\u0001<<<not xml; rm -rf / >>>'],
  ])('a %s detach manifest on the target stops the switchover in preflight and changes nothing', async (_what, damage) => {
    const manifest = hostPath(labEnv(dir, 'hostB'), '/zones/db01/SUNWdetached.xml');
    const real = fs.realpathSync(path.dirname(manifest));
    const file = path.join(real, 'SUNWdetached.xml');
    const original = fs.readFileSync(file, 'utf8');
    const before = snapshotLab(dir, coordinator.db);
    fs.writeFileSync(file, damage(original));
    try {
      const r = await runCli(coordinator.address, ['switchover', 'db01', '--to', 'hostB'], 240_000);
      counts.corruptManifests += 1;
      expect(r.code, r.output).toBe(1);
      expect(isClearError(r.output), r.output).toBe(true);
      const after = snapshotLab(dir, coordinator.db);
      expect(after.observed).toBe(before.observed);
    } catch (err) {
      ok = false;
      throw err;
    } finally {
      fs.writeFileSync(file, original);
    }
  }, 600_000);
});
