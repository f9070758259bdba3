// A small TCP fault proxy for the lab: it sits in front of one daemon (an agent or the
// coordinator), every client is configured with the proxy's address, and a test or the
// campaign's nemesis switches its mode at any moment:
//   pass   bytes flow both ways;
//   delay  each chunk is held `delayMs` before it is forwarded (a slow or congested link);
//   drop   bytes are read and thrown away both ways, connections stay open (a black hole:
//          the peer sees silence until its deadline, as behind a dropping firewall);
//   cut    every open connection is reset and new ones are refused (a broken link).
// gRPC over HTTP/2 is opaque here: the proxy never parses what it forwards.
import net from 'node:net';

export type ProxyMode = { kind: 'pass' } | { kind: 'delay'; delayMs: number } | { kind: 'drop' } | { kind: 'cut' };

export interface FaultProxyStats {
  connections: number;
  bytesForwarded: number;
  bytesDropped: number;
  resets: number;
}

export class FaultProxy {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  private mode: ProxyMode = { kind: 'pass' };
  readonly stats: FaultProxyStats = { connections: 0, bytesForwarded: 0, bytesDropped: 0, resets: 0 };

  constructor(
    /** host:port of the daemon behind the proxy. */
    private readonly target: string,
  ) {}

  /** Listens on 127.0.0.1 (port 0: any free one, or a port reserved for the proxy); returns host:port. */
  async listen(port = 0): Promise<string> {
    const server = net.createServer((client) => this.accept(client));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    const addr = server.address() as net.AddressInfo;
    return `127.0.0.1:${addr.port}`;
  }

  get address(): string {
    const addr = this.server?.address() as net.AddressInfo | null;
    if (!addr) throw new Error('the fault proxy is not listening');
    return `127.0.0.1:${addr.port}`;
  }

  get currentMode(): ProxyMode {
    return this.mode;
  }

  setMode(mode: ProxyMode): void {
    this.mode = mode;
    if (mode.kind === 'cut') {
      for (const s of this.sockets) {
        s.resetAndDestroy();
        this.stats.resets += 1;
      }
      this.sockets.clear();
    }
  }

  heal(): void {
    this.setMode({ kind: 'pass' });
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private track(s: net.Socket): void {
    this.sockets.add(s);
    s.once('close', () => this.sockets.delete(s));
    s.on('error', () => undefined);
  }

  private accept(client: net.Socket): void {
    this.track(client);
    if (this.mode.kind === 'cut') {
      client.resetAndDestroy();
      this.stats.resets += 1;
      return;
    }
    this.stats.connections += 1;
    const [host, port] = splitAddress(this.target);
    const upstream = net.connect(port, host);
    this.track(upstream);
    const pipe = (from: net.Socket, to: net.Socket) => {
      from.on('data', (chunk: Buffer) => this.forward(chunk, to));
      from.once('close', () => {
        if (!to.destroyed) to.destroy();
      });
    };
    pipe(client, upstream);
    pipe(upstream, client);
  }

  private forward(chunk: Buffer, to: net.Socket): void {
    const mode = this.mode;
    if (mode.kind === 'drop' || mode.kind === 'cut') {
      this.stats.bytesDropped += chunk.length;
      return;
    }
    const send = () => {
      if (to.destroyed) return;
      this.stats.bytesForwarded += chunk.length;
      to.write(chunk);
    };
    if (mode.kind === 'delay') setTimeout(send, mode.delayMs);
    else send();
  }
}

function splitAddress(address: string): [string, number] {
  const i = address.lastIndexOf(':');
  if (i < 0) throw new Error(`not a host:port address: ${address}`);
  return [address.slice(0, i), Number(address.slice(i + 1))];
}
