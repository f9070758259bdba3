// Adapts `async (request, ctx) => reply` functions to grpc-js handlers, and owns the
// error policy at the edge: TwinzoneErrors become their catalogue status with an
// ErrorDetail trailer; an abort becomes CANCELLED; anything else is a bug: INTERNAL
// with a generic message to the client and the full error in the log.
import {
  status,
  type handleClientStreamingCall,
  type handleServerStreamingCall,
  type handleUnaryCall,
  type ServerUnaryCall,
  type ServerWritableStream,
  type ServerReadableStream,
  type sendUnaryData,
} from '@grpc/grpc-js';
import { ERROR_CODES } from '../errors/error-codes.js';
import { toGrpcStatus } from '../errors/grpc-errors.js';
import { errors, isTwinzoneError, TwinzoneError } from '../errors/twinzone-error.js';
import type { Logger } from '../log/create-logger.js';
import type { CallContext } from './call-context.js';
import { OP_METADATA_KEY } from './metadata-keys.js';
import { peerOfCertificate } from '../tls/peer-identity.js';

type AnyCall = ServerUnaryCall<unknown, unknown> | ServerWritableStream<unknown, unknown> | ServerReadableStream<unknown, unknown>;

/** What a request tells about itself for logging: its op id and zone. */
export type RequestLabels = (request: unknown) => { op?: string; zone?: string };

function contextFor(call: AnyCall, log: Logger, rpc: string, labels: { op?: string; zone?: string }): CallContext {
  const controller = new AbortController();
  (call as ServerUnaryCall<unknown, unknown>).on('cancelled', () =>
    controller.abort(new TwinzoneError('CANCELLED', 'the caller cancelled the call')),
  );
  const metaOp = call.metadata.get(OP_METADATA_KEY)[0];
  const op = labels.op || (typeof metaOp === 'string' ? metaOp : undefined);
  const caller = peerOfCertificate(call.getAuthContext().sslPeerCertificate) ?? undefined;
  const fields: Record<string, string> = { rpc };
  if (op) fields.op = op;
  if (labels.zone) fields.zone = labels.zone;
  // Who asked, on every line of the call: a grep for an operator's name finds what they did.
  if (caller) fields.who = caller.name;
  return { log: log.child(fields), signal: controller.signal, peer: call.getPeer(), op, ...(caller ? { caller } : {}) };
}

/** Maps any thrown value to a TwinzoneError, logging it at the catalogue's level. */
export function errorAtEdge(err: unknown, ctx: CallContext): TwinzoneError {
  let te: TwinzoneError;
  if (isTwinzoneError(err)) te = err;
  else if (ctx.signal.aborted) te = new TwinzoneError('CANCELLED', 'the caller cancelled the call');
  else {
    ctx.log.error({ err }, 'call failed with an internal error');
    return errors.internal(ctx.op ?? '-');
  }
  ctx.log[ERROR_CODES[te.code].level]({ err: { code: te.code, message: te.message, fields: te.details.fields } }, 'call refused');
  return te;
}

export function unary<Req, Res>(
  log: Logger,
  rpc: string,
  labels: RequestLabels,
  fn: (request: Req, ctx: CallContext) => Promise<Res>,
): handleUnaryCall<Req, Res> {
  return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => {
    const ctx = contextFor(call as AnyCall, log, rpc, safeLabels(labels, call.request));
    // Through a promise, so a synchronous throw in validation is handled like a rejection.
    Promise.resolve().then(() => fn(call.request, ctx)).then(
      (reply) => callback(null, reply),
      (err: unknown) => callback(toGrpcStatus(errorAtEdge(err, ctx))),
    );
  };
}

export function serverStreaming<Req, Res>(
  log: Logger,
  rpc: string,
  labels: RequestLabels,
  fn: (request: Req, call: ServerWritableStream<Req, Res>, ctx: CallContext) => Promise<void>,
): handleServerStreamingCall<Req, Res> {
  return (call) => {
    const ctx = contextFor(call as AnyCall, log, rpc, safeLabels(labels, call.request));
    Promise.resolve().then(() => fn(call.request, call, ctx)).then(
      () => call.end(),
      // grpc-js sends a stream's status from 'error' (then end); destroy() would skip the
      // final status and leave the client waiting with no answer.
      (err: unknown) => {
        const te = errorAtEdge(err, ctx);
        call.emit('error', Object.assign(new Error(te.message), toGrpcStatus(te)));
      },
    );
  };
}

export function clientStreaming<Req, Res>(
  log: Logger,
  rpc: string,
  fn: (call: ServerReadableStream<Req, Res>, ctx: CallContext) => Promise<Res>,
): handleClientStreamingCall<Req, Res> {
  return (call, callback) => {
    const ctx = contextFor(call as AnyCall, log, rpc, {});
    Promise.resolve().then(() => fn(call, ctx)).then(
      (reply) => callback(null, reply),
      (err: unknown) => callback(toGrpcStatus(errorAtEdge(err, ctx))),
    );
  };
}

function safeLabels(labels: RequestLabels, request: unknown): { op?: string; zone?: string } {
  try {
    return labels(request);
  } catch {
    return {};
  }
}

export { status };
