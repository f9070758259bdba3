// The twinzone CLI as the campaign's operator runs it: a child process against the
// coordinator's own address, with its output kept for the operation history.
import { spawn } from 'node:child_process';
import { labCliEnv } from '../lab/lab-tls.js';
import { TWINZONE_CLI } from '../lab/processes.js';

/** A lab's coordinator as its operator reaches it: the address and the lab's operator certificate. */
export interface CliTarget {
  coordinator: string;
  lab: string;
}

export interface CliRun {
  args: string[];
  code: number | null;
  output: string;
  ms: number;
}

/**
 * Runs `twinzone ARGS` as the lab's operator (its certificate from DIR/tls: a CLI without
 * one stops at exit 2 before asking anything); `onOutput` sees the output as it grows (a
 * nemesis may wait for a step to start). Killed after timeoutMs (code null).
 */
export function runCli(target: CliTarget, args: string[], timeoutMs: number, onOutput?: (all: string) => void): Promise<CliRun> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [TWINZONE_CLI(), ...args], {
      env: { ...process.env, ...labCliEnv(target.lab), TWINZONE_COORDINATOR: target.coordinator },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const take = (d: Buffer) => {
      output += d.toString();
      onOutput?.(output);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ args, code, output, ms: Date.now() - started });
    });
  });
}
