// The daemons' small read-only HTTP listener: the Prometheus endpoint (GET /metrics) on
// both, and the coordinator's status page. GET and HEAD only, a fixed set of paths,
// nothing that changes state; a failing handler answers 500 and is logged.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log/create-logger.js';

export interface HttpReply {
  status?: number;
  contentType: string;
  body: string;
}

export type HttpRoute = (url: URL) => Promise<HttpReply> | HttpReply;

export interface HttpEndpoint {
  port: number;
  address: string;
  close(): Promise<void>;
}

/** "HOST:PORT" or "[v6]:PORT" into listen() arguments. */
function splitBind(bind: string): { host: string; port: number } {
  const i = bind.lastIndexOf(':');
  return { host: bind.slice(0, i).replace(/^\[(.*)\]$/, '$1'), port: Number(bind.slice(i + 1)) };
}

export async function startHttpEndpoint(opts: { bind: string; routes: Record<string, HttpRoute>; log: Logger }): Promise<HttpEndpoint> {
  const log = opts.log.child({ http: opts.bind });
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = opts.routes[url.pathname];
    const send = (status: number, contentType: string, body: string) => {
      res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'text/plain; charset=utf-8', 'read-only: GET or HEAD\n');
    if (!route) return send(404, 'text/plain; charset=utf-8', `not found; try ${Object.keys(opts.routes).join(' ')}\n`);
    Promise.resolve()
      .then(() => route(url))
      .then(
        (reply) => send(reply.status ?? 200, reply.contentType, reply.body),
        (err: unknown) => {
          log.error({ err, path: url.pathname }, 'http handler failed');
          send(500, 'text/plain; charset=utf-8', 'internal error; the daemon log has the details\n');
        },
      );
  });
  // Scrapers keep connections open; close() must not wait for them.
  server.keepAliveTimeout = 5_000;
  const { host, port } = splitBind(opts.bind);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  log.info({ port: address.port, address: address.address, paths: Object.keys(opts.routes) }, 'http listening');
  return {
    port: address.port,
    address: address.address,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
