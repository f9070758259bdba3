// What every agent operation receives: the command runner, the file-system root its own
// file work goes through, the platform profile, a logger carrying zone/op, the caller's
// AbortSignal, dry-run mode, and the list of commands run so far for the reply.
import path from 'node:path';
import type { Logger } from '../../shared/log/create-logger.js';
import type { CommandRecord } from '../../shared/errors/twinzone-error.js';
import { plannedRecord, type CommandName, type CommandRunner, type RunResult } from '../platform/command-runner.js';
import type { PlatformProfile } from '../platform/platform-profile.js';

export interface CommandTimeouts {
  /** Default for every command (ms). */
  default: number;
  /** Per command overrides (ms). */
  perCommand?: Partial<Record<CommandName, number>>;
}

export interface OpContext {
  host: string;
  runner: CommandRunner;
  /** Real directory that stands for "/" in the agent's own file work ("/" on Solaris). */
  fsRoot: string;
  platform: PlatformProfile;
  log: Logger;
  signal: AbortSignal;
  dryRun: boolean;
  timeouts: CommandTimeouts;
  /** Every command run (or planned) on behalf of this operation, in order. */
  commands: CommandRecord[];
}

export interface ExecOptions {
  /** Changes state: on a dry run it is recorded as planned and not run. */
  mutating: boolean;
  timeoutMs?: number;
  input?: string;
  /** Solaris path of the working directory. */
  cwd?: string;
}

/** The result a dry-run plan stands in for: success, no output. */
function plannedResult(record: CommandRecord): RunResult {
  return { record, stdout: '', stderr: '', timedOut: false, cancelled: false };
}

/** Runs (or on dry run plans) one command and records it for the reply. */
export async function exec(ctx: OpContext, command: CommandName, args: string[], opts: ExecOptions): Promise<RunResult> {
  if (ctx.dryRun && opts.mutating) {
    const record = plannedRecord(ctx.runner.argvOf({ command, args }));
    ctx.commands.push(record);
    return plannedResult(record);
  }
  const result = await ctx.runner.run({
    command,
    args,
    timeoutMs: opts.timeoutMs ?? ctx.timeouts.perCommand?.[command] ?? ctx.timeouts.default,
    input: opts.input,
    cwd: opts.cwd !== undefined ? realPath(ctx, opts.cwd) : undefined,
    signal: ctx.signal,
    log: ctx.log,
  });
  ctx.commands.push(result.record);
  return result;
}

/** The real path of a Solaris path, through the configured file-system root. */
export function realPath(ctx: Pick<OpContext, 'fsRoot'>, solarisPath: string): string {
  return path.join(ctx.fsRoot, solarisPath);
}
