// The twinzone CLI as the campaign's operator runs it: a child process against the
// coordinator's own address, with its output kept for the operation history.
import { spawn } from 'node:child_process';
import { TWINZONE_CLI } from '../lab/processes.js';

export interface CliRun {
  args: string[];
  code: number | null;
  output: string;
  ms: number;
}

/**
 * Runs `twinzone ARGS`; `onOutput` sees the output as it grows (a nemesis may wait for a
 * step to start). Killed after timeoutMs (code null).
 */
export function runCli(coordinator: string, args: string[], timeoutMs: number, onOutput?: (all: string) => void): Promise<CliRun> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [TWINZONE_CLI(), ...args], {
      env: { ...process.env, TWINZONE_COORDINATOR: coordinator },
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
