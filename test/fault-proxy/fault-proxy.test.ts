// The fault proxy against a real TCP echo server: bytes pass, are delayed, vanish, and a
// cut resets open connections and refuses new ones; healing lets new connections through.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FaultProxy } from './fault-proxy.js';

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

async function echoServer(): Promise<string> {
  const server = net.createServer((s) => s.pipe(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  cleanups.push(() => new Promise((r) => server.close(() => r())));
  return `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

async function proxyTo(target: string): Promise<FaultProxy> {
  const proxy = new FaultProxy(target);
  await proxy.listen();
  cleanups.push(() => proxy.close());
  return proxy;
}

function connect(address: string): Promise<net.Socket> {
  const [host, port] = address.split(':');
  return new Promise((resolve, reject) => {
    const s = net.connect(Number(port), host!, () => resolve(s));
    s.once('error', reject);
  });
}

function firstReply(s: net.Socket): Promise<string> {
  return new Promise((resolve) => s.once('data', (d: Buffer) => resolve(d.toString())));
}

describe('fault proxy', () => {
  it('passes bytes both ways', async () => {
    const proxy = await proxyTo(await echoServer());
    const s = await connect(proxy.address);
    const reply = firstReply(s);
    s.write('hello');
    expect(await reply).toBe('hello');
    s.destroy();
  });

  it('delays bytes in delay mode, in order', async () => {
    const proxy = await proxyTo(await echoServer());
    proxy.setMode({ kind: 'delay', delayMs: 50 });
    const s = await connect(proxy.address);
    let got = '';
    const done = new Promise<void>((r) => s.on('data', (d: Buffer) => ((got += d.toString()), got.length >= 6 && r())));
    s.write('abc');
    s.write('def');
    await done;
    expect(got).toBe('abcdef');
    expect(proxy.stats.bytesForwarded).toBe(12);
    s.destroy();
  });

  it('drops bytes in drop mode and forwards again after healing', async () => {
    const proxy = await proxyTo(await echoServer());
    const s = await connect(proxy.address);
    proxy.setMode({ kind: 'drop' });
    s.write('lost');
    await new Promise((r) => setTimeout(r, 100));
    expect(proxy.stats.bytesDropped).toBe(4);
    proxy.heal();
    const reply = firstReply(s);
    s.write('kept');
    expect(await reply).toBe('kept');
    s.destroy();
  });

  it('a cut resets open connections and refuses new ones until healed', async () => {
    const proxy = await proxyTo(await echoServer());
    const s = await connect(proxy.address);
    const closed = new Promise<void>((r) => s.once('close', () => r()));
    s.on('error', () => undefined);
    proxy.setMode({ kind: 'cut' });
    await closed;
    const refused = await connect(proxy.address).then(
      (c) => new Promise<boolean>((r) => (c.on('error', () => undefined), c.once('close', () => r(true)))),
      () => true,
    );
    expect(refused).toBe(true);
    proxy.heal();
    const again = await connect(proxy.address);
    const reply = firstReply(again);
    again.write('back');
    expect(await reply).toBe('back');
    again.destroy();
  });
});
