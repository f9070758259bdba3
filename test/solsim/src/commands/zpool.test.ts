import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SimLab } from '../testing/sim-lab.js';
import { hostPath } from '../env.js';
import { writeRefusal } from '../state/fencing.js';
import { readMnttab } from '../state/mounts.js';
import { datasetDir, defineZpool } from '../state/san-setup.js';
import { readGroup } from '../state/san.js';
import { crashStorage } from '../state/storage-power.js';
import { asctime } from './solaris-time.js';
import { events, mkdirOn, storageLab } from './storage-test-lab.js';
import { nicenum } from './zfs-format.js';

let lab: SimLab;

beforeEach(() => {
  lab = storageLab();
  defineZpool(lab.lab, 'dc1', {
    name: 'zonepool',
    datasets: [{ name: 'zones/web01', mountpoint: '/zones/web01' }, { name: 'legacyfs', mountpoint: 'legacy' }, { name: 'data' }],
    sizeBytes: 68 * 2 ** 30,
  });
});
afterEach(() => lab.cleanup());

const mountPoints = (host: string) => readMnttab(lab.env(host)).filter((e) => e.fstype === 'zfs').map((e) => `${e.special} ${e.mountPoint}`);

describe('zpool import / export', () => {
  it('lists importable pools, imports and mounts every dataset with a mountpoint', async () => {
    const listing = await lab.run('hostA', 'zpool', ['import']);
    const id = readGroup(lab.lab, 'dc1', 'zpool', 'zonepool')!.id;
    expect(listing).toEqual({
      code: 0, stderr: '',
      stdout: `  pool: zonepool\n    id: ${id}\n state: ONLINE\n` +
        'action: The pool can be imported using its name or numeric identifier.\n' +
        'config:\n\n\tzonepool    ONLINE\n\t  c2t0d0    ONLINE\n',
    });
    expect(await lab.run('hostA', 'zpool', ['import', 'zonepool'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(mountPoints('hostA')).toEqual([
      'zonepool /zonepool', 'zonepool/data /zonepool/data', 'zonepool/zones /zonepool/zones', 'zonepool/zones/web01 /zones/web01',
    ]);
    expect(await lab.run('hostA', 'zpool', ['import'])).toEqual({ code: 1, stdout: '', stderr: 'no pools available to import\n' });
    expect(await lab.run('hostA', 'zpool', ['import', 'zonepool'])).toEqual({
      code: 1, stdout: '',
      stderr: "cannot import 'zonepool': a pool with that name is already created/imported,\nand no additional pools with that name were found\n",
    });
    expect(await lab.run('hostA', 'zpool', ['export', 'zonepool'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(mountPoints('hostA')).toEqual([]);
    expect(events(lab, 'umount')).toHaveLength(4);
    expect(readGroup(lab.lab, 'dc1', 'zpool', 'zonepool')!.hostLock).toBeNull();
  });

  it('imports by the numeric id the listing shows, with the pool name in messages', async () => {
    const id = /^ {4}id: ([0-9]+)$/m.exec((await lab.run('hostA', 'zpool', ['import'])).stdout)![1]!;
    expect(id).toBe(readGroup(lab.lab, 'dc1', 'zpool', 'zonepool')!.id);
    expect(await lab.run('hostA', 'zpool', ['import', id])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(mountPoints('hostA')).toContain('zonepool/zones/web01 /zones/web01');
    expect(events(lab, 'storage.import').at(-1)).toMatchObject({ host: 'hostA', kind: 'zpool', group: 'zonepool' });
    // an imported pool is no longer among the importable ones its id is looked up in
    expect(await lab.run('hostA', 'zpool', ['import', id])).toEqual({ code: 1, stdout: '', stderr: `cannot import '${id}': no such pool available\n` });
    const lock = readGroup(lab.lab, 'dc1', 'zpool', 'zonepool')!.hostLock!;
    crashStorage(lab.env('hostA'));
    expect((await lab.run('hostB', 'zpool', ['import', id])).stderr).toBe(
      "cannot import 'zonepool': pool may be in use from other system, it was last accessed by hostA " +
        `(hostid: 0x84a1b2c0) on ${asctime(lock.at)}use '-f' to import anyway\n`,
    );
    expect((await lab.run('hostB', 'zpool', ['import', '-f', id])).code).toBe(0);
    expect(await lab.run('hostB', 'zpool', ['import', '12345'])).toEqual({ code: 1, stdout: '', stderr: "cannot import '12345': no such pool available\n" });
  });

  it('refuses a pool last used by another host with the S10 text, and -f takes it over', async () => {
    await lab.run('hostA', 'zpool', ['import', 'zonepool']);
    const lock = readGroup(lab.lab, 'dc1', 'zpool', 'zonepool')!.hostLock!;
    crashStorage(lab.env('hostA'));
    expect(await lab.run('hostB', 'zpool', ['import', 'zonepool'])).toEqual({
      code: 1, stdout: '',
      stderr: "cannot import 'zonepool': pool may be in use from other system, it was last accessed by hostA " +
        `(hostid: 0x84a1b2c0) on ${asctime(lock.at)}use '-f' to import anyway\n`,
    });
    expect((await lab.run('hostB', 'zpool', ['import'])).stdout).toContain(
      "status: The pool was last accessed by another system.\naction: The pool can be imported using its name or numeric identifier and\n\tthe '-f' flag.\n",
    );
    expect((await lab.run('hostB', 'zpool', ['import', '-f', 'zonepool'])).code).toBe(0);
    expect(events(lab, 'storage.import').at(-1)).toMatchObject({ host: 'hostB', kind: 'zpool', cleared: 'hostA', forced: true });
    expect(events(lab, 'pr.preempt').at(-1)).toMatchObject({ preemptedHost: 'hostA', group: 'zonepool' });
    expect(writeRefusal(lab.env('hostB'), hostPath(lab.env('hostB'), '/zones/web01/f'))).toBeNull();
    expect(await lab.run('hostA', 'zpool', ['import', 'nopool'])).toEqual({ code: 1, stdout: '', stderr: "cannot import 'nopool': no such pool available\n" });
  });

  it('export stops at a busy dataset unless forced', async () => {
    await lab.run('hostA', 'zpool', ['import', 'zonepool']);
    mkdirOn(lab, 'hostA', '/zones/web01/root/data');
    mkdirOn(lab, 'hostA', '/export/d');
    await lab.run('hostA', 'mount', ['-F', 'lofs', '/export/d', '/zones/web01/root/data']);
    expect(await lab.run('hostA', 'zpool', ['export', 'zonepool'])).toEqual({
      code: 1, stdout: '', stderr: "cannot unmount '/zones/web01': Device busy\n",
    });
    expect(mountPoints('hostA')).toHaveLength(4);
    expect((await lab.run('hostA', 'zpool', ['export', '-f', 'zonepool'])).code).toBe(0);
    expect(await lab.run('hostA', 'zpool', ['export', 'zonepool'])).toEqual({ code: 1, stdout: '', stderr: "cannot open 'zonepool': no such pool\n" });
  });

  it('zpool list prints the S10 columns', async () => {
    expect(await lab.run('hostA', 'zpool', ['list'])).toEqual({ code: 0, stdout: 'no pools available\n', stderr: '' });
    await lab.run('hostA', 'zpool', ['import', 'zonepool']);
    const out = (await lab.run('hostA', 'zpool', ['list'])).stdout;
    const [header, row] = out.split('\n');
    expect(header).toBe('NAME      SIZE  ALLOC   FREE  CAP  HEALTH  ALTROOT');
    expect(row).toMatch(/^zonepool   68G  [ 0-9.]{4}K  68\.0G   0%  ONLINE  -$/);
    expect((await lab.run('hostA', 'zpool', ['list', '-H', '-o', 'name,health'])).stdout).toBe('zonepool\tONLINE\n');
    expect(await lab.run('hostA', 'zpool', ['list', 'other'])).toEqual({ code: 1, stdout: '', stderr: "cannot open 'other': no such pool\n" });
    expect((await lab.run('hostA', 'zpool', ['frob'])).code).toBe(2);
  });

  it('formats numbers as zfs_nicenum does', () => {
    expect([0, 1023, 1024, 1536, 25_690_112, 68 * 2 ** 30, 98.6 * 2 ** 30].map(nicenum))
      .toEqual(['0', '1023', '1K', '1.50K', '24.5M', '68G', '98.6G']);
  });
});

describe('zfs', () => {
  beforeEach(async () => {
    await lab.run('hostA', 'zpool', ['import', 'zonepool']);
  });

  it('lists datasets with the default columns, -H, -o and -t', async () => {
    const out = (await lab.run('hostA', 'zfs', ['list'])).stdout.split('\n');
    expect(out[0]).toBe('NAME                  USED  AVAIL  REFER  MOUNTPOINT');
    expect(out[5]).toMatch(/^zonepool\/zones\/web01  [ 0-9.]{3}K  68\.0G  [ 0-9.]{4}K  \/zones\/web01$/);
    expect(out.slice(1, -1).map((l) => l.split(/ +/).filter((_, i) => i === 0 || i === 4).join(' '))).toEqual([
      'zonepool /zonepool', 'zonepool/data /zonepool/data', 'zonepool/legacyfs legacy',
      'zonepool/zones /zonepool/zones', 'zonepool/zones/web01 /zones/web01',
    ]);
    expect((await lab.run('hostA', 'zfs', ['list', '-H', '-o', 'name,mountpoint', 'zonepool/zones'])).stdout).toBe('zonepool/zones\t/zonepool/zones\n');
    expect((await lab.run('hostA', 'zfs', ['list', '-H', '-o', 'name', '-r', 'zonepool/zones'])).stdout).toBe('zonepool/zones\nzonepool/zones/web01\n');
    expect(await lab.run('hostA', 'zfs', ['list', 'zonepool/nope'])).toEqual({ code: 1, stdout: '', stderr: "cannot open 'zonepool/nope': dataset does not exist\n" });
    expect(await lab.run('hostB', 'zfs', ['list'])).toEqual({ code: 0, stdout: 'no datasets available\n', stderr: '' });
  });

  it('snapshots, rolls back (refusing past newer snapshots without -r) and destroys snapshots', async () => {
    const file = hostPath(lab.env('hostA'), '/zones/web01/state');
    fs.writeFileSync(file, 'one\n');
    expect((await lab.run('hostA', 'zfs', ['snapshot', 'zonepool/zones/web01@s1'])).code).toBe(0);
    fs.writeFileSync(file, 'two\n');
    await lab.run('hostA', 'zfs', ['snapshot', 'zonepool/zones/web01@s2']);
    fs.writeFileSync(file, 'three\n');
    expect(await lab.run('hostA', 'zfs', ['snapshot', 'zonepool/zones/web01@s2'])).toEqual({
      code: 1, stdout: '', stderr: "cannot create snapshot 'zonepool/zones/web01@s2': dataset already exists\n",
    });
    expect((await lab.run('hostA', 'zfs', ['list', '-H', '-t', 'snapshot', '-o', 'name'])).stdout)
      .toBe('zonepool/zones/web01@s1\nzonepool/zones/web01@s2\n');
    expect(await lab.run('hostA', 'zfs', ['rollback', 'zonepool/zones/web01@s1'])).toEqual({
      code: 1, stdout: '',
      stderr: "cannot rollback to 'zonepool/zones/web01@s1': more recent snapshots exist\n" +
        "use '-r' to force deletion of the following snapshots:\nzonepool/zones/web01@s2\n",
    });
    expect((await lab.run('hostA', 'zfs', ['rollback', 'zonepool/zones/web01@s2'])).code).toBe(0);
    expect(fs.readFileSync(file, 'utf8')).toBe('two\n');
    expect((await lab.run('hostA', 'zfs', ['rollback', '-r', 'zonepool/zones/web01@s1'])).code).toBe(0);
    expect(fs.readFileSync(file, 'utf8')).toBe('one\n');
    expect(Object.keys(readGroup(lab.lab, 'dc1', 'zpool', 'zonepool')!.snapshots)).toEqual(['zonepool/zones/web01@s1']);
    expect((await lab.run('hostA', 'zfs', ['destroy', 'zonepool/zones/web01@s1'])).code).toBe(0);
    expect(await lab.run('hostA', 'zfs', ['destroy', 'zonepool/zones/web01@s1'])).toEqual({
      code: 1, stdout: '', stderr: 'could not find any snapshots to destroy; check snapshot names.\n',
    });
  });

  it('clones a snapshot (mounted at its inherited mountpoint) and guards dependents on destroy', async () => {
    fs.writeFileSync(hostPath(lab.env('hostA'), '/zones/web01/state'), 'snap\n');
    await lab.run('hostA', 'zfs', ['snapshot', 'zonepool/zones/web01@drill']);
    expect((await lab.run('hostA', 'zfs', ['clone', 'zonepool/zones/web01@drill', 'zonepool/zones/web01drill'])).code).toBe(0);
    expect(fs.readFileSync(hostPath(lab.env('hostA'), '/zonepool/zones/web01drill/state'), 'utf8')).toBe('snap\n');
    expect((await lab.run('hostA', 'zfs', ['get', '-H', '-o', 'value', 'origin', 'zonepool/zones/web01drill'])).stdout).toBe('zonepool/zones/web01@drill\n');
    expect(await lab.run('hostA', 'zfs', ['clone', 'zonepool/zones/web01@drill', 'zonepool/no/such'])).toEqual({
      code: 1, stdout: '', stderr: "cannot create 'zonepool/no/such': parent does not exist\n",
    });
    expect(await lab.run('hostA', 'zfs', ['destroy', 'zonepool/zones/web01@drill'])).toEqual({
      code: 1, stdout: '',
      stderr: "cannot destroy 'zonepool/zones/web01@drill': snapshot has dependent clones\nuse '-R' to destroy the following datasets:\nzonepool/zones/web01drill\n",
    });
    expect(await lab.run('hostA', 'zfs', ['destroy', 'zonepool/zones'])).toEqual({
      code: 1, stdout: '',
      stderr: "cannot destroy 'zonepool/zones': filesystem has children\nuse '-r' to destroy the following datasets:\n" +
        'zonepool/zones/web01\nzonepool/zones/web01@drill\nzonepool/zones/web01drill\n',
    });
    expect(await lab.run('hostA', 'zfs', ['destroy', 'zonepool'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/operation does not apply to pools/) });
    expect((await lab.run('hostA', 'zfs', ['destroy', 'zonepool/zones/web01drill'])).code).toBe(0);
    expect(mountPoints('hostA')).not.toContain('zonepool/zones/web01drill /zonepool/zones/web01drill');
    expect((await lab.run('hostA', 'zfs', ['destroy', '-r', 'zonepool/zones'])).code).toBe(0);
    expect(fs.existsSync(datasetDir(lab.lab, 'dc1', 'zonepool', 'zonepool/zones/web01'))).toBe(false);
    expect(mountPoints('hostA')).toEqual(['zonepool /zonepool', 'zonepool/data /zonepool/data']);
  });

  it('gets and sets mountpoint, moving the mount and going legacy', async () => {
    expect((await lab.run('hostA', 'zfs', ['get', 'mountpoint', 'zonepool/data', 'zonepool/zones/web01'])).stdout).toBe(
      'NAME                  PROPERTY    VALUE           SOURCE\n' +
      'zonepool/data         mountpoint  /zonepool/data  default\n' +
      'zonepool/zones/web01  mountpoint  /zones/web01    local\n',
    );
    expect((await lab.run('hostA', 'zfs', ['set', 'mountpoint=/srv', 'zonepool'])).code).toBe(0);
    expect(mountPoints('hostA')).toEqual([
      'zonepool/zones/web01 /zones/web01', 'zonepool /srv', 'zonepool/data /srv/data', 'zonepool/zones /srv/zones',
    ]);
    expect((await lab.run('hostA', 'zfs', ['get', '-H', 'mountpoint', 'zonepool/data'])).stdout).toBe('zonepool/data\tmountpoint\t/srv/data\tinherited from zonepool\n');
    expect((await lab.run('hostA', 'zfs', ['set', 'mountpoint=legacy', 'zonepool/data'])).code).toBe(0);
    expect(mountPoints('hostA')).not.toContain('zonepool/data /srv/data');
    expect(await lab.run('hostA', 'zfs', ['mount', 'zonepool/data'])).toEqual({
      code: 1, stdout: '', stderr: "cannot mount 'zonepool/data': legacy mountpoint\nuse mount(1M) to mount this filesystem\n",
    });
    expect(await lab.run('hostA', 'zfs', ['set', 'mountpoint=relative', 'zonepool/data'])).toEqual({
      code: 1, stdout: '', stderr: "cannot set property for 'zonepool/data': 'mountpoint' must be an absolute path, 'none', or 'legacy'\n",
    });
    expect((await lab.run('hostA', 'zfs', ['set', 'used=1', 'zonepool/data'])).stderr).toBe("cannot set property for 'zonepool/data': 'used' is readonly\n");
  });

  it('mounts and unmounts by dataset or mount point', async () => {
    expect(await lab.run('hostA', 'zfs', ['unmount', 'zonepool/zones/web01'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await lab.run('hostA', 'zfs', ['unmount', 'zonepool/zones/web01'])).toEqual({
      code: 1, stdout: '', stderr: "cannot unmount 'zonepool/zones/web01': not currently mounted\n",
    });
    expect((await lab.run('hostA', 'zfs', ['mount', 'zonepool/zones/web01'])).code).toBe(0);
    expect(await lab.run('hostA', 'zfs', ['mount', 'zonepool/zones/web01'])).toEqual({
      code: 1, stdout: '', stderr: "cannot mount 'zonepool/zones/web01': filesystem already mounted\n",
    });
    expect((await lab.run('hostA', 'zfs', ['mount'])).stdout).toContain(`${'zonepool/zones/web01'.padEnd(30)}  /zones/web01\n`);
    expect((await lab.run('hostA', 'zfs', ['umount', '/zones/web01'])).code).toBe(0);
    expect((await lab.run('hostA', 'zfs', ['mount', '-a'])).code).toBe(0);
    expect(mountPoints('hostA')).toContain('zonepool/zones/web01 /zones/web01');
    expect((await lab.run('hostA', 'zfs', ['bogus'])).code).toBe(2);
  });

  it('suspends pool I/O for a host whose key was preempted', async () => {
    await lab.run('hostB', 'zpool', ['import', '-f', 'zonepool']);
    expect(await lab.run('hostA', 'zfs', ['snapshot', 'zonepool/data@x'])).toEqual({
      code: 1, stdout: '', stderr: "cannot create snapshot 'zonepool/data': pool I/O is currently suspended\n",
    });
    expect((await lab.run('hostA', 'zpool', ['list', '-H', '-o', 'health'])).stdout).toBe('UNAVAIL\n');
    const file = path.join(datasetDir(lab.lab, 'dc1', 'zonepool', 'zonepool/data'), 'records.log');
    expect(writeRefusal(lab.env('hostA'), file)).toBe('reservation conflict: key of hostA was preempted by hostB');
  });
});
