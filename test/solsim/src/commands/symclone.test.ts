import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SimLab } from '../testing/sim-lab.js';
import { readCloneSession } from '../state/clones.js';
import { readRdfGroup } from '../state/replication.js';
import { defineDiskGroup, defineReplication, volumeDir } from '../state/san-setup.js';
import { readGroup } from '../state/san.js';
import { events, mkdirOn, storageLab } from './storage-test-lab.js';

let lab: SimLab;

const recordsFile = (site: string, dg = 'dbdg') => path.join(volumeDir(lab.lab, site, dg, 'datavol'), 'records.log');

function writeRecords(agesMs: number[]): string[] {
  const now = Date.now();
  const lines = agesMs.map((age, i) => `${i + 1} hostA db01 ${now - age}`);
  fs.mkdirSync(path.dirname(recordsFile('dc1')), { recursive: true });
  fs.appendFileSync(recordsFile('dc1'), lines.map((l) => l + '\n').join(''));
  return lines;
}

const clone = (verb: string, host = 'hostC') => lab.run(host, 'symclone', ['-g', 'dbdg', verb === 'create' ? '-copy' : '-v', '-noprompt', verb].filter((a) => a !== '-v'));
const cloneImport = (name: string) => lab.run('hostC', 'vxdg', ['-C', '-n', name, '-o', 'useclonedev=on', '-o', 'updateid', 'import', 'dbdg']);

beforeEach(() => {
  lab = storageLab();
  defineDiskGroup(lab.lab, 'dc1', { name: 'dbdg', volumes: ['datavol'] });
  defineReplication(lab.lab, { rdfGroup: 'dbdg', diskGroup: 'dbdg', r1Site: 'dc1', r2Site: 'dc2', lagMs: 5000 });
});
afterEach(() => lab.cleanup());

describe('symclone (TimeFinder/Clone of the R2 devices)', () => {
  it('copies what the replica holds, imports under a new name with useclonedev, and never changes the RDF pairs', async () => {
    await lab.run('hostA', 'vxdg', ['import', 'dbdg']);
    const lines = writeRecords([60_000, 20_000, 6_000, 1_000]);
    const before = readRdfGroup(lab.lab, 'dbdg');

    expect(await clone('create')).toEqual({
      code: 0, stderr: '',
      stdout: "\n'Create' operation execution is in progress for\ndevice group 'dbdg'. Please wait...\n\n'Create' operation successfully executed for device\ngroup 'dbdg'.\n\n",
    });
    expect((await lab.run('hostC', 'symclone', ['-g', 'dbdg', 'query'])).stdout).toMatch(/^DEV001 {2}00B0 +0 {2}TGT001 +00C0 +0 +Created +0$/m);
    expect((await clone('activate')).code).toBe(0);
    const query = (await lab.run('hostC', 'symclone', ['-g', 'dbdg', 'query'])).stdout;
    expect(query).toMatch(/^DEV001 .* Copied +100$/m);
    expect(query).toMatch(/^Clone point in time \(epoch ms\) +: \d+$/m);

    // Before the import: nothing of the clone is visible as a disk group of that name.
    expect(await lab.run('hostC', 'vxdg', ['-C', '-n', 'dbdg_drill', 'import', 'dbdg'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/write-disabled/) });
    expect(await cloneImport('dbdg')).toMatchObject({ code: 1, stderr: expect.stringMatching(/Disk group dbdg already exists/) });
    expect(await cloneImport('dbdg_drill')).toEqual({ code: 0, stdout: '', stderr: '' });
    const imported = readGroup(lab.lab, 'dc2', 'vxdg', 'dbdg_drill')!;
    expect(imported.id).not.toBe(readGroup(lab.lab, 'dc1', 'vxdg', 'dbdg')!.id);
    expect((await lab.run('hostC', 'vxdg', ['list'])).stdout).toMatch(/^dbdg_drill +enabled/m);

    // The clone holds the replica's point in time (the records younger than the lag are not on it) and is writable.
    expect(fs.readFileSync(recordsFile('dc2', 'dbdg_drill'), 'utf8').split('\n').filter(Boolean)).toEqual(lines.slice(0, 3));
    mkdirOn(lab, 'hostC', '/drill/dbdg');
    expect((await lab.run('hostC', 'mount', ['-F', 'vxfs', '/dev/vx/dsk/dbdg_drill/datavol', '/drill/dbdg'])).code).toBe(0);
    expect(fs.existsSync(path.join(lab.env('hostC').root, 'drill/dbdg/records.log'))).toBe(true);

    // Terminate refuses while the clone is imported, then releases the clone devices.
    expect(await clone('terminate')).toEqual({ code: 1, stdout: '', stderr: '\nThe target device(s) are in use by a host (their disk group is imported).\n\n' });
    expect((await lab.run('hostC', 'umount', ['/drill/dbdg'])).code).toBe(0);
    expect((await lab.run('hostC', 'vxdg', ['deport', 'dbdg_drill'])).code).toBe(0);
    expect((await clone('terminate')).code).toBe(0);
    expect(readGroup(lab.lab, 'dc2', 'vxdg', 'dbdg_drill')).toBeNull();
    expect(readCloneSession(lab.lab, 'dbdg')).toBeNull();

    expect(readRdfGroup(lab.lab, 'dbdg')).toEqual(before);
    expect(events(lab, 'replication')).toEqual([]);
    expect(events(lab, 'clone').map((e) => [e.host, e.group, e.action, e.state])).toEqual([
      ['hostC', 'dbdg', 'create', 'Created'],
      ['hostC', 'dbdg', 'activate', 'Copied'],
      ['hostC', 'dbdg', 'terminate', 'Terminated'],
    ]);
    // Production still has its group imported and writable on hostA.
    expect((await lab.run('hostA', 'vxdg', ['list'])).stdout).toMatch(/^dbdg +enabled/m);
  });

  it('refuses out of order and on the R1 side, with the texts scripts see', async () => {
    const refused = (text: string) => ({ code: 1, stdout: '', stderr: `\n${text}.\n\n` });
    expect(await clone('activate')).toEqual(refused('No clone session was found for device group (dbdg)'));
    expect(await clone('create', 'hostA')).toEqual(refused('No target devices for a clone session were found on this Symmetrix for device group (dbdg)'));
    expect(await lab.run('hostC', 'symclone', ['-g', 'nosuch', '-noprompt', 'create'])).toEqual(refused('The specified device group (nosuch) was not found'));
    expect((await clone('create')).code).toBe(0);
    expect(await clone('create')).toEqual(refused('The device(s) are already in a copy session'));
    expect(await cloneImport('dbdg_drill')).toMatchObject({ code: 1, stderr: expect.stringMatching(/No valid disk found/) });
    expect((await clone('activate')).code).toBe(0);
    expect(await clone('activate')).toEqual(refused('The Clone device(s) are not in a valid state for this operation'));
    expect(await lab.run('hostC', 'symclone', ['-g', 'dbdg', 'split'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/^Usage: symclone/) });
    // Without -noprompt it asks, and anything but yes leaves the session alone.
    expect(await lab.run('hostC', 'symclone', ['-g', 'dbdg', 'terminate'])).toMatchObject({ code: 1, stdout: expect.stringContaining("(y/[n]) ? ") });
    expect(readCloneSession(lab.lab, 'dbdg')).toMatchObject({ state: 'Copied' });
  });
});
