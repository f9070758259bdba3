// The storage, replication and host-facts ops against the simulated Solaris hosts of a
// bc-dr lab, through the production runner (ExecaRunner) with the command paths
// pointing into test/solsim/bin: the same argv, parsing and classification as on a
// real host, with the formats and refusals the simulator reproduces.
import { describe, expect, it } from 'vitest';
import { labOpContext, useBcDrLab } from '../../test/support/op-test-context.js';
import { failure } from '../../test/support/rejections.js';
import { platformProfileFor } from '../platform/platform-profile.js';
import { getHostFacts } from './host-facts.js';
import type { OpContext } from './op-context.js';
import { replicationAction, queryReplication } from './replication-ops.js';
import { deportStorage, importStorage, listMounts, mountFs, unmountFs } from './storage-ops.js';

const labDir = useBcDrLab('twinzone-storage-lab-', 120_000);

const ctxOn = (host: string, dryRun = false): OpContext =>
  labOpContext(labDir(), host, { platform: platformProfileFor('linux'), dryRun, timeouts: { default: 30_000 } });

describe('storage ops on a bc-dr lab', () => {
  it('moves dbdg from hostA to hostB: refused while in use, then unmount, deport, import, mount', async () => {
    const a = ctxOn('hostA');
    const busy = await failure(deportStorage(a, { kind: 'vxdg', group: 'dbdg' }));
    expect(busy.code).toBe('STORAGE_BUSY');
    expect(busy.message).toContain('Some volumes in the disk group are in use');

    // db01 runs on hostA and loops /data/db01 into itself: unmount refuses without running umount.
    const inUse = await failure(unmountFs(ctxOn('hostA'), { mountPoint: '/data/db01', force: false }));
    expect(inUse.code).toBe('STORAGE_BUSY');
    expect(inUse.message).toContain('/zones/db01/root/data');

    // The zone's own step (another engineer's op) halts it; here the simulator's zoneadm directly.
    const halt = await a.runner.run({ command: 'zoneadm', args: ['-z', 'db01', 'halt'], timeoutMs: 30_000 });
    expect(halt.record.exitCode).toBe(0);

    const dry = ctxOn('hostA', true);
    expect(await unmountFs(dry, { mountPoint: '/data/db01', force: false })).toEqual({ outcome: 'would unmount', changed: false });
    expect((await listMounts(dry)).some((m) => m.mountPoint === '/data/db01')).toBe(true);

    expect(await unmountFs(ctxOn('hostA'), { mountPoint: '/data/db01', force: false })).toEqual({ outcome: 'unmounted', changed: true });
    expect(await unmountFs(ctxOn('hostA'), { mountPoint: '/data/db01', force: false })).toEqual({ outcome: 'already unmounted', changed: false });
    expect(await deportStorage(ctxOn('hostA'), { kind: 'vxdg', group: 'dbdg' })).toEqual({ outcome: 'deported', changed: true });
    expect(await deportStorage(ctxOn('hostA'), { kind: 'vxdg', group: 'dbdg' })).toEqual({ outcome: 'already deported', changed: false });

    const b = ctxOn('hostB');
    expect(await importStorage(b, { kind: 'vxdg', group: 'dbdg', clearForeignLock: false, temporary: true })).toEqual({ outcome: 'imported', changed: true });
    expect(b.commands.map((c) => c.argv.slice(1).join(' '))).toEqual(['list', '-t import dbdg']);
    expect(await importStorage(ctxOn('hostB'), { kind: 'vxdg', group: 'dbdg', clearForeignLock: false, temporary: true })).toEqual({ outcome: 'already imported', changed: false });

    expect(await mountFs(ctxOn('hostB'), { mountPoint: '/data/db01', options: [] })).toEqual({ outcome: 'mounted', changed: true });
    expect(await mountFs(ctxOn('hostB'), { mountPoint: '/data/db01', options: [] })).toEqual({ outcome: 'already mounted', changed: false });
    const mounted = (await listMounts(ctxOn('hostB'))).find((m) => m.mountPoint === '/data/db01');
    expect(mounted).toMatchObject({ special: '/dev/vx/dsk/dbdg/datavol', fstype: 'vxfs' });
  });

  it('hostA cannot take dbdg back while hostB holds it', async () => {
    const err = await failure(importStorage(ctxOn('hostA'), { kind: 'vxdg', group: 'dbdg', clearForeignLock: false, temporary: true }));
    expect(err.code).toBe('STORAGE_HELD_ELSEWHERE');
    expect(err.message).toContain('Disk is in use by another host');
  });

  it('hostC imports the R2 copy of webdg only after symrdf failover, which reports lost records', async () => {
    const refused = await failure(importStorage(ctxOn('hostC'), { kind: 'vxdg', group: 'webdg', clearForeignLock: true, temporary: true }));
    expect(refused.code).toBe('PRECONDITION_FAILED');
    expect(refused.message).toContain('must be failed over first');

    const before = await queryReplication(ctxOn('hostC'), 'webdg');
    expect(before.pairState).toBe('Consistent');

    const dry = ctxOn('hostC', true);
    expect(await replicationAction(dry, { group: 'webdg', verb: 'failover' })).toMatchObject({ outcome: 'would failover', changed: false, pairState: 'Consistent' });

    // web01 keeps writing on hostA five records a second; the 2 s lag leaves some behind.
    const failover = await replicationAction(ctxOn('hostC'), { group: 'webdg', verb: 'failover' });
    expect(failover).toMatchObject({ group: 'webdg', pairState: 'Failed Over', outcome: 'failed over', changed: true });
    expect(failover.lostRecords).toBeGreaterThan(0);
    expect(await replicationAction(ctxOn('hostC'), { group: 'webdg', verb: 'failover' })).toMatchObject({ outcome: 'already failed over', changed: false, lostRecords: 0 });

    // The disk-header lock of hostA travelled with the data: a DR import must clear it.
    const locked = await failure(importStorage(ctxOn('hostC'), { kind: 'vxdg', group: 'webdg', clearForeignLock: false, temporary: true }));
    expect(locked.code).toBe('STORAGE_HELD_ELSEWHERE');
    expect(await importStorage(ctxOn('hostC'), { kind: 'vxdg', group: 'webdg', clearForeignLock: true, temporary: true })).toEqual({ outcome: 'imported', changed: true });
  });

  it('host facts of hostB: sun4v, patch 138888-08, dbdg imported', async () => {
    const facts = await getHostFacts(ctxOn('hostB'), {
      dfPaths: ['/data/db01', '/zones'],
      configuredGroups: [{ kind: 'vxdg', name: 'dbdg' }, { kind: 'vxdg', name: 'webdg' }],
    });
    expect(facts.hostname).toBe('hostB');
    expect(facts.uname).toMatchObject({ sysname: 'SunOS', release: '5.10', machine: 'sun4v' });
    expect(facts.patches.find((p) => p.id === '138888')).toMatchObject({ rev: '08', packages: ['SUNWcakr.v', 'SUNWcart200.v'] });
    expect(facts.df.map((d) => [d.path, d.mountedOn, d.filesystem])).toEqual([
      ['/data/db01', '/data/db01', '/dev/vx/dsk/dbdg/datavol'],
      ['/zones', '/zones', '/export/zones'],
    ]);
    expect(facts.df[0]!.kbytes).toBeGreaterThan(0);
    expect(facts.storage).toEqual([
      { kind: 'vxdg', name: 'dbdg', imported: true, state: 'enabled' },
      { kind: 'vxdg', name: 'webdg', imported: false, state: '' },
    ]);
  });
});
