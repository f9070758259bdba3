// The CLI's exit codes (STYLE §7, README "Operations": exit codes): scripts branch on these.
import type { ErrorCode } from '../../shared/errors/error-codes.js';
import type { TwinzoneError } from '../../shared/errors/twinzone-error.js';

export const ExitCode = {
  Ok: 0,
  /** The run or operation was tried and failed (a step failed, the run rolled back, ...). */
  Failed: 1,
  /** Bad usage, input or configuration: nothing was asked of the coordinator, or it refused the input. */
  Usage: 2,
  /**
   * Refused for safety before anything changed: the lease is held elsewhere, the zone is
   * busy, an epoch is stale, storage is held by another host, attach deltas are not
   * accepted, the caller's role does not allow it. Waiting or an operator's decision fixes it.
   */
  Refused: 3,
  /** The coordinator did not answer: nothing is known to have happened. */
  Unreachable: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The field control-client.ts sets on the error it raises when the coordinator itself is not answering. */
export const UNREACHABLE_FIELD = 'coordinator';

/** Catalogue codes that mean "not now, not like this": a safety rule said no (exit 3). */
export const SAFETY_REFUSALS: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'LEASE_HELD',
  'LEASE_NOT_HELD',
  'STALE_EPOCH',
  'RUN_IN_PROGRESS',
  'ZONE_BUSY',
  'ZONE_WRONG_STATE',
  'STORAGE_HELD_ELSEWHERE',
  'STORAGE_BUSY',
  'PRECONDITION_FAILED',
  'PERMISSION_DENIED',
]);

export function exitCodeFor(err: TwinzoneError): ExitCode {
  if (err.code === 'AGENT_UNREACHABLE' && err.details.fields?.[UNREACHABLE_FIELD] !== undefined) return ExitCode.Unreachable;
  // Input the coordinator refused as input is the caller's to fix, like bad usage.
  if (err.code === 'INVALID_ARGUMENT') return ExitCode.Usage;
  if (SAFETY_REFUSALS.has(err.code)) return ExitCode.Refused;
  return ExitCode.Failed;
}
