// End to end through the real executables in test/solsim/bin (compiled dist/), with the
// environment a lab host gives them and a fault rule read by main.ts.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faultsPath } from '../faults.js';
import { makeSimLab, type SimLab } from '../testing/sim-lab.js';
import { readZoneIndex } from '../state/zone-index.js';
import { installZone, zoneEvents } from './zone-test-helpers.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const bin = (name: string) => path.join(repo, 'test/solsim/bin', name);

let lab: SimLab;
beforeAll(() => {
  // dist/ is built by vitest's global setup (test/support/global-build.ts).
  expect(fs.existsSync(path.join(repo, 'dist/test/solsim/src/commands/zoneadm.js'))).toBe(true);
  lab = makeSimLab([{ host: 'hostA', site: 'dc1' }]);
}, 180_000);
afterAll(() => lab.cleanup());

function run(name: string, args: string[]) {
  const env = lab.env('hostA');
  const r = spawnSync(bin(name), args, {
    encoding: 'utf8',
    env: { ...process.env, SOLSIM_ROOT: env.root, SOLSIM_LAB: env.lab, SOLSIM_HOST: env.host },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('test/solsim/bin/zoneadm', () => {
  it('boots through the executable after a boot fault fired once', async () => {
    await installZone(lab, 'hostA', 'z1', '/zones/z1');
    fs.writeFileSync(
      faultsPath(lab.env('hostA').root),
      JSON.stringify([{ command: 'zoneadm', args: ['-z', 'z1', 'boot'], action: 'fail', exitCode: 1, stderr: "zoneadm: zone 'z1': call to zoneadmd failed", times: 1 }]),
    );
    expect(run('zoneadm', ['-z', 'z1', 'boot'])).toEqual({ code: 1, stdout: '', stderr: "zoneadm: zone 'z1': call to zoneadmd failed\n" });
    expect(zoneEvents(lab, 'z1')).toEqual(['hostA:z1:configured->installed']);

    expect(run('zoneadm', ['-z', 'z1', 'boot'])).toEqual({ code: 0, stdout: '', stderr: '' });
    const list = run('zoneadm', ['list', '-p']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^0:global:running:\/::native:shared\n1:z1:running:\/zones\/z1:[0-9a-f-]{36}:native:shared\n$/);

    const z = run('zlogin', ['z1', 'exit 4']);
    expect(z.code).toBe(4);
    expect(run('zoneadm', ['-z', 'z1', 'shutdown'])).toMatchObject({ code: 2 });
    expect(run('zoneadm', ['-z', 'z1', 'halt'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(zoneEvents(lab, 'z1')).toEqual([
      'hostA:z1:configured->installed',
      'hostA:z1:installed->ready',
      'hostA:z1:ready->running',
      'hostA:z1:running->shutting_down',
      'hostA:z1:shutting_down->installed',
    ]);
  });

  it('keeps /etc/zones/index whole when several zonecfg processes commit at once', async () => {
    const env = lab.env('hostA');
    const names = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'];
    await Promise.all(
      names.map(
        (n) =>
          new Promise<void>((resolve, reject) => {
            execFile(
              bin('zonecfg'),
              ['-z', n, `create -b; set zonepath=/zones/${n}`],
              { env: { ...process.env, SOLSIM_ROOT: env.root, SOLSIM_LAB: env.lab, SOLSIM_HOST: env.host } },
              (err) => (err ? reject(err) : resolve()),
            );
          }),
      ),
    );
    expect(readZoneIndex(env).map((e) => e.name).filter((n) => n.startsWith('c')).sort()).toEqual(names);
  });
});
