// A bc-dr lab with real agents and a real coordinator process, and the compiled CLI to
// talk to it, for tests of the Control service end to end. Leases are long (the lab's
// agents do not renew in these tests), so a held lease stays held for the test's life.
// Teardown runs the checker (I1, I2, I5) and fails the test on a violation; it stops the
// daemons and removes the lab, unless the test failed: then the lab stays, path printed.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test as base } from 'vitest';
import { checkLab, formatViolation } from '../lab/checker.js';
import { createLab, destroyLab, stopLabAsync } from '../lab/create-lab.js';
import type { LabInventoryOptions } from '../lab/inventory.js';
import { labAgentsDown, labUp, startCoordinator, stopCoordinator, TWINZONE_CLI, type StartedCoordinator } from '../lab/processes.js';
import { readObserverLog } from '../solsim/src/observer.js';
import { labHandle, type CommandResult, type LabHandle } from './lab-fixture.js';

export interface CoordinatorLab extends LabHandle {
  coordinator: StartedCoordinator;
  /** Runs `twinzone ARGS` against the lab's coordinator; resolves with its exit code and output. */
  cli(args: string[], opts?: { timeoutMs?: number }): Promise<CommandResult>;
  /** The same with --json, stdout parsed. */
  cliJson<T = unknown>(args: string[]): Promise<{ code: number | null; json: T; stderr: string }>;
  observed(): number;
}

/** Lab policy: long leases (nothing renews them here) and a short margin. */
const LAB_POLICY = { leaseTtlMs: 600_000, safetyMarginMs: 1_000 };

export function runTwinzone(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TWINZONE_CLI(), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`twinzone ${args.join(' ')} did not finish within ${timeoutMs} ms\n${stdout}${stderr}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface CoordinatorLabOptions {
  /** Before the coordinator starts: the inventory's hooks, files the test installs on the hosts. */
  setup?: (dir: string) => Omit<LabInventoryOptions, 'policy'> | void;
}

export async function startCoordinatorLab(dir: string, preset = 'bc-dr', opts: CoordinatorLabOptions = {}): Promise<CoordinatorLab> {
  await createLab(dir, preset);
  await labUp(dir);
  const inventory = opts.setup?.(dir) ?? {};
  const coordinator = await startCoordinator(dir, { inventory: { ...inventory, policy: LAB_POLICY } });
  const env = { ...process.env, TWINZONE_COORDINATOR: coordinator.address };
  const cli = (args: string[], opts: { timeoutMs?: number } = {}) => runTwinzone(args, env, opts.timeoutMs);
  return {
    ...labHandle(dir),
    coordinator,
    cli,
    cliJson: async <T>(args: string[]) => {
      const r = await cli([...args, '--json']);
      return { code: r.code, json: JSON.parse(r.stdout) as T, stderr: r.stderr };
    },
    observed: () => readObserverLog(dir).length,
  };
}

/** The fixture over a lab of PRESET (registered in presets/bc-dr.ts). */
export function coordinatorTestWith(preset: string, opts: CoordinatorLabOptions = {}) {
  return base.extend<{ lab: CoordinatorLab }>({
    // eslint-disable-next-line no-empty-pattern
    lab: async ({ task }, use) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinzone-coordinator-'));
      const lab = await startCoordinatorLab(dir, preset, opts);
      let failed = false;
      try {
        await use(lab);
        const report = checkLab(dir);
        expect(report.violations.map(formatViolation), 'the checker found invariant violations').toEqual([]);
      } catch (err) {
        failed = true;
        throw err;
      } finally {
        if (failed || task.result?.state === 'fail') {
          await stopCoordinator(dir);
          await labAgentsDown(dir);
          await stopLabAsync(dir);
          console.error(`lab kept for inspection: ${dir} (daemon logs in ${path.join(dir, 'logs')})`);
        } else {
          await stopCoordinator(dir);
          await destroyLab(dir);
        }
      }
    },
  });
}

export const coordinatorTest = coordinatorTestWith('bc-dr');
