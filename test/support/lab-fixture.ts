// A bc-dr lab per test, torn down afterwards: zone applications stopped and the
// directory removed, unless the test failed, in which case the lab stays for inspection
// and its path is printed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base } from 'vitest';
import { createLab, destroyLab, labEnv, SOLSIM_BIN, stopLabAsync } from '../lab/create-lab.js';
import type { SimEnv } from '../solsim/src/env.js';

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface LabHandle {
  dir: string;
  env(host: string): SimEnv;
  /** Runs a simulated executable as HOST, exactly as an agent on that host would. */
  sh(host: string, command: string, args: string[], opts?: { cwd?: string }): CommandResult;
}

export function simulatedCommandEnv(env: SimEnv): NodeJS.ProcessEnv {
  return {
    ...process.env,
    SOLSIM_ROOT: env.root,
    SOLSIM_LAB: env.lab,
    SOLSIM_HOST: env.host,
    PATH: `${SOLSIM_BIN}:${process.env.PATH ?? ''}`,
  };
}

export function labHandle(dir: string): LabHandle {
  return {
    dir,
    env: (host) => labEnv(dir, host),
    sh: (host, command, args, opts) => {
      const env = labEnv(dir, host);
      const bin = fs.existsSync(path.join(SOLSIM_BIN, command)) ? path.join(SOLSIM_BIN, command) : command;
      const r = spawnSync(bin, args, { env: simulatedCommandEnv(env), encoding: 'utf8', cwd: opts?.cwd, timeout: 60_000 });
      return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
    },
  };
}

export const labTest = base.extend<{ lab: LabHandle }>({
  // eslint-disable-next-line no-empty-pattern
  lab: async ({ task }, use) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinzone-lab-'));
    await createLab(dir, 'bc-dr');
    await use(labHandle(dir));
    if (task.result?.state === 'fail') {
      await stopLabAsync(dir);
      console.error(`lab kept for inspection: ${dir}`);
    } else {
      await destroyLab(dir);
    }
  },
});
