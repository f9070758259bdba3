// Promise form of a grpc-js unary call with a deadline, an optional AbortSignal and the
// op id in metadata; failures come back as TwinzoneErrors carrying the server's code.
import { Metadata, type CallOptions, type ClientUnaryCall, type ServiceError } from '@grpc/grpc-js';
import { fromGrpcError } from '../errors/grpc-errors.js';
import { OP_METADATA_KEY } from './metadata-keys.js';

export type UnaryMethod<Req, Res> = (
  request: Req,
  metadata: Metadata,
  options: Partial<CallOptions>,
  callback: (err: ServiceError | null, response: Res) => void,
) => ClientUnaryCall;

export interface UnaryCallOptions {
  deadlineMs: number;
  op?: string;
  signal?: AbortSignal;
  /**
   * Wait, within the deadline, for a channel in its reconnect backoff to connect, rather
   * than fail at once with the last connection error (grpc-js's default).
   */
  waitForReady?: boolean;
}

export function unaryCall<Req, Res>(method: UnaryMethod<Req, Res>, request: Req, opts: UnaryCallOptions): Promise<Res> {
  return rawUnaryCall(method, request, opts).catch((err: unknown) => {
    throw fromGrpcError(err);
  });
}

/**
 * The same call, rejecting with grpc-js's ServiceError as it arrived: for a caller that
 * must tell a failure in transport (no ErrorDetail trailer) from the server's answer
 * before converting it, as a retry decision does.
 */
export function rawUnaryCall<Req, Res>(method: UnaryMethod<Req, Res>, request: Req, opts: UnaryCallOptions): Promise<Res> {
  const metadata = new Metadata();
  if (opts.op) metadata.set(OP_METADATA_KEY, opts.op);
  // grpc-js takes wait-for-ready from the call's metadata options.
  if (opts.waitForReady) metadata.setOptions({ waitForReady: true });
  return new Promise((resolve, reject) => {
    const call = method(request, metadata, { deadline: Date.now() + opts.deadlineMs }, (err, res) => {
      opts.signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve(res);
    });
    const onAbort = () => call.cancel();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
  });
}
