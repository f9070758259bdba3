// TCP connect to the service address: healthy once the handshake completes.
import net from 'node:net';
import type { ProbeResult } from './probe-result.js';

export function tcpProbe(host: string, port: number, timeoutMs: number): Promise<ProbeResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (healthy: boolean, detail: string) => {
      socket.destroy();
      resolve({ healthy, detail, durationMs: Math.round(performance.now() - started) });
    };
    socket.setTimeout(timeoutMs, () => done(false, `connect ${host}:${port} timed out after ${timeoutMs} ms`));
    socket.once('connect', () => done(true, `connected to ${host}:${port}`));
    socket.once('error', (err: NodeJS.ErrnoException) => done(false, `connect ${host}:${port}: ${err.code ?? err.message}`));
  });
}
