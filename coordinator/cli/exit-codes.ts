// The CLI's exit codes (STYLE §7, README "Exit codes"): scripts branch on these.
import type { TwinzoneError } from '../../shared/errors/twinzone-error.js';

export const ExitCode = {
  Ok: 0,
  /** The run or operation failed, or the coordinator refused it. */
  Failed: 1,
  /** Bad usage, input or configuration: nothing was asked of the coordinator, or it refused the input. */
  Usage: 2,
  /** The coordinator did not answer. */
  Unreachable: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The field control-client.ts sets on the error it raises when the coordinator itself is not answering. */
export const UNREACHABLE_FIELD = 'coordinator';

export function exitCodeFor(err: TwinzoneError): ExitCode {
  if (err.code === 'AGENT_UNREACHABLE' && err.details.fields?.[UNREACHABLE_FIELD] !== undefined) return ExitCode.Unreachable;
  // Input the coordinator refused as input is the caller's to fix, like bad usage.
  if (err.code === 'INVALID_ARGUMENT') return ExitCode.Usage;
  return ExitCode.Failed;
}
