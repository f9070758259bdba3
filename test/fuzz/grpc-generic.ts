// Calls any method of a ts-proto service definition by name over a plain grpc-js client,
// unary or streaming, and returns the outcome (ok, or the gRPC status and message): the
// bad-input suites drive every RPC the same way.
import { Client, Metadata, status, type ChannelCredentials, type ChannelOptions, type ServiceError } from '@grpc/grpc-js';

export interface MethodDef {
  path: string;
  requestStream: boolean;
  responseStream: boolean;
  requestSerialize: (v: never) => Buffer;
  responseDeserialize: (b: Buffer) => unknown;
}

export type Outcome = { ok: true } | { ok: false; code: number; codeName: string; message: string; clientSide: boolean };

const codeName = (code: number) => (status as unknown as Record<number, string>)[code] ?? String(code);

function failed(err: ServiceError | Error): Outcome {
  const e = err as ServiceError;
  const code = typeof e.code === 'number' ? e.code : status.INTERNAL;
  // grpc-js reports a request its serializer refused as INTERNAL before anything is sent.
  const clientSide = /serialization failure/i.test(e.details ?? e.message);
  return { ok: false, code, codeName: codeName(code), message: e.details ?? e.message, clientSide };
}

export class GenericClient {
  private readonly client: Client;

  /** The lab's daemons run mutual TLS: the caller's credentials (test/lab/lab-tls.ts) and target options. */
  constructor(address: string, creds: ChannelCredentials, options: ChannelOptions = {}) {
    this.client = new Client(address, creds, { 'grpc.max_send_message_length': 16 * 1024 * 1024, ...options });
  }

  close(): void {
    this.client.close();
  }

  call(def: MethodDef, request: unknown, deadlineMs = 20_000): Promise<Outcome> {
    const deadline = Date.now() + deadlineMs;
    const ser = (v: unknown) => def.requestSerialize(v as never);
    return new Promise((resolve) => {
      if (!def.requestStream && !def.responseStream) {
        this.client.makeUnaryRequest(def.path, ser, def.responseDeserialize, request, new Metadata(), { deadline }, (err) => resolve(err ? failed(err) : { ok: true }));
      } else if (!def.requestStream) {
        const call = this.client.makeServerStreamRequest(def.path, ser, def.responseDeserialize, request, new Metadata(), { deadline });
        call.on('data', () => undefined);
        call.on('error', (err: ServiceError) => resolve(failed(err)));
        call.on('end', () => resolve({ ok: true }));
      } else if (!def.responseStream) {
        const call = this.client.makeClientStreamRequest(def.path, ser, def.responseDeserialize, new Metadata(), { deadline }, (err) => resolve(err ? failed(err) : { ok: true }));
        call.on('error', () => undefined);
        call.write(request);
        call.end();
      } else {
        resolve({ ok: false, code: status.UNIMPLEMENTED, codeName: 'UNIMPLEMENTED', message: 'bidi not exercised', clientSide: true });
      }
    });
  }
}

type Message = { fromPartial(o: object): Record<string, unknown> };

export interface ServiceMethod {
  name: string;
  def: MethodDef;
  /** The request message with its defaults (ts-proto fromPartial({})): what a missing field looks like. */
  base: Record<string, unknown>;
}

/** Every method of a generated service with its request message, found by the proto's naming rule (Method → MethodRequest). */
export function serviceMethods(service: object, generated: object): ServiceMethod[] {
  return Object.entries(service as Record<string, MethodDef>).map(([name, def]) => {
    const typeName = def.path.split('/').pop()! + 'Request';
    const type = (generated as Record<string, Message>)[typeName];
    if (!type) throw new Error(`no message ${typeName} for ${def.path}`);
    return { name, def, base: type.fromPartial({}) };
  });
}
