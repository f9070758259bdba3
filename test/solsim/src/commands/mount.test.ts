import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SimLab } from '../testing/sim-lab.js';
import { hostPath } from '../env.js';
import { createLocalSlice } from '../state/devices.js';
import { readHostConfig, writeHostConfig } from '../state/host-config.js';
import { readMnttab } from '../state/mounts.js';
import { defineDiskGroup, defineZpool, volumeDir } from '../state/san-setup.js';
import { addVfstabEntry } from '../state/vfstab.js';
import { capacity } from './df.js';
import { flags } from './mount.js';
import { cftime } from './solaris-time.js';
import { events, mkdirOn, storageLab, writeOn } from './storage-test-lab.js';

let lab: SimLab;

beforeEach(async () => {
  lab = storageLab();
  defineDiskGroup(lab.lab, 'dc1', { name: 'dbdg', volumes: ['datavol', { name: 'ufsvol', fstype: 'ufs' }] });
  await lab.run('hostA', 'vxdg', ['import', 'dbdg']);
  mkdirOn(lab, 'hostA', '/data/db');
});
afterEach(() => lab.cleanup());

const USAGE =
  'Usage:\nmount [-v | -p]\n' +
  'mount [-F FSType] [-V] [current_options] [-o specific_options]\n\t{special | mount_point}\n' +
  'mount [-F FSType] [-V] [current_options] [-o specific_options]\n\tspecial mount_point\n' +
  'mount -a [-F FSType ] [-V] [current_options] [-o specific_options]\n\t[mount_point ...]\n';

describe('mount listings', () => {
  it('prints mnttab in the plain, -v and -p formats', async () => {
    await lab.run('hostA', 'mount', ['-F', 'vxfs', '/dev/vx/dsk/dbdg/datavol', '/data/db']);
    const [root, vol] = readMnttab(lab.env('hostA'));
    const t = (s: number) => cftime(s * 1000);
    const volOpts = vol!.options;
    expect(volOpts).toMatch(/^rw,suid,delaylog,largefiles,ioerror=mwdisable,dev=[0-9a-f]+$/);
    const dev = volOpts.slice(volOpts.indexOf('dev='));
    expect((await lab.run('hostA', 'mount', [])).stdout).toBe(
      `/ on /dev/dsk/c0t0d0s0 read/write/setuid/devices/intr/largefiles/logging/xattr/onerror=panic/dev=800010 on ${t(root!.time)}\n` +
      `/data/db on /dev/vx/dsk/dbdg/datavol read/write/setuid/devices/delaylog/largefiles/ioerror=mwdisable/${dev} on ${t(vol!.time)}\n`,
    );
    expect((await lab.run('hostA', 'mount', ['-v'])).stdout).toBe(
      `/dev/dsk/c0t0d0s0 on / type ufs read/write/setuid/devices/intr/largefiles/logging/xattr/onerror=panic/dev=800010 on ${t(root!.time)}\n` +
      `/dev/vx/dsk/dbdg/datavol on /data/db type vxfs read/write/setuid/devices/delaylog/largefiles/ioerror=mwdisable/${dev} on ${t(vol!.time)}\n`,
    );
    expect((await lab.run('hostA', 'mount', ['-p'])).stdout).toBe(
      '/dev/dsk/c0t0d0s0 - / ufs - no rw,intr,largefiles,logging,xattr,onerror=panic\n' +
      '/dev/vx/dsk/dbdg/datavol - /data/db vxfs - no rw,suid,delaylog,largefiles,ioerror=mwdisable\n',
    );
    expect(cftime(new Date(2025, 2, 4, 9, 5, 7).getTime())).toBe('Tue Mar  4 09:05:07 2025');
  });

  it('turns options into the listing form as mount.c flags() does', () => {
    expect(flags('ro,nosuid,logging', false)).toBe('read only/nosetuid/nodevices/logging');
    expect(flags('ro,nodevices', true)).toBe('read-only/setuid/nodevices');
    expect(flags('', false)).toBe('read/write/setuid/devices');
  });

  it('prints usage for bad combinations', async () => {
    expect(await lab.run('hostA', 'mount', ['-F', 'ufs'])).toEqual({ code: 1, stdout: '', stderr: USAGE });
    expect(await lab.run('hostA', 'mount', ['-p', '-v'])).toEqual({
      code: 1, stdout: '', stderr: 'mount: -a, -p, and -v are mutually exclusive\n' + USAGE,
    });
    expect(await lab.run('hostA', 'mount', ['-p', '/data/db'])).toEqual({
      code: 1, stdout: '', stderr: 'mount: Cannot use -p and -v with arguments\n' + USAGE,
    });
    expect((await lab.run('hostA', 'mount', ['a', 'b', 'c'])).stderr).toBe(USAGE);
    expect((await lab.run('hostA', 'mount', ['-F', 'ufs', '-F', 'vxfs', 'a', 'b'])).stderr)
      .toBe('mount: More than one FSType specified\n' + USAGE);
    expect((await lab.run('hostA', 'mount', ['-k'])).stderr).toBe('mount: illegal option -- k\n' + USAGE);
  });
});

