// One error class for every domain failure: a code from the catalogue, one sentence an
// operator can act on, and structured details (zone, host, op, commands run, ...).
import type { ErrorCode } from './error-codes.js';
import { ERROR_CODES } from './error-codes.js';

/** A command as run, in the shape replies and error details carry. */
export interface CommandRecord {
  argv: string[];
  exitCode: number;
  stdout: string;
  stderr: string;
  startedAtMs: number;
  durationMs: number;
  truncated: boolean;
  /** A dry run's plan: not run. */
  planned: boolean;
  timedOut: boolean;
}

export interface ErrorDetails {
  fields?: Record<string, string>;
  commands?: CommandRecord[];
}

export class TwinzoneError extends Error {
  override readonly name = 'TwinzoneError';
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message);
    this.code = code;
    this.details = details;
  }

  get hint(): string {
    return ERROR_CODES[this.code].hint;
  }
}

export function isTwinzoneError(err: unknown): err is TwinzoneError {
  return err instanceof TwinzoneError;
}

export const errors = {
  invalidArgument: (message: string, fields?: Record<string, string>) =>
    new TwinzoneError('INVALID_ARGUMENT', message, { fields }),
  zoneNotFound: (zone: string, host: string) =>
    new TwinzoneError('ZONE_NOT_FOUND', `zone ${zone} is not configured on ${host}`, { fields: { zone, host } }),
  staleEpoch: (zone: string, got: number, seen: number) =>
    new TwinzoneError('STALE_EPOCH', `stale fencing epoch for ${zone}: got ${got}, already saw ${seen}`, {
      fields: { zone, epoch: String(got), seenEpoch: String(seen) },
    }),
  zoneBusy: (zone: string, op: string) =>
    new TwinzoneError('ZONE_BUSY', `another operation on ${zone} is running (op ${op})`, { fields: { zone, op } }),
  internal: (op: string) => new TwinzoneError('INTERNAL', `internal error (see the log for op ${op})`, { fields: { op } }),
};
