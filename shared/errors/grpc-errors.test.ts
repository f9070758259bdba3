import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, type ErrorCode } from './error-codes.js';
import { fromGrpcError, toGrpcStatus } from './grpc-errors.js';
import { TwinzoneError } from './twinzone-error.js';

function asServiceError(s: ReturnType<typeof toGrpcStatus>): ServiceError {
  return Object.assign(new Error(s.details), { code: s.code!, details: s.details!, metadata: s.metadata! });
}

describe('error catalogue over gRPC', () => {
  it.each(Object.keys(ERROR_CODES) as ErrorCode[])('%s round-trips with its message, fields and commands', (code) => {
    const err = new TwinzoneError(code, `something about ${code}`, {
      fields: { zone: 'db01' },
      commands: [{ argv: ['/usr/sbin/zoneadm', '-z', 'db01', 'halt'], exitCode: 1, stdout: '', stderr: 'x', startedAtMs: 5, durationMs: 7, truncated: false, planned: false, timedOut: false }],
    });
    const wire = toGrpcStatus(err);
    expect(wire.code).toBe(ERROR_CODES[code].grpc);
    const back = fromGrpcError(asServiceError(wire));
    expect(back.code).toBe(code);
    expect(back.message).toBe(err.message);
    expect(back.details.fields).toEqual({ zone: 'db01' });
    expect(back.details.commands?.[0]?.argv).toEqual(['/usr/sbin/zoneadm', '-z', 'db01', 'halt']);
  });

  it('derives a code from the status when there is no detail trailer', () => {
    const bare = (code: status) => Object.assign(new Error('x'), { code, details: 'x', metadata: new Metadata() }) as ServiceError;
    expect(fromGrpcError(bare(status.UNAVAILABLE)).code).toBe('AGENT_UNREACHABLE');
    expect(fromGrpcError(bare(status.DEADLINE_EXCEEDED)).code).toBe('COMMAND_TIMEOUT');
    expect(fromGrpcError(bare(status.UNIMPLEMENTED)).code).toBe('INTERNAL');
  });

  it('gives every code a hint and a log level', () => {
    for (const spec of Object.values(ERROR_CODES)) {
      expect(spec.hint.length).toBeGreaterThan(10);
      expect(['info', 'warn', 'error']).toContain(spec.level);
    }
  });
});

describe('error texts at the edge', () => {
  // Found by the bad-input suite: a 6 MB zone name echoed in the message overflowed the
  // HTTP/2 trailers, and the caller saw only its deadline.
  it('clips a message that echoes a huge input, in the status and in the detail trailer', () => {
    const huge = 'z'.repeat(6 * 1024 * 1024);
    const s = toGrpcStatus(new TwinzoneError('INVALID_ARGUMENT', `invalid zone name "${huge}": too long`, { fields: { zone: huge } }));
    expect(s.details!.length).toBeLessThan(2100);
    expect(s.details).toMatch(/more characters\)$/);
    const back = fromGrpcError(Object.assign(new Error(s.details), { code: s.code, details: s.details, metadata: s.metadata }) as ServiceError);
    expect(back.code).toBe('INVALID_ARGUMENT');
    expect(back.message.length).toBeLessThan(2100);
    expect(back.details.fields!.zone!.length).toBeLessThan(2100);
  });
});
