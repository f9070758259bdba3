// What every simulated command is: a function of its environment and argument vector
// that writes to stdout/stderr and returns an exit status. The same function runs
// in-process in unit tests and behind the real executables in test/solsim/bin.
import type { SimEnv } from './env.js';

export interface SimIo {
  out(text: string): void;
  err(text: string): void;
  /** Standard input, read whole (only commands that read stdin ask for it). */
  readStdin(): string;
}

export interface SimContext extends SimIo {
  readonly env: SimEnv;
  /** Arguments after the command name. */
  readonly argv: readonly string[];
  /** The name the command was invoked as (basename of argv[0]). */
  readonly name: string;
}

export type SimCommand = (ctx: SimContext) => number | Promise<number>;

/** A command that ends with a status of its own, e.g. usage errors deep inside a parser. */
export class SimExit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

export interface CapturedRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCaptured(
  command: SimCommand,
  env: SimEnv,
  name: string,
  argv: readonly string[],
  stdin = '',
): Promise<CapturedRun> {
  let stdout = '';
  let stderr = '';
  const ctx: SimContext = {
    env,
    argv,
    name,
    out: (t) => {
      stdout += t;
    },
    err: (t) => {
      stderr += t;
    },
    readStdin: () => stdin,
  };
  let code: number;
  try {
    code = await command(ctx);
  } catch (err) {
    if (err instanceof SimExit) code = err.code;
    else throw err;
  }
  return { code, stdout, stderr };
}
