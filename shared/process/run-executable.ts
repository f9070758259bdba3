// Runs one executable named by its path (a run hook, README "Hooks") from an argument
// vector, never through a shell, with extra environment variables, killed at its
// timeout (SIGTERM, then SIGKILL after a grace), its output kept to the head and tail.
// The coordinator runs its own hooks with it and the agent the hooks under its hooksDir:
// the one place besides the agent's command runner that starts processes.
import { execa } from 'execa';
import { trimOutput } from './output-cap.js';

const KILL_GRACE_MS = 2_000;

export interface ExecutableRun {
  argv: string[];
  env: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface ExecutableResult {
  /** -1 when killed (timeout, cancel) or when it could not start. */
  exitCode: number;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export type ExecutableRunner = (run: ExecutableRun) => Promise<ExecutableResult>;

/**
 * The daemon's environment (PATH, locale, ...) with the run's variables on top. The
 * daemon's own TWINZONE_* settings (TLS files, names) are left out: that prefix is the
 * hook's contract, so a hook sees under it exactly the run's context and nothing else.
 */
export function hookEnvironment(inherited: NodeJS.ProcessEnv, vars: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(inherited)) if (v !== undefined && !k.startsWith('TWINZONE_')) env[k] = v;
  return { ...env, ...vars };
}

export const runExecutable: ExecutableRunner = async (run) => {
  const [file, ...args] = run.argv;
  if (!file) throw new RangeError('runExecutable needs an argv with the executable first');
  const started = performance.now();
  const result = await execa(file, args, {
    shell: false,
    // Its own session: a hook that forks children has them killed with it at the timeout.
    detached: true,
    reject: false,
    timeout: run.timeoutMs,
    forceKillAfterDelay: KILL_GRACE_MS,
    cancelSignal: run.signal,
    env: hookEnvironment(process.env, run.env),
    extendEnv: false,
    stdin: 'ignore',
    encoding: 'utf8',
    stripFinalNewline: false,
  });
  const exitCode = typeof result.exitCode === 'number' ? result.exitCode : -1;
  const stderr = String(result.stderr ?? '');
  // A hook that could not start (ENOENT, EACCES) has no exit code: its reason goes to stderr.
  const why = exitCode === -1 && !result.timedOut && !result.isCanceled ? `${stderr}${result.shortMessage ?? ''}` : stderr;
  return {
    exitCode,
    timedOut: result.timedOut === true,
    stdout: trimOutput(String(result.stdout ?? '')).text,
    stderr: trimOutput(why).text,
    durationMs: Math.round(performance.now() - started),
  };
};
