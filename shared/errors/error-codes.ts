// The error catalogue: every domain error code with its gRPC status, whether a caller
// may retry, the level the server logs it at, and what the operator can do. Codes cross
// the wire (ErrorDetail.code); classes do not.
import { status } from '@grpc/grpc-js';

export type LogLevel = 'info' | 'warn' | 'error';
export type RetryRule = 'never' | 'after-state-change' | 'backoff' | 'by-op-id';

export interface ErrorCodeSpec {
  grpc: status;
  retry: RetryRule;
  level: LogLevel;
  hint: string;
}

export const ERROR_CODES = {
  INVALID_ARGUMENT: { grpc: status.INVALID_ARGUMENT, retry: 'never', level: 'info', hint: 'correct the request; nothing was run' },
  ZONE_NOT_FOUND: { grpc: status.NOT_FOUND, retry: 'never', level: 'info', hint: 'check the zone name and the host (zoneadm list -cv)' },
  GROUP_NOT_FOUND: { grpc: status.NOT_FOUND, retry: 'never', level: 'info', hint: 'check the disk group or pool name and the site' },
  OP_NOT_FOUND: { grpc: status.NOT_FOUND, retry: 'never', level: 'info', hint: 'the operation never ran on this host; it may be run now' },
  HOST_NOT_FOUND: { grpc: status.NOT_FOUND, retry: 'never', level: 'info', hint: 'check the host name against the inventory (twinzone hosts)' },
  RUN_NOT_FOUND: { grpc: status.NOT_FOUND, retry: 'never', level: 'info', hint: 'check the run id (twinzone history)' },
  ZONE_WRONG_STATE: { grpc: status.FAILED_PRECONDITION, retry: 'after-state-change', level: 'info', hint: 'bring the zone to the state the step needs first' },
  STALE_EPOCH: { grpc: status.FAILED_PRECONDITION, retry: 'never', level: 'warn', hint: 'a newer lease holder exists; this caller must stop acting for the zone' },
  STORAGE_HELD_ELSEWHERE: { grpc: status.FAILED_PRECONDITION, retry: 'after-state-change', level: 'warn', hint: 'deport it on the holder, or clear the lock only once that host is confirmed down' },
  STORAGE_BUSY: { grpc: status.FAILED_PRECONDITION, retry: 'after-state-change', level: 'info', hint: 'unmount what is mounted on it, or halt the zone using it' },
  PRECONDITION_FAILED: { grpc: status.FAILED_PRECONDITION, retry: 'after-state-change', level: 'info', hint: 'fix what the message names, then run the step again' },
  LEASE_HELD: { grpc: status.FAILED_PRECONDITION, retry: 'after-state-change', level: 'info', hint: 'wait for the holder to release or its lease to expire past the margin, or run twinzone confirm-down HOST once it is really down' },
  LEASE_NOT_HELD: { grpc: status.FAILED_PRECONDITION, retry: 'never', level: 'warn', hint: 'this host no longer holds the lease; it must stop acting for the zone (self-fence under policy halt)' },
  SCHEMA_TOO_NEW: { grpc: status.FAILED_PRECONDITION, retry: 'never', level: 'error', hint: 'run a twinzone at least as new as the one that last wrote this database, or restore a backup' },
  RUN_IN_PROGRESS: { grpc: status.ABORTED, retry: 'backoff', level: 'info', hint: 'a run on this zone is in progress; wait for it to finish (twinzone history ZONE)' },
  ZONE_BUSY: { grpc: status.ABORTED, retry: 'backoff', level: 'info', hint: 'another operation on this zone is running; wait for it' },
  INSUFFICIENT_SPACE: { grpc: status.RESOURCE_EXHAUSTED, retry: 'after-state-change', level: 'warn', hint: 'free space on the file system named, then retry' },
  COMMAND_TIMEOUT: { grpc: status.DEADLINE_EXCEEDED, retry: 'by-op-id', level: 'warn', hint: 'the command hung and was killed; check the host before retrying' },
  COMMAND_FAILED: { grpc: status.UNKNOWN, retry: 'never', level: 'warn', hint: 're-read the state on the host before deciding what to do' },
  COMMAND_OUTPUT: { grpc: status.DATA_LOSS, retry: 'never', level: 'warn', hint: 'the output was cut short or damaged, so nothing was decided from it; run the command by hand on that host, check it, then retry' },
  TRANSFER_CORRUPTED: { grpc: status.DATA_LOSS, retry: 'by-op-id', level: 'warn', hint: 'the archive did not arrive intact; transfer it again' },
  AGENT_UNREACHABLE: { grpc: status.UNAVAILABLE, retry: 'by-op-id', level: 'warn', hint: 'check that the agent runs and the network between the hosts' },
  SHUTTING_DOWN: { grpc: status.UNAVAILABLE, retry: 'by-op-id', level: 'info', hint: 'the agent is stopping; retry once it is back' },
  UNAUTHENTICATED: { grpc: status.UNAUTHENTICATED, retry: 'never', level: 'warn', hint: 'present a current certificate issued by this deployment\'s CA (twinzone certs issue)' },
  PERMISSION_DENIED: { grpc: status.PERMISSION_DENIED, retry: 'never', level: 'warn', hint: 'use a certificate with the role this call needs (twinzone certs issue --role ...)' },
  CANCELLED: { grpc: status.CANCELLED, retry: 'never', level: 'info', hint: 'the caller cancelled the operation' },
  INTERNAL: { grpc: status.INTERNAL, retry: 'never', level: 'error', hint: 'a twinzone bug: see the daemon log for this operation' },
} as const satisfies Record<string, ErrorCodeSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(value: string): value is ErrorCode {
  return Object.prototype.hasOwnProperty.call(ERROR_CODES, value);
}
