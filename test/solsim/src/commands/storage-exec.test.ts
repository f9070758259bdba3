// The real executables: test/solsim/bin/vxdg run as separate processes, as the agent
// runs them, including two hosts racing for the same disk group.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimLab } from '../testing/sim-lab.js';
import { defineDiskGroup } from '../state/san-setup.js';
import { readGroup, readImports } from '../state/san.js';
import { events, storageLab } from './storage-test-lab.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const vxdgBin = path.join(repo, 'test/solsim/bin/vxdg');

let lab: SimLab;

beforeAll(() => {
  // dist/ is built by vitest's global setup (test/support/global-build.ts).
  expect(fs.existsSync(path.join(repo, 'dist/test/solsim/src/commands/vxdg.js'))).toBe(true);
  lab = storageLab();
  defineDiskGroup(lab.lab, 'dc1', { name: 'dbdg', volumes: ['datavol'] });
}, 180_000);
afterAll(() => lab?.cleanup());

function run(host: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = lab.env(host);
    const child = spawn(vxdgBin, args, {
      env: { ...process.env, SOLSIM_ROOT: env.root, SOLSIM_LAB: env.lab, SOLSIM_HOST: host },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('bin/vxdg', () => {
  it('imports, lists and refuses the other host as a separate process', async () => {
    expect(await run('hostA', ['import', 'dbdg'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect((await run('hostA', ['list'])).stdout).toMatch(/^NAME {9}STATE {11}ID\ndbdg {9}enabled {9}\S+\n$/);
    expect(await run('hostB', ['import', 'dbdg'])).toEqual({
      code: 1, stdout: '', stderr: 'VxVM vxdg ERROR V-5-1-10978 Disk group dbdg: import failed:\nDisk is in use by another host\n',
    });
    expect((await run('hostA', ['deport', 'dbdg'])).code).toBe(0);
  });

  it('two hosts importing at the same moment leave exactly one holder', async () => {
    for (let round = 0; round < 4; round += 1) {
      const before = events(lab, 'storage.import').length;
      const results = await Promise.all([run('hostA', ['import', 'dbdg']), run('hostB', ['import', 'dbdg'])]);
      const winners = (['hostA', 'hostB'] as const).filter((_, i) => results[i]!.code === 0);
      expect(winners).toHaveLength(1);
      const loser = winners[0] === 'hostA' ? 'hostB' : 'hostA';
      expect(results.map((r) => r.code).sort()).toEqual([0, 1]);
      expect(readGroup(lab.lab, 'dc1', 'vxdg', 'dbdg')!.hostLock?.host).toBe(winners[0]);
      expect(readImports(lab.env(loser))).toEqual([]);
      expect(events(lab, 'storage.import').slice(before).map((e) => e.host)).toEqual(winners);
      expect((await run(winners[0]!, ['deport', 'dbdg'])).code).toBe(0);
    }
  });
});
