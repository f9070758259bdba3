// Starts a grpc-js server on an address (127.0.0.1:0 in tests: no fixed ports) and
// reports the bound port; close() lets calls finish for a grace period, then forces.
import { Server, ServerCredentials, type ServiceDefinition, type UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Logger } from '../log/create-logger.js';

export interface ServiceBinding {
  definition: ServiceDefinition;
  implementation: UntypedServiceImplementation;
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
  credentials?: ServerCredentials;
}): Promise<RunningServer> {
  // Archive chunks are sent in small messages; the default 4 MiB limit is ample.
  const server = new Server({ 'grpc.max_receive_message_length': 8 * 1024 * 1024 });
  for (const s of opts.services) server.addService(s.definition, s.implementation);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(opts.bind, opts.credentials ?? ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p)));
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
