import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scriptedContext } from '../../test/support/op-test-context.js';
import { failure } from '../../test/support/rejections.js';
import type { ScriptedReply } from '../../test/support/scripted-runner.js';
import { transcript } from '../../test/support/transcripts.js';
import { deportStorage, importStorage, listMounts, mountFs, unmountFs } from './storage-ops.js';

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'storage-ops-'));
  fs.mkdirSync(path.join(root, 'etc'));
  fs.writeFileSync(path.join(root, 'etc/mnttab'), transcript('mnttab.txt'));
  fs.writeFileSync(path.join(root, 'etc/vfstab'), transcript('vfstab.txt'));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const context = (replies: ScriptedReply[], dryRun = false) => scriptedContext(replies, { fsRoot: root, dryRun });

const vxdgList = (stdout: string): ScriptedReply => ({ command: 'vxdg', args: ['list'], stdout });
const NO_GROUPS = transcript('vxdg-list-empty.txt');
const DBDG_WEBDG = transcript('vxdg-list.txt');

const codeOf = (p: Promise<unknown>) => failure<{ code: string; message: string; details: { commands?: unknown[] } }>(p);

describe('importStorage', () => {
  it('rejects a bad name or kind before running anything', async () => {
    const { ctx, runner } = context([]);
    expect((await codeOf(importStorage(ctx, { kind: 'vxdg', group: '-C', clearForeignLock: false, temporary: false }))).code).toBe('INVALID_ARGUMENT');
    expect((await codeOf(importStorage(ctx, { kind: 'zpool', group: 'mirror', clearForeignLock: false, temporary: false }))).code).toBe('INVALID_ARGUMENT');
    expect((await codeOf(importStorage(ctx, { kind: 'metaset' as 'vxdg', group: 'x', clearForeignLock: false, temporary: false }))).code).toBe('INVALID_ARGUMENT');
    expect(runner.calls).toEqual([]);
  });

  it('is "already imported" when vxdg list shows the group enabled', async () => {
    const { ctx, runner } = context([vxdgList(DBDG_WEBDG)]);
    expect(await importStorage(ctx, { kind: 'vxdg', group: 'dbdg', clearForeignLock: false, temporary: true })).toEqual({ outcome: 'already imported', changed: false });
    expect(runner.commandLines).toEqual(['vxdg list']);
  });

  it('imports with -t, and -C only when asked to clear the lock', async () => {
    const { ctx, runner } = context([vxdgList(NO_GROUPS), { command: 'vxdg', args: ['-t', 'import', 'dbdg'] }]);
    expect(await importStorage(ctx, { kind: 'vxdg', group: 'dbdg', clearForeignLock: false, temporary: true })).toEqual({ outcome: 'imported', changed: true });
    expect(runner.commandLines).toEqual(['vxdg list', 'vxdg -t import dbdg']);
    expect(ctx.commands).toHaveLength(2);

    const c = context([vxdgList(NO_GROUPS), { command: 'vxdg', args: ['-C', 'import', 'dbdg'] }]);
    await importStorage(c.ctx, { kind: 'vxdg', group: 'dbdg', clearForeignLock: true, temporary: false });
    expect(c.runner.commandLines).toEqual(['vxdg list', 'vxdg -C import dbdg']);
  });

  it('refuses with STORAGE_HELD_ELSEWHERE when another host holds the lock, carrying stderr and the commands', async () => {
    const { ctx } = context([vxdgList(NO_GROUPS), { command: 'vxdg', exitCode: 1, stderr: transcript('vxdg-import-in-use.txt') }]);
    const err = await codeOf(importStorage(ctx, { kind: 'vxdg', group: 'dbdg', clearForeignLock: false, temporary: false }));
    expect(err.code).toBe('STORAGE_HELD_ELSEWHERE');
    expect(err.message).toContain('Disk is in use by another host');
    expect(err.details.commands).toHaveLength(2);
  });

  it('names the holder host when zpool does', async () => {
    const { ctx, runner } = context([
      { command: 'zpool', args: ['list'], stdout: transcript('zpool-list-none.txt') },
      { command: 'zpool', args: ['import', 'zpool1'], exitCode: 1, stderr: transcript('zpool-import-in-use.txt') },
    ]);
    const err = await codeOf(importStorage(ctx, { kind: 'zpool', group: 'zpool1', clearForeignLock: false, temporary: false }));
    expect(err.code).toBe('STORAGE_HELD_ELSEWHERE');
    expect(err.message).toMatch(/host hostB.*last accessed by hostB/s);
    expect(runner.commandLines).toEqual(['zpool list', 'zpool import zpool1']);
  });

  it('refuses a write-disabled replica until it is failed over', async () => {
    const { ctx } = context([vxdgList(NO_GROUPS), { command: 'vxdg', exitCode: 1, stderr: transcript('vxdg-import-write-disabled.txt') }]);
    const err = await codeOf(importStorage(ctx, { kind: 'vxdg', group: 'webdg', clearForeignLock: true, temporary: false }));
    expect(err.code).toBe('PRECONDITION_FAILED');
    expect(err.message).toContain('must be failed over first');
    expect(err.message).toContain('write-disabled');
  });

  it('refuses a group this host sees disabled (taken by another host) without importing', async () => {
    const { ctx, runner } = context([vxdgList('NAME STATE ID\ndbdg disabled 1.2.hostA\n')]);
    const err = await codeOf(importStorage(ctx, { kind: 'vxdg', group: 'dbdg', clearForeignLock: true, temporary: false }));
    expect(err.code).toBe('STORAGE_HELD_ELSEWHERE');
    expect(err.message).toContain('disabled');
    expect(runner.commandLines).toEqual(['vxdg list']);
  });

  it('reads a concurrent import ("exists and is imported") as already imported', async () => {
    const stderr = 'VxVM vxdg ERROR V-5-1-10978 Disk group dbdg: import failed:\nDisk group exists and is imported\n';
    const { ctx } = context([vxdgList(NO_GROUPS), { command: 'vxdg', exitCode: 1, stderr }]);
    expect(await importStorage(ctx, { kind: 'vxdg', group: 'dbdg', clearForeignLock: false, temporary: false })).toEqual({ outcome: 'already imported', changed: false });
  });

  it('maps a hung import to COMMAND_TIMEOUT and a missing group to GROUP_NOT_FOUND', async () => {
    const hung = context([vxdgList(NO_GROUPS), { command: 'vxdg', timedOut: true }]);
    expect((await codeOf(importStorage(hung.ctx, { kind: 'vxdg', group: 'dbdg', clearForeignLock: false, temporary: false }))).code).toBe('COMMAND_TIMEOUT');
    const missing = context([vxdgList(NO_GROUPS), { command: 'vxdg', exitCode: 1, stderr: transcript('vxdg-import-not-found-5.0.reference.txt') }]);
    expect((await codeOf(importStorage(missing.ctx, { kind: 'vxdg', group: 'dbdg', clearForeignLock: false, temporary: false }))).code).toBe('GROUP_NOT_FOUND');
  });

  it('on dry run reads the state and plans the import without running it', async () => {
    const { ctx, runner } = context([vxdgList(NO_GROUPS)], true);
    expect(await importStorage(ctx, { kind: 'vxdg', group: 'dbdg', clearForeignLock: true, temporary: true })).toEqual({ outcome: 'would import', changed: false });
    expect(runner.commandLines).toEqual(['vxdg list']);
    expect(ctx.commands.map((c) => [c.argv.join(' '), c.planned])).toEqual([['/usr/sbin/vxdg list', false], ['/usr/sbin/vxdg -C -t import dbdg', true]]);
  });
});

