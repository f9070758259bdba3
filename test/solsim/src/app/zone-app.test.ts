import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installZone } from '../commands/zone-test-helpers.js';
import { hostPath } from '../env.js';
import { makeSimLab, type SimLab } from '../testing/sim-lab.js';
import { appConfigPath, listenAddress } from './app-control.js';

let lab: SimLab;
beforeEach(() => {
  lab = makeSimLab([{ host: 'hostA', site: 'dc1' }]);
});
afterEach(async () => {
  await lab.run('hostA', 'zoneadm', ['-z', 'z1', 'halt']);
  lab.cleanup();
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function request(port: number, method: string, urlPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: urlPath }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The application starts detached from zoneadm boot: wait until it listens. */
async function waitForApp(port: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await request(port, 'GET', '/');
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

describe('zone application HTTP', () => {
  it('answers GET / with 200 and its JSON, and anything else with 404', async () => {
    await installZone(lab, 'hostA', 'z1', '/zones/z1');
    fs.mkdirSync(hostPath(lab.env('hostA'), '/zones/z1/root/data'), { recursive: true });
    const port = await freePort();
    fs.writeFileSync(appConfigPath(lab.env('hostA'), '/zones/z1'), JSON.stringify({ port, dataDir: '/data', intervalMs: 200 }));
    expect((await lab.run('hostA', 'zoneadm', ['-z', 'z1', 'boot'])).code).toBe(0);
    await waitForApp(port);

    const ok = await request(port, 'GET', '/');
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ zone: 'z1', host: 'hostA' });
    expect((await request(port, 'GET', '/?probe=1')).status).toBe(200);
    expect((await request(port, 'POST', '/')).status).toBe(404);
    expect((await request(port, 'PUT', '/')).status).toBe(404);
    expect((await request(port, 'GET', '/health')).status).toBe(404);
  });
});

describe('zone application address', () => {
  it('listens on the zone\'s own address only when it is a loopback one', () => {
    expect(listenAddress('127.0.2.31/24')).toBe('127.0.2.31');
    expect(listenAddress('192.168.10.31/24')).toBe('127.0.0.1');
    expect(listenAddress(undefined)).toBe('127.0.0.1');
    expect(listenAddress('127.0.0/8')).toBe('127.0.0.1');
  });
});
