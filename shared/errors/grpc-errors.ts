// The edge between TwinzoneError and gRPC status: servers send the catalogue status,
// the operator sentence as the message, and an ErrorDetail trailer; clients rebuild a
// TwinzoneError with the same code from it.
import { Metadata, status, type ServiceError, type StatusObject } from '@grpc/grpc-js';
import { ErrorDetail } from '../gen/twinzone/v1/common.js';
import { ERROR_CODES, isErrorCode, type ErrorCode } from './error-codes.js';
import { TwinzoneError, type CommandRecord } from './twinzone-error.js';

export const ERROR_DETAIL_KEY = 'twinzone-error-bin';

export function toErrorDetail(err: TwinzoneError): ErrorDetail {
  return ErrorDetail.fromPartial({
    code: err.code,
    message: err.message,
    hint: err.hint,
    fields: err.details.fields ?? {},
    commands: (err.details.commands ?? []).map((c) => ({ ...c })),
  });
}

/**
 * The longest status message and detail field sent. Both travel in HTTP/2 trailers: a
 * message that echoes a huge input (a 6 MB zone name) overflows them, and the caller
 * gets no status at all, only its own deadline.
 */
export const MAX_ERROR_TEXT = 2048;

export function clipErrorText(text: string): string {
  return text.length <= MAX_ERROR_TEXT ? text : `${text.slice(0, MAX_ERROR_TEXT)}… (${text.length - MAX_ERROR_TEXT} more characters)`;
}

export function toGrpcStatus(err: TwinzoneError): Partial<StatusObject> {
  const metadata = new Metadata();
  const detail = toErrorDetail(err);
  const clipped: ErrorDetail = {
    ...detail,
    message: clipErrorText(detail.message),
    fields: Object.fromEntries(Object.entries(detail.fields).map(([k, v]) => [k, clipErrorText(v)])),
  };
  metadata.set(ERROR_DETAIL_KEY, Buffer.from(ErrorDetail.encode(clipped).finish()));
  return { code: ERROR_CODES[err.code].grpc, details: clipErrorText(err.message), metadata };
}

const STATUS_FALLBACK: Partial<Record<status, ErrorCode>> = {
  [status.UNAVAILABLE]: 'AGENT_UNREACHABLE',
  [status.DEADLINE_EXCEEDED]: 'COMMAND_TIMEOUT',
  [status.CANCELLED]: 'CANCELLED',
  [status.INVALID_ARGUMENT]: 'INVALID_ARGUMENT',
  [status.PERMISSION_DENIED]: 'PERMISSION_DENIED',
  [status.UNAUTHENTICATED]: 'UNAUTHENTICATED',
  [status.ABORTED]: 'ZONE_BUSY',
  [status.DATA_LOSS]: 'TRANSFER_CORRUPTED',
};

export function commandFromProto(c: CommandRecord): CommandRecord {
  return { ...c, argv: [...c.argv] };
}

export function errorFromDetail(detail: ErrorDetail): TwinzoneError {
  const code = isErrorCode(detail.code) ? detail.code : 'INTERNAL';
  return new TwinzoneError(code, detail.message, {
    fields: { ...detail.fields },
    commands: detail.commands.map(commandFromProto),
  });
}

/** Client side: any error from a call becomes a TwinzoneError with the server's code. */
export function fromGrpcError(err: unknown): TwinzoneError {
  if (err instanceof TwinzoneError) return err;
  const se = err as Partial<ServiceError>;
  const raw = se.metadata?.get(ERROR_DETAIL_KEY)?.[0];
  if (raw instanceof Buffer || raw instanceof Uint8Array) {
    try {
      return errorFromDetail(ErrorDetail.decode(raw));
    } catch {
      /* fall through to the status */
    }
  }
  const code = (se.code !== undefined && STATUS_FALLBACK[se.code]) || 'INTERNAL';
  return new TwinzoneError(code, se.details || se.message || String(err));
}
