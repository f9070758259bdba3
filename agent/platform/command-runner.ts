// The agent's one effect port for commands. Ops describe what to run (a command name and
// an argument vector); a runner resolves the name to a path, runs it without a shell,
// times it and returns what happened. ExecaRunner is the production and lab runner;
// ScriptedRunner (test/support) replays transcripts in unit tests.
import type { Readable, Writable } from 'node:stream';
import type { CommandRecord } from '../../shared/errors/twinzone-error.js';
import type { Logger } from '../../shared/log/create-logger.js';
import { trimOutput } from '../../shared/process/output-cap.js';

export const COMMAND_NAMES = [
  'zoneadm', 'zonecfg', 'zlogin', 'mount', 'umount', 'df', 'vxdg', 'zpool', 'zfs',
  's8_p2v', 'showrev', 'uname', 'symrdf', 'symclone', 'pax',
] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

export interface RunSpec {
  command: CommandName;
  args: string[];
  timeoutMs: number;
  /** Text written to the command's stdin. */
  input?: string;
  /** Real working directory (under the agent's file-system root). */
  cwd?: string;
  signal?: AbortSignal;
  /** The operation's logger (carrying zone/op), so command lines can be traced to it. */
  log?: Logger;
}

export interface RunResult {
  /** What a reply carries: argv as run, exit code, duration, trimmed output. */
  record: CommandRecord;
  /** Full output, for parsers. */
  stdout: string;
  stderr: string;
  timedOut: boolean;
  cancelled: boolean;
}

export interface StreamSpec extends RunSpec {
  /** Pipe the command's stdin from the caller (pax -r reading a stream). */
  stdinStream?: boolean;
  /** Pipe the command's stdout to the caller (pax -w writing a stream). */
  stdoutStream?: boolean;
}

export interface StreamingRun {
  stdout: Readable | null;
  stdin: Writable | null;
  /** Resolves when the command ends; stdout in the result is empty when streamed. */
  done: Promise<RunResult>;
}

export interface CommandRunner {
  run(spec: RunSpec): Promise<RunResult>;
  start(spec: StreamSpec): StreamingRun;
  /** The argv a spec would execute (for dry-run plans). */
  argvOf(spec: Pick<RunSpec, 'command' | 'args'>): string[];
}

export { RECORD_OUTPUT_LIMIT, trimOutput } from '../../shared/process/output-cap.js';

export function makeRecord(
  argv: string[],
  exitCode: number,
  stdout: string,
  stderr: string,
  startedAtMs: number,
  durationMs: number,
  timedOut = false,
): CommandRecord {
  const out = trimOutput(stdout);
  const err = trimOutput(stderr);
  return {
    argv,
    exitCode,
    stdout: out.text,
    stderr: err.text,
    startedAtMs,
    durationMs,
    truncated: out.truncated || err.truncated,
    planned: false,
    timedOut,
  };
}

export function plannedRecord(argv: string[]): CommandRecord {
  return { argv, exitCode: 0, stdout: '', stderr: '', startedAtMs: 0, durationMs: 0, truncated: false, planned: true, timedOut: false };
}