describe('deportStorage', () => {
  it('is "already deported" when the group is not imported here', async () => {
    const { ctx, runner } = context([vxdgList(NO_GROUPS)]);
    expect(await deportStorage(ctx, { kind: 'vxdg', group: 'dbdg' })).toEqual({ outcome: 'already deported', changed: false });
    expect(runner.commandLines).toEqual(['vxdg list']);
  });

  it('deports, and refuses with STORAGE_BUSY while volumes are mounted', async () => {
    const ok = context([vxdgList(DBDG_WEBDG), { command: 'vxdg', args: ['deport', 'dbdg'] }]);
    expect(await deportStorage(ok.ctx, { kind: 'vxdg', group: 'dbdg' })).toEqual({ outcome: 'deported', changed: true });
    expect(ok.runner.commandLines).toEqual(['vxdg list', 'vxdg deport dbdg']);

    const busy = context([vxdgList(DBDG_WEBDG), { command: 'vxdg', args: ['deport', 'webdg'], exitCode: 1, stderr: transcript('vxdg-deport-volumes-in-use.txt') }]);
    const err = await codeOf(deportStorage(busy.ctx, { kind: 'vxdg', group: 'webdg' }));
    expect(err.code).toBe('STORAGE_BUSY');
    expect(err.message).toContain('Some volumes in the disk group are in use');
  });

  it('exports a pool, reads a concurrent export as already deported', async () => {
    const list = { command: 'zpool' as const, args: ['list'], stdout: transcript('zpool-list.txt') };
    const ok = context([list, { command: 'zpool', args: ['export', 'zpool1'] }]);
    expect(await deportStorage(ok.ctx, { kind: 'zpool', group: 'zpool1' })).toEqual({ outcome: 'deported', changed: true });
    const raced = context([list, { command: 'zpool', args: ['export', 'zpool1'], exitCode: 1, stderr: "cannot open 'zpool1': no such pool\n" }]);
    expect(await deportStorage(raced.ctx, { kind: 'zpool', group: 'zpool1' })).toEqual({ outcome: 'already deported', changed: false });
  });

  it('on dry run plans the deport only', async () => {
    const { ctx, runner } = context([vxdgList(DBDG_WEBDG)], true);
    expect(await deportStorage(ctx, { kind: 'vxdg', group: 'dbdg' })).toEqual({ outcome: 'would deport', changed: false });
    expect(runner.commandLines).toEqual(['vxdg list']);
    expect(ctx.commands[1]).toMatchObject({ planned: true, argv: ['/usr/sbin/vxdg', 'deport', 'dbdg'] });
  });
});

