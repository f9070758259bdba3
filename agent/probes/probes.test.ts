import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpProbe } from './http-probe.js';
import { tcpProbe } from './tcp-probe.js';

let server: http.Server;
let port: number;
let closedPort: number;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    res.writeHead(req.url === '/' ? 200 : 503);
    res.end('x');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as net.AddressInfo).port;
  const tmp = net.createServer();
  await new Promise<void>((r) => tmp.listen(0, '127.0.0.1', () => r()));
  closedPort = (tmp.address() as net.AddressInfo).port;
  await new Promise<void>((r) => tmp.close(() => r()));
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('tcp probe', () => {
  it('is healthy when the port accepts', async () => {
    expect(await tcpProbe('127.0.0.1', port, 1000)).toMatchObject({ healthy: true });
  });
  it('reports the refusal when nothing listens', async () => {
    const r = await tcpProbe('127.0.0.1', closedPort, 1000);
    expect(r.healthy).toBe(false);
    expect(r.detail).toContain('ECONNREFUSED');
  });
});

describe('http probe', () => {
  it('accepts any 2xx by default and an exact status when asked', async () => {
    expect((await httpProbe(`http://127.0.0.1:${port}/`, 0, 1000)).healthy).toBe(true);
    expect((await httpProbe(`http://127.0.0.1:${port}/`, 204, 1000)).healthy).toBe(false);
    expect((await httpProbe(`http://127.0.0.1:${port}/sick`, 503, 1000)).healthy).toBe(true);
  });
  it('is unhealthy on a bad status, a refused connection and a non-http URL', async () => {
    expect((await httpProbe(`http://127.0.0.1:${port}/sick`, 0, 1000)).detail).toContain('503 (expected 2xx)');
    expect((await httpProbe(`http://127.0.0.1:${closedPort}/`, 0, 1000)).detail).toContain('ECONNREFUSED');
    expect((await httpProbe('https://example.invalid/', 0, 1000)).healthy).toBe(false);
  });
});
