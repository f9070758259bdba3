// Starts a grpc-js server on an address (127.0.0.1:0 in tests: no fixed ports) and
// reports the bound port; close() lets calls finish for a grace period, then forces.
// With a TLS identity it serves mutual TLS and admits each call by the caller's
// certificate role, as each binding's access says (access-control.ts); without one it
// serves plaintext, which only an explicit --insecure asks for.
import { Server, ServerCredentials, type ServiceDefinition, type UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Logger } from '../log/create-logger.js';
import type { TlsIdentity } from '../tls/tls-identity.js';
import { accessInterceptor, type Refusal, type ServiceAccess } from './access-control.js';
import { serverCredentials } from './tls-credentials.js';

export interface ServiceBinding {
  definition: ServiceDefinition;
  implementation: UntypedServiceImplementation;
  /** Who may call which method under TLS; a binding without it admits no one then. */
  access?: ServiceAccess;
}

export interface ServerTls {
  identity: TlsIdentity;
  onRefusal?: (refusal: Refusal) => void;
}

/** The full name of the service a definition describes (twinzone.v1.Agent). */
export function serviceNameOf(definition: ServiceDefinition): string {
  const first = Object.values(definition)[0];
  return first ? first.path.split('/')[1] ?? '' : '';
}

export interface RunningServer {
  port: number;
  address: string;
  server: Server;
  close(graceMs: number): Promise<void>;
}

export async function startServer(opts: {
  bind: string;
  services: ServiceBinding[];
  log: Logger;
  /** Mutual TLS and access control; plaintext without it. */
  tls?: ServerTls;
}): Promise<RunningServer> {
  const tls = opts.tls;
  const interceptors = tls
    ? [accessInterceptor({
        services: new Map(opts.services.map((s) => [serviceNameOf(s.definition), s.access ?? { others: [] }])),
        log: opts.log,
        onRefusal: tls.onRefusal,
      })]
    : [];
  // Archive chunks are sent in small messages; the default 4 MiB limit is ample.
  const server = new Server({ 'grpc.max_receive_message_length': 8 * 1024 * 1024, interceptors });
  for (const s of opts.services) server.addService(s.definition, s.implementation);
  const creds = tls ? serverCredentials(tls.identity) : ServerCredentials.createInsecure();
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(opts.bind, creds, (err, p) => (err ? reject(err) : resolve(p)));
  });
  const host = opts.bind.replace(/:\d+$/, '');
  const address = `${host}:${port}`;
  return {
    port,
    address,
    server,
    close: (graceMs) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}