describe('mountFs', () => {
  const dbVol = '/dev/vx/dsk/dbdg/datavol';

  it('is "already mounted" when mnttab shows the same special there (nothing run)', async () => {
    const { ctx, runner } = context([]);
    expect(await mountFs(ctx, { special: dbVol, mountPoint: '/data/db01', fstype: 'vxfs', options: [] })).toEqual({ outcome: 'already mounted', changed: false });
    expect(await mountFs(ctx, { mountPoint: '/data/db01', options: [] })).toEqual({ outcome: 'already mounted', changed: false });
    expect(runner.calls).toEqual([]);
  });

  it('refuses when another special is mounted there', async () => {
    const { ctx, runner } = context([]);
    const err = await codeOf(mountFs(ctx, { special: '/dev/vx/dsk/webdg/datavol', mountPoint: '/data/db01', fstype: 'vxfs', options: [] }));
    expect(err.code).toBe('PRECONDITION_FAILED');
    expect(err.message).toContain(dbVol);
    expect(runner.calls).toEqual([]);
  });

  it('mounts from vfstab with `mount MOUNTPOINT`, or explicitly', async () => {
    fs.writeFileSync(path.join(root, 'etc/mnttab'), transcript('mnttab.txt').split('\n').filter((l) => !l.includes('db01')).join('\n'));
    const fromVfstab = context([{ command: 'mount', args: ['/data/db01'] }]);
    expect(await mountFs(fromVfstab.ctx, { mountPoint: '/data/db01', options: [] })).toEqual({ outcome: 'mounted', changed: true });
    expect(fromVfstab.runner.commandLines).toEqual(['mount /data/db01']);

    const explicit = context([{ command: 'mount' }]);
    await mountFs(explicit.ctx, { special: dbVol, mountPoint: '/data/db01', fstype: 'vxfs', options: ['largefiles', 'ioerror=mwdisable'] });
    expect(explicit.runner.commandLines).toEqual([`mount -F vxfs -o largefiles,ioerror=mwdisable ${dbVol} /data/db01`]);
  });

  it('refuses `mount MOUNTPOINT` without a vfstab entry, before running anything', async () => {
    const { ctx, runner } = context([]);
    const err = await codeOf(mountFs(ctx, { mountPoint: '/data/none', options: [] }));
    expect(err.code).toBe('PRECONDITION_FAILED');
    expect(err.message).toContain('/etc/vfstab');
    expect(runner.calls).toEqual([]);
  });

  it('carries mount\'s stderr in the error: device missing when the group is not imported', async () => {
    fs.writeFileSync(path.join(root, 'etc/mnttab'), '');
    const { ctx } = context([{ command: 'mount', exitCode: 32, stderr: transcript('mount-no-such-device.txt') }]);
    const err = await codeOf(mountFs(ctx, { mountPoint: '/data/db01', options: [] }));
    expect(err.code).toBe('PRECONDITION_FAILED');
    expect(err.message).toContain('mount: /dev/vx/dsk/dbdg/datavol no such device');
  });

  it('validates paths, type and options', async () => {
    const { ctx, runner } = context([]);
    for (const req of [
      { mountPoint: 'data/db01', options: [] },
      { mountPoint: '/data/../etc', options: [] },
      { special: dbVol, mountPoint: '/data/db01', fstype: 'vx fs', options: [] },
      { special: dbVol, mountPoint: '/data/db01', options: ['ro,nosuid'] },
      { special: 'dbdg/datavol', mountPoint: '/data/db01', fstype: 'vxfs', options: [] },
      { mountPoint: '/data/db01', fstype: 'vxfs', options: [] },
    ]) {
      expect((await codeOf(mountFs(ctx, req))).code).toBe('INVALID_ARGUMENT');
    }
    expect(runner.calls).toEqual([]);
  });

  it('on dry run plans the mount only', async () => {
    fs.writeFileSync(path.join(root, 'etc/mnttab'), '');
    const { ctx, runner } = context([], true);
    expect(await mountFs(ctx, { mountPoint: '/data/db01', options: [] })).toEqual({ outcome: 'would mount', changed: false });
    expect(runner.calls).toEqual([]);
    expect(ctx.commands).toEqual([expect.objectContaining({ planned: true, argv: ['/usr/sbin/mount', '/data/db01'] })]);
  });
});