describe('mounting', () => {
  it('mounts a volume of an imported group and shows its content', async () => {
    fs.writeFileSync(path.join(volumeDir(lab.lab, 'dc1', 'dbdg', 'datavol'), 'hello'), 'hi\n');
    expect(await lab.run('hostA', 'mount', ['-F', 'vxfs', '/dev/vx/dsk/dbdg/datavol', '/data/db/'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(fs.readFileSync(hostPath(lab.env('hostA'), '/data/db/hello'), 'utf8')).toBe('hi\n');
    expect(events(lab, 'mount')).toMatchObject([{ host: 'hostA', special: '/dev/vx/dsk/dbdg/datavol', mountPoint: '/data/db', fstype: 'vxfs' }]);
    expect(await lab.run('hostA', 'mount', ['-F', 'vxfs', '/dev/vx/dsk/dbdg/datavol', '/data/db'])).toEqual({
      code: 32, stdout: '', stderr: 'mount: /dev/vx/dsk/dbdg/datavol is already mounted or /data/db is busy\n',
    });
  });

  it('refuses devices this host cannot open', async () => {
    mkdirOn(lab, 'hostB', '/data/db');
    expect(await lab.run('hostB', 'mount', ['-F', 'vxfs', '/dev/vx/dsk/dbdg/datavol', '/data/db'])).toEqual({
      code: 32, stdout: '', stderr: 'mount: /dev/vx/dsk/dbdg/datavol no such device\n',
    });
    expect((await lab.run('hostA', 'mount', ['-F', 'vxfs', '/dev/vx/dsk/dbdg/novol', '/data/db'])).stderr)
      .toBe('mount: /dev/vx/dsk/dbdg/novol no such device\n');
    // Without -F the local default (ufs) applies, and the vxfs volume is not ufs.
    expect(await lab.run('hostA', 'mount', ['/dev/vx/dsk/dbdg/datavol', '/data/db'])).toEqual({
      code: 32, stdout: '', stderr: 'mount: /dev/vx/dsk/dbdg/datavol is not this fstype\n',
    });
    expect((await lab.run('hostA', 'mount', ['/dev/vx/dsk/dbdg/ufsvol', '/data/db'])).code).toBe(0);
    expect(await lab.run('hostA', 'mount', ['-F', 'vxfs', '/dev/vx/dsk/dbdg/datavol', '/nowhere'])).toEqual({
      code: 1, stdout: '', stderr: 'mount: Mount point /nowhere does not exist.\n',
    });
    expect(await lab.run('hostA', 'mount', ['-F', 'nfs', 'server:/x', '/data'])).toEqual({
      code: 1, stdout: '', stderr: 'mount: Operation not applicable to FSType nfs\n',
    });
  });

  it('completes a single argument from vfstab, by mount point or by device', async () => {
    addVfstabEntry(lab.env('hostA'), {
      special: '/dev/vx/dsk/dbdg/datavol', fsckDevice: '/dev/vx/rdsk/dbdg/datavol', mountPoint: '/data/db',
      fstype: 'vxfs', fsckPass: '3', atBoot: 'no', options: 'largefiles,noatime',
    });
    expect((await lab.run('hostA', 'mount', ['/data/db'])).code).toBe(0);
    expect(readMnttab(lab.env('hostA'))[1]).toMatchObject({ fstype: 'vxfs', options: expect.stringMatching(/largefiles,ioerror=mwdisable,noatime,dev=/) });
    await lab.run('hostA', 'umount', ['/data/db']);
    expect((await lab.run('hostA', 'mount', ['/dev/vx/dsk/dbdg/datavol'])).code).toBe(0);
    expect(readMnttab(lab.env('hostA')).map((e) => e.mountPoint)).toEqual(['/', '/data/db']);
  });

  it('explains single arguments it cannot complete', async () => {
    expect(await lab.run('hostA', 'mount', ['/nosuch'])).toEqual({ code: 2, stdout: '', stderr: 'mount: cannot stat /nosuch\n' });
    expect(await lab.run('hostA', 'mount', ['/data/db'])).toEqual({ code: 1, stdout: '', stderr: 'mount: special cannot be determined\n' });
    expect(await lab.run('hostA', 'mount', ['/dev/dsk/c1t0d0s0'])).toEqual({ code: 1, stdout: '', stderr: 'mount: mount point cannot be determined\n' });
    fs.rmSync(hostPath(lab.env('hostA'), '/etc/vfstab'));
    expect(await lab.run('hostA', 'mount', ['/data/db'])).toEqual({ code: 1, stdout: '', stderr: 'mount: Cannot open /etc/vfstab\n' });
  });

  it('prints vfstab warnings while looking up', async () => {
    fs.appendFileSync(hostPath(lab.env('hostA'), '/etc/vfstab'), '/dev/dsk/c9t9d9s9 - /broken ufs\n');
    expect((await lab.run('hostA', 'mount', ['/data/db'])).stderr).toBe(
      'mount: Warning: Line for "/dev/dsk/c9t9d9s9" in vfstab has too few entries\nmount: special cannot be determined\n',
    );
  });

  it('loops a directory back and a local slice in; mount -a mounts the boot entries', async () => {
    writeOn(lab, 'hostA', '/export/share/file', 'shared\n');
    mkdirOn(lab, 'hostA', '/zones/z1/root/share');
    expect((await lab.run('hostA', 'mount', ['-F', 'lofs', '-o', 'ro', '/export/share', '/zones/z1/root/share'])).code).toBe(0);
    expect(fs.readFileSync(hostPath(lab.env('hostA'), '/zones/z1/root/share/file'), 'utf8')).toBe('shared\n');
    expect(readMnttab(lab.env('hostA'))[1]!.options).toMatch(/^ro,dev=/);
    expect(await lab.run('hostA', 'mount', ['-F', 'lofs', '/export/none', '/data/db'])).toEqual({
      code: 32, stdout: '', stderr: 'mount: /export/none or /data/db, no such file or directory\n',
    });
    createLocalSlice(lab.env('hostA'), 'c1t1d0s6');
    mkdirOn(lab, 'hostA', '/local');
    addVfstabEntry(lab.env('hostA'), {
      special: '/dev/dsk/c1t1d0s6', fsckDevice: '/dev/rdsk/c1t1d0s6', mountPoint: '/local', fstype: 'ufs', fsckPass: '2', atBoot: 'yes', options: '-',
    });
    expect((await lab.run('hostA', 'mount', ['-a'])).code).toBe(0);
    expect(readMnttab(lab.env('hostA')).map((e) => `${e.special} ${e.mountPoint}`)).toContain('/dev/dsk/c1t1d0s6 /local');
    expect(await lab.run('hostA', 'mount', ['-a', '/missing'])).toEqual({
      code: 1, stdout: '', stderr: 'mount: Warning: /missing not found in /etc/vfstab\n',
    });
  });

  it('mounts zfs legacy datasets only, with the zfs helper message otherwise', async () => {
    defineZpool(lab.lab, 'dc1', { name: 'zp', datasets: [{ name: 'legacyfs', mountpoint: 'legacy' }, { name: 'auto' }] });
    expect(await lab.run('hostA', 'mount', ['-F', 'zfs', 'zp/legacyfs', '/data/db'])).toEqual({
      code: 1, stdout: '', stderr: "cannot open 'zp/legacyfs': dataset does not exist\n",
    });
    await lab.run('hostA', 'zpool', ['import', 'zp']);
    expect((await lab.run('hostA', 'mount', ['-F', 'zfs', 'zp/legacyfs', '/data/db'])).code).toBe(0);
    mkdirOn(lab, 'hostA', '/mnt');
    expect(await lab.run('hostA', 'mount', ['-F', 'zfs', 'zp/auto', '/mnt'])).toEqual({
      code: 1, stdout: '',
      stderr: "filesystem 'zp/auto' cannot be mounted using 'mount -F zfs'\n" +
        "Use 'zfs set mountpoint=/mnt' instead.\n" +
        "If you must use 'mount -F zfs' or /etc/vfstab, use 'zfs set mountpoint=legacy'.\n" +
        'See zfs(1M) for more information.\n',
    });
  });

  it("treats another host's mount left on shared storage as a plain directory", async () => {
    mkdirOn(lab, 'hostA', '/zones/z1');
    await lab.run('hostA', 'mount', ['-F', 'vxfs', '/dev/vx/dsk/dbdg/datavol', '/zones/z1']);
    mkdirOn(lab, 'hostA', '/zones/z1/root/data');
    writeOn(lab, 'hostA', '/export/appdata/x', 'x');
    await lab.run('hostA', 'mount', ['-F', 'lofs', '/export/appdata', '/zones/z1/root/data']);
    // hostA is cut off; hostB takes the group over and mounts it.
    await lab.run('hostB', 'vxdg', ['-C', 'import', 'dbdg']);
    mkdirOn(lab, 'hostB', '/zones/z1');
    await lab.run('hostB', 'mount', ['-F', 'vxfs', '/dev/vx/dsk/dbdg/datavol', '/zones/z1']);
    writeOn(lab, 'hostB', '/export/appdata/y', 'y');
    expect((await lab.run('hostB', 'mount', ['-F', 'lofs', '/export/appdata', '/zones/z1/root/data'])).code).toBe(0);
    expect(fs.readdirSync(hostPath(lab.env('hostB'), '/zones/z1/root/data'))).toEqual(['y']);
  });
});

describe('umount', () => {
  it('unmounts by mount point or device and reports what is not mounted', async () => {
    await lab.run('hostA', 'mount', ['-F', 'vxfs', '/dev/vx/dsk/dbdg/datavol', '/data/db']);
    expect(await lab.run('hostA', 'umount', ['/dev/vx/dsk/dbdg/datavol'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(events(lab, 'umount')).toMatchObject([{ special: '/dev/vx/dsk/dbdg/datavol', mountPoint: '/data/db' }]);
    expect(await lab.run('hostA', 'umount', ['/data/db'])).toEqual({ code: 1, stdout: '', stderr: 'umount: /data/db not mounted\n' });
    expect((await lab.run('hostA', 'umount', [])).stderr).toMatch(/^Usage:\numount \[-f\]/);
  });

  it('umount -a alone unmounts all but /, newest first, and reports the busy ones', async () => {
    mkdirOn(lab, 'hostA', '/zones/z1/root/data');
    mkdirOn(lab, 'hostA', '/export/share');
    mkdirOn(lab, 'hostA', '/zones/z1/root/share');
    await lab.run('hostA', 'mount', ['-F', 'lofs', '/export/share', '/zones/z1/root/share']);
    await lab.run('hostA', 'mount', ['-F', 'vxfs', '/dev/vx/dsk/dbdg/datavol', '/data/db']);
    await lab.run('hostA', 'mount', ['-F', 'lofs', '/data/db', '/zones/z1/root/data']);
    // mounted over /export after the loopback of /export/share: the loopback (older, so
    // unmounted later) still keeps it busy
    await lab.run('hostA', 'mount', ['-F', 'ufs', '/dev/vx/dsk/dbdg/ufsvol', '/export']);
    expect(await lab.run('hostA', 'umount', ['-a'])).toEqual({ code: 1, stdout: '', stderr: 'umount: /export busy\n' });
    expect(events(lab, 'umount').map((e) => e.mountPoint)).toEqual(['/zones/z1/root/data', '/data/db', '/zones/z1/root/share']);
    expect(readMnttab(lab.env('hostA')).map((e) => e.mountPoint)).toEqual(['/', '/export']);
    expect(await lab.run('hostA', 'umount', ['-a'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(readMnttab(lab.env('hostA')).map((e) => e.mountPoint)).toEqual(['/']);
  });

  it('is busy while something is mounted below or looped back, unless forced', async () => {
    await lab.run('hostA', 'mount', ['-F', 'vxfs', '/dev/vx/dsk/dbdg/datavol', '/data/db']);
    mkdirOn(lab, 'hostA', '/data/db/sub');
    mkdirOn(lab, 'hostA', '/zones/z1/root/data');
    await lab.run('hostA', 'mount', ['-F', 'lofs', '/data/db/sub', '/zones/z1/root/data']);
    expect(await lab.run('hostA', 'umount', ['/data/db'])).toEqual({ code: 1, stdout: '', stderr: 'umount: /data/db busy\n' });
    await lab.run('hostA', 'umount', ['/zones/z1/root/data']);
    expect((await lab.run('hostA', 'umount', ['/data/db'])).code).toBe(0);
  });
});

describe('df -k', () => {
  it('prints the Solaris columns from statfs of the real directory', async () => {
    await lab.run('hostA', 'mount', ['-F', 'vxfs', '/dev/vx/dsk/dbdg/datavol', '/data/db']);
    const st = fs.statfsSync(volumeDir(lab.lab, 'dc1', 'dbdg', 'datavol'));
    const kb = (n: number) => Math.floor((n * st.bsize) / 1024);
    const [total, used, avail] = [kb(st.blocks), kb(st.blocks - st.bfree), kb(st.bavail)];
    const header = 'Filesystem            kbytes    used   avail capacity  Mounted on\n';
    // Other tests write to the same disk meanwhile: the layout is exact, the free-space
    // figures only close to what statfs said a moment before.
    const rowOf = (out: string, fsName: string, mp: string) => {
      const line = out.split('\n').find((l) => l.startsWith(fsName.padEnd(20) + ' ') && l.endsWith(` ${mp}`));
      expect(line, `${fsName} row in:\n${out}`).toBeDefined();
      const m = /^(\S+)\s+(\d+) (\s*\d+) (\s*\d+) (\s+\d+%)\s+(\S+)$/.exec(line!);
      expect(m).not.toBeNull();
      const [, , t, u, a, cap] = m!;
      const [tn, un, an] = [t!.trim(), u!.trim(), a!.trim()];
      expect(line).toBe(`${fsName.padEnd(20)} ${tn.padStart(7)} ${un.padStart(7)} ${an.padStart(7)} ${cap!.padEnd(9)} ${mp}`);
      expect(cap!.length).toBe(6);
      expect(Number(t)).toBe(total);
      expect(Math.abs(Number(u) - used)).toBeLessThan(256 * 1024);
      expect(Math.abs(Number(a) - avail)).toBeLessThan(256 * 1024);
      expect(capacity({ used: Number(u), avail: Number(a) })).toBe(cap);
    };
    const one = await lab.run('hostA', 'df', ['-k', '/data/db/']);
    expect(one.code).toBe(0);
    expect(one.stderr).toBe('');
    expect(one.stdout.startsWith(header)).toBe(true);
    expect(one.stdout.split('\n')).toHaveLength(3);
    rowOf(one.stdout, '/dev/vx/dsk/dbdg/datavol', '/data/db');
    const all = (await lab.run('hostA', 'df', ['-k'])).stdout;
    expect(all.split('\n')).toHaveLength(4);
    rowOf(all, '/dev/dsk/c0t0d0s0', '/');
    rowOf(all, '/dev/vx/dsk/dbdg/datavol', '/data/db');
    rowOf((await lab.run('hostA', 'df', ['-k', '/etc'])).stdout, '/dev/dsk/c0t0d0s0', '/');
    rowOf((await lab.run('hostA', 'df', ['-k', '/dev/vx/dsk/dbdg/datavol'])).stdout, '/dev/vx/dsk/dbdg/datavol', '/data/db');
  });

  it('uses the host override for a full disk and rounds capacity up', async () => {
    const env = lab.env('hostA');
    writeHostConfig(env, { ...readHostConfig(env), dfOverrides: { '/': { kbytes: 10327372, availKb: 6100643 } } });
    expect((await lab.run('hostA', 'df', ['-k', '/'])).stdout).toBe(
      'Filesystem            kbytes    used   avail capacity  Mounted on\n' +
      '/dev/dsk/c0t0d0s0    10327372 4226729 6100643    41%    /\n',
    );
    expect(capacity({ used: 0, avail: 0 })).toBe('    0%');
    expect(capacity({ used: 1, avail: 0 })).toBe('  100%');
  });

  it('names paths that are not there, and exits with the error count', async () => {
    expect(await lab.run('hostA', 'df', ['-k', '/nope', '/etc/nothing-here'])).toEqual({
      code: 2, stdout: '',
      stderr: 'df: (/nope     ) not a block device, directory or mounted resource\n' +
        'df: (/etc/nothing-here) not a block device, directory or mounted resource\n',
    });
  });
});
