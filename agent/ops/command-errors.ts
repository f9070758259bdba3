// Turning a failed command into a TwinzoneError: a hung command is COMMAND_TIMEOUT, a
// known failure gets the code its classifier gives, anything else COMMAND_FAILED. The
// message always carries the command line and the tail of its stderr, and the details
// carry every command the operation ran.
import { TwinzoneError, type CommandRecord } from '../../shared/errors/twinzone-error.js';
import type { ErrorCode } from '../../shared/errors/error-codes.js';
import type { RunResult } from '../platform/command-runner.js';
import type { OpContext } from './op-context.js';

export interface Classified {
  code: ErrorCode;
  /** The operator sentence, without the command line (added here). */
  message: string;
}

export type FailureClassifier = (result: RunResult) => Classified | null;

function stderrTail(result: RunResult): string {
  const text = (result.stderr || result.stdout).trim();
  const lines = text.split('\n');
  return lines.slice(-6).join('\n');
}

function commandLine(record: CommandRecord): string {
  return record.argv.join(' ');
}

export function commandError(ctx: Pick<OpContext, 'commands'>, result: RunResult, classify?: FailureClassifier, fields: Record<string, string> = {}): TwinzoneError {
  const details = { fields, commands: [...ctx.commands] };
  if (result.timedOut) {
    return new TwinzoneError('COMMAND_TIMEOUT', `\`${commandLine(result.record)}\` did not finish in time and was killed`, details);
  }
  if (result.cancelled) return new TwinzoneError('CANCELLED', `\`${commandLine(result.record)}\` was cancelled by the caller`, details);
  const known = classify?.(result);
  const tail = stderrTail(result);
  if (known) return new TwinzoneError(known.code, `${known.message}: ${tail}`, details);
  return new TwinzoneError(
    'COMMAND_FAILED',
    `\`${commandLine(result.record)}\` exited ${result.record.exitCode}${tail ? `: ${tail}` : ''}`,
    details,
  );
}

/** Throws unless the command succeeded. */
export function requireSuccess(ctx: Pick<OpContext, 'commands'>, result: RunResult, classify?: FailureClassifier, fields?: Record<string, string>): RunResult {
  if (result.record.exitCode === 0 && !result.timedOut && !result.cancelled) return result;
  throw commandError(ctx, result, classify, fields);
}