describe('unmountFs', () => {
  it('is "already unmounted" when nothing is mounted there', async () => {
    const { ctx, runner } = context([]);
    expect(await unmountFs(ctx, { mountPoint: '/data/db02', force: false })).toEqual({ outcome: 'already unmounted', changed: false });
    expect(runner.calls).toEqual([]);
  });

  it('refuses while a zone loops the file system back, naming the mount, before running umount', async () => {
    const { ctx, runner } = context([]);
    const err = await codeOf(unmountFs(ctx, { mountPoint: '/data/db01', force: false }));
    expect(err.code).toBe('STORAGE_BUSY');
    expect(err.message).toContain('/zones/db01/root/data');
    expect(runner.calls).toEqual([]);
  });

  it('unmounts; with force runs umount -f even with dependants', async () => {
    const ok = context([{ command: 'umount', args: ['/data/web01'] }]);
    fs.writeFileSync(path.join(root, 'etc/mnttab'), transcript('mnttab.txt').split('\n').filter((l) => !l.includes('root/data')).join('\n'));
    expect(await unmountFs(ok.ctx, { mountPoint: '/data/web01', force: false })).toEqual({ outcome: 'unmounted', changed: true });
    const forced = context([{ command: 'umount', args: ['-f', '/export/zones'] }]);
    expect(await unmountFs(forced.ctx, { mountPoint: '/export/zones', force: true })).toEqual({ outcome: 'unmounted', changed: true });
  });

  it('maps "busy" to STORAGE_BUSY and a raced "not mounted" to already unmounted', async () => {
    fs.writeFileSync(path.join(root, 'etc/mnttab'), '/dev/vx/dsk/dbdg/datavol\t/data/db01\tvxfs\trw\t1\n');
    const busy = context([{ command: 'umount', exitCode: 1, stderr: transcript('umount-busy.reference.txt') }]);
    const err = await codeOf(unmountFs(busy.ctx, { mountPoint: '/data/db01', force: false }));
    expect(err.code).toBe('STORAGE_BUSY');
    expect(err.message).toContain('umount: /data/db01 busy');
    const raced = context([{ command: 'umount', exitCode: 1, stderr: 'umount: /data/db01 not mounted\n' }]);
    expect(await unmountFs(raced.ctx, { mountPoint: '/data/db01', force: false })).toEqual({ outcome: 'already unmounted', changed: false });
  });

  it('on dry run plans the umount only', async () => {
    fs.writeFileSync(path.join(root, 'etc/mnttab'), '/dev/vx/dsk/dbdg/datavol\t/data/db01\tvxfs\trw\t1\n');
    const { ctx, runner } = context([], true);
    expect(await unmountFs(ctx, { mountPoint: '/data/db01', force: false })).toEqual({ outcome: 'would unmount', changed: false });
    expect(runner.calls).toEqual([]);
    expect(ctx.commands[0]).toMatchObject({ planned: true, argv: ['/usr/sbin/umount', '/data/db01'] });
  });
});

describe('listMounts', () => {
  it('parses /etc/mnttab under the file-system root', async () => {
    const { ctx } = context([]);
    const mounts = await listMounts(ctx);
    expect(mounts).toHaveLength(7);
    expect(mounts[0]).toMatchObject({ special: '/dev/dsk/c0t0d0s0', mountPoint: '/', fstype: 'ufs' });
  });

  it('fails with PRECONDITION_FAILED when mnttab cannot be read', async () => {
    fs.rmSync(path.join(root, 'etc/mnttab'));
    const { ctx } = context([]);
    expect((await codeOf(listMounts(ctx))).code).toBe('PRECONDITION_FAILED');
  });
});
