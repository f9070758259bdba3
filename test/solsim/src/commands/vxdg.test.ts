import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SimLab } from '../testing/sim-lab.js';
import { hostPath } from '../env.js';
import { storageOfPath, writeRefusal } from '../state/fencing.js';
import { createLocalSlice } from '../state/devices.js';
import { readMnttab } from '../state/mounts.js';
import { defineDiskGroup, volumeDir } from '../state/san-setup.js';
import { readGroup, readImports } from '../state/san.js';
import { bootStorage, crashStorage } from '../state/storage-power.js';
import { addVfstabEntry } from '../state/vfstab.js';
import { events, mkdirOn, storageLab } from './storage-test-lab.js';

let lab: SimLab;

beforeEach(() => {
  lab = storageLab();
  defineDiskGroup(lab.lab, 'dc1', { name: 'dbdg', volumes: ['datavol', 'logvol'] });
});
afterEach(() => lab.cleanup());

const IN_USE = 'VxVM vxdg ERROR V-5-1-10978 Disk group dbdg: import failed:\nDisk is in use by another host\n';

describe('vxdg import / deport / list', () => {
  it('imports, lists with the NAME STATE ID table and deports', async () => {
    expect(await lab.run('hostA', 'vxdg', ['import', 'dbdg'])).toEqual({ code: 0, stdout: '', stderr: '' });
    const id = readGroup(lab.lab, 'dc1', 'vxdg', 'dbdg')!.id;
    expect(id).toMatch(/^\d+\.\d+\.hostA$/);
    const list = await lab.run('hostA', 'vxdg', ['list']);
    expect(list.stdout).toBe(`NAME         STATE           ID\ndbdg         enabled         ${id}\n`);
    expect((await lab.run('hostB', 'vxdg', ['list'])).stdout).toBe('NAME         STATE           ID\n');
    expect(await lab.run('hostA', 'vxdg', ['deport', 'dbdg'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(readGroup(lab.lab, 'dc1', 'vxdg', 'dbdg')!.hostLock).toBeNull();
    expect(readGroup(lab.lab, 'dc1', 'vxdg', 'dbdg')!.pr.registrations).toEqual({});
    expect(events(lab, 'storage.deport')).toMatchObject([{ host: 'hostA', kind: 'vxdg', group: 'dbdg', site: 'dc1' }]);
  });

  it('refuses another host while the lock is held, and -C clears it with a preempt', async () => {
    await lab.run('hostA', 'vxdg', ['import', 'dbdg']);
    expect(await lab.run('hostB', 'vxdg', ['import', 'dbdg'])).toEqual({ code: 1, stdout: '', stderr: IN_USE });
    expect(await lab.run('hostB', 'vxdg', ['-tfC', 'import', 'dbdg'])).toMatchObject({ code: 0, stderr: '' });

    const imports = events(lab, 'storage.import');
    expect(imports.map((e) => [e.host, e.cleared, e.forced])).toEqual([['hostA', null, false], ['hostB', 'hostA', true]]);
    expect(events(lab, 'pr.register').map((e) => [e.host, e.key])).toEqual([
      ['hostA', '0x0000000084a1b2c0'], ['hostB', '0x0000000084a1b2c1'],
    ]);
    expect(events(lab, 'pr.preempt')).toMatchObject([
      { host: 'hostB', key: '0x0000000084a1b2c1', preemptedHost: 'hostA', preemptedKey: '0x0000000084a1b2c0', group: 'dbdg' },
    ]);
    // The preempt comes before the import it belongs to, in the lab's total order.
    const preemptSeq = events(lab, 'pr.preempt')[0]!.seq;
    expect(preemptSeq).toBeLessThan(imports[1]!.seq);

    // Split brain: hostA still believes it holds the group, but the array refuses its writes.
    expect(readImports(lab.env('hostA')).map((i) => i.group)).toEqual(['dbdg']);
    const file = path.join(volumeDir(lab.lab, 'dc1', 'dbdg', 'datavol'), 'records.log');
    expect(writeRefusal(lab.env('hostA'), file)).toBe('reservation conflict: key of hostA was preempted by hostB');
    expect(writeRefusal(lab.env('hostB'), file)).toBeNull();
    expect(writeRefusal(lab.env('hostC'), file)).toBe('disk group dbdg of site dc1 is not visible from this host');
    expect((await lab.run('hostA', 'vxdg', ['list'])).stdout).toMatch(/^dbdg {9}disabled {8}/m);

    // The fenced host can still clean up its own view; the new holder keeps lock and key.
    expect((await lab.run('hostA', 'vxdg', ['deport', 'dbdg'])).code).toBe(0);
    const record = readGroup(lab.lab, 'dc1', 'vxdg', 'dbdg')!;
    expect(record.hostLock?.host).toBe('hostB');
    expect(record.pr).toMatchObject({ holder: 'hostB', registrations: { hostB: '0x0000000084a1b2c1' } });
    expect(writeRefusal(lab.env('hostA'), file)).toBe('disk group dbdg is not imported on this host');
  });

  it('re-imports on the host that holds the lock without -C, but not twice', async () => {
    await lab.run('hostA', 'vxdg', ['import', 'dbdg']);
    expect(await lab.run('hostA', 'vxdg', ['import', 'dbdg'])).toEqual({
      code: 1, stdout: '',
      stderr: 'VxVM vxdg ERROR V-5-1-10978 Disk group dbdg: import failed:\nDisk group exists and is imported\n',
    });
    crashStorage(lab.env('hostA'));
    expect((await lab.run('hostA', 'vxdg', ['import', 'dbdg'])).code).toBe(0);
    expect(events(lab, 'pr.register')).toHaveLength(1); // the key survived the crash
  });

  it('names unknown and unimported groups as VxVM does', async () => {
    expect(await lab.run('hostA', 'vxdg', ['import', 'nodg'])).toMatchObject({
      code: 1, stderr: 'VxVM vxdg ERROR V-5-1-10978 Disk group nodg: import failed:\nNo valid disk found containing disk group\n',
    });
    expect(await lab.run('hostC', 'vxdg', ['import', 'dbdg'])).toMatchObject({ code: 1 }); // another site's SAN
    expect(await lab.run('hostA', 'vxdg', ['deport', 'dbdg'])).toMatchObject({
      code: 1, stderr: 'VxVM vxdg ERROR V-5-1-582 Disk group dbdg: No such disk group\n',
    });
    expect(await lab.run('hostA', 'vxdg', ['list', 'dbdg'])).toMatchObject({ code: 1 });
    expect((await lab.run('hostA', 'vxdg', [])).code).toBe(1);
    expect((await lab.run('hostA', 'vxdg', ['-Z', 'import', 'dbdg'])).stderr).toMatch(/Usage: vxdg/);
  });

  it('refuses to deport while a volume is mounted', async () => {
    await lab.run('hostA', 'vxdg', ['import', 'dbdg']);
    mkdirOn(lab, 'hostA', '/data/db');
    expect((await lab.run('hostA', 'mount', ['-F', 'vxfs', '/dev/vx/dsk/dbdg/datavol', '/data/db'])).code).toBe(0);
    expect(await lab.run('hostA', 'vxdg', ['deport', 'dbdg'])).toEqual({
      code: 1, stdout: '', stderr: 'VxVM vxdg ERROR V-5-1-584 Disk group dbdg: Some volumes in the disk group are in use\n',
    });
    await lab.run('hostA', 'umount', ['/data/db']);
    expect((await lab.run('hostA', 'vxdg', ['deport', 'dbdg'])).code).toBe(0);
  });

  it('vxdg list <dg> shows the group details', async () => {
    await lab.run('hostA', 'vxdg', ['import', 'dbdg']);
    const out = (await lab.run('hostA', 'vxdg', ['list', 'dbdg'])).stdout;
    expect(out).toMatch(/^Group: {5}dbdg\ndgid: {6}\d+\.\d+\.hostA\n/);
    expect(out).toContain('volumes:   datavol logvol\n');
  });
});

describe('fencing and paths', () => {
  it('finds the volume behind a path through a symlinked mount, and nothing for local paths', async () => {
    await lab.run('hostA', 'vxdg', ['import', 'dbdg']);
    mkdirOn(lab, 'hostA', '/data/db');
    await lab.run('hostA', 'mount', ['-F', 'vxfs', '/dev/vx/dsk/dbdg/datavol', '/data/db']);
    const viaMount = hostPath(lab.env('hostA'), '/data/db/sub/records.log');
    expect(storageOfPath(lab.env('hostA'), viaMount)).toEqual({ site: 'dc1', kind: 'vxdg', group: 'dbdg', volume: 'datavol' });
    expect(writeRefusal(lab.env('hostA'), viaMount)).toBeNull();
    expect(storageOfPath(lab.env('hostA'), hostPath(lab.env('hostA'), '/etc/vfstab'))).toBeNull();
    expect(writeRefusal(lab.env('hostA'), hostPath(lab.env('hostA'), '/etc/vfstab'))).toBeNull();
  });
});

describe('host power', () => {
  it('a crash forgets imports and mounts but leaves the disk-header lock and the key', async () => {
    await lab.run('hostA', 'vxdg', ['import', 'dbdg']);
    mkdirOn(lab, 'hostA', '/data/db');
    await lab.run('hostA', 'mount', ['-F', 'vxfs', '/dev/vx/dsk/dbdg/datavol', '/data/db']);
    const before = events(lab, 'storage.import').length + events(lab, 'umount').length;

    crashStorage(lab.env('hostA'));
    expect(readImports(lab.env('hostA'))).toEqual([]);
    expect(readMnttab(lab.env('hostA'))).toEqual([]);
    expect(fs.lstatSync(hostPath(lab.env('hostA'), '/data/db')).isDirectory()).toBe(true);
    expect(events(lab, 'storage.import').length + events(lab, 'umount').length).toBe(before);
    const record = readGroup(lab.lab, 'dc1', 'vxdg', 'dbdg')!;
    expect(record.hostLock?.host).toBe('hostA');
    expect(record.pr.registrations).toHaveProperty('hostA');

    expect(await lab.run('hostB', 'vxdg', ['import', 'dbdg'])).toMatchObject({ code: 1, stderr: IN_USE });
    expect((await lab.run('hostB', 'vxdg', ['-C', 'import', 'dbdg'])).code).toBe(0);
    expect(events(lab, 'storage.import').at(-1)).toMatchObject({ host: 'hostB', cleared: 'hostA', forced: true });
  });

  it('boot mounts vfstab entries marked yes whose device is there, and imports nothing', async () => {
    const env = lab.env('hostA');
    createLocalSlice(env, 'c1t1d0s6');
    mkdirOn(lab, 'hostA', '/zones');
    mkdirOn(lab, 'hostA', '/data/db');
    addVfstabEntry(env, { special: '/dev/dsk/c1t1d0s6', fsckDevice: '/dev/rdsk/c1t1d0s6', mountPoint: '/zones', fstype: 'ufs', fsckPass: '2', atBoot: 'yes', options: 'logging' });
    addVfstabEntry(env, { special: '/dev/vx/dsk/dbdg/datavol', fsckDevice: '/dev/vx/rdsk/dbdg/datavol', mountPoint: '/data/db', fstype: 'vxfs', fsckPass: '3', atBoot: 'yes', options: '-' });
    crashStorage(env);
    const result = bootStorage(env);
    expect(result.mounted.map((m) => m.mountPoint)).toEqual(['/zones']);
    expect(result.failed.map((f) => f.message)).toEqual(['mount: /dev/vx/dsk/dbdg/datavol no such device']);
    expect(readMnttab(env).map((m) => m.mountPoint)).toEqual(['/', '/zones']);
    expect(readImports(env)).toEqual([]);
    expect(events(lab, 'mount').map((e) => e.mountPoint)).toEqual(['/zones']);
  });
});
