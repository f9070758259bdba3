import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { labEnv } from '../../test/lab/create-lab.js';
import { labOpContext, labRunner, makeOpContext, useBcDrLab } from '../../test/support/op-test-context.js';
import { rejection } from '../../test/support/rejections.js';
import { ScriptedRunner } from '../../test/support/scripted-runner.js';
import { transcript } from '../../test/support/transcripts.js';
import type { VfstabEntry } from '../commands/vfstab.js';
import { detectPlatformProfile } from '../platform/platform-profile.js';
import type { OpContext } from './op-context.js';
import { prepareZonepath, type PrepareZonepathRequest } from './zonepath-ops.js';

let fsRoot: string;
let runner: ScriptedRunner;

const makeCtx = (overrides: Partial<OpContext> = {}): OpContext =>
  makeOpContext({ host: 'hostB', runner, fsRoot, platform: detectPlatformProfile(), timeouts: { default: 10_000 }, ...overrides });

const real = (p: string) => path.join(fsRoot, p);
const mode = (p: string) => fs.statSync(real(p)).mode & 0o777;
const DATA: VfstabEntry = {
  special: '/dev/vx/dsk/webdg/datavol', fsckDevice: '/dev/vx/rdsk/webdg/datavol', mountPoint: '/data/web01', fstype: 'vxfs', fsckPass: '3', mountAtBoot: false, options: '-',
};
const request = (overrides: Partial<PrepareZonepathRequest> = {}): PrepareZonepathRequest => ({
  zone: 'web01', zonepath: '/zones/web01', zonesLofsSpecial: '/export/zones', zonesLofsMountPoint: '/zones', vfstab: [DATA], ...overrides,
});
const LOFS_LINE = '/export/zones\t/zones\tlofs\tdev=1ddd116\t1795535362\n';
const MOUNT = { command: 'mount' as const, args: ['-F', 'lofs', '/export/zones', '/zones'] };

/** A host root as a fresh target looks: vfstab and mnttab without /zones, /export/zones present. */
function freshHost(): void {
  fs.mkdirSync(real('/etc'), { recursive: true });
  fs.mkdirSync(real('/export/zones'), { recursive: true, mode: 0o755 });
  fs.writeFileSync(real('/etc/vfstab'), transcript('vfstab.txt').replace(/^\/dev\/vx\/dsk\/webdg.*\n/m, ''), { mode: 0o644 });
  fs.writeFileSync(real('/etc/mnttab'), '/dev/dsk/c0t0d0s0\t/\tufs\trw,intr\t1795535361\n');
}

beforeEach(() => {
  fsRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'twinzone-zonepath-ops-'));
  runner = new ScriptedRunner();
  freshHost();
});
afterEach(() => {
  fs.rmSync(fsRoot, { recursive: true, force: true });
});

describe('prepareZonepath', () => {
  it('mounts the loopback, creates the zonepath 700 and adds the vfstab entry, keeping the comments', async () => {
    runner.add(MOUNT);
    const out = await prepareZonepath(makeCtx(), request());
    expect(out).toEqual({
      outcome: 'prepared',
      changed: true,
      changes: [
        'create mount point /zones',
        'mount /export/zones on /zones (lofs)',
        'create zonepath /zones/web01 (root, mode 700)',
        'create /data (root, mode 755)',
        'create mount point /data/web01 (root, mode 755)',
        'add vfstab entry for /data/web01 (mount at boot no)',
      ],
    });
    expect(runner.commandLines).toEqual(['mount -F lofs /export/zones /zones']);
    expect(mode('/data/web01')).toBe(0o755);
    expect(mode('/zones')).toBe(0o755);
    expect(mode('/zones/web01')).toBe(0o700);
    const vfstab = fs.readFileSync(real('/etc/vfstab'), 'utf8');
    expect(vfstab.startsWith('#device\t\tdevice\t\tmount')).toBe(true);
    expect(vfstab).toContain('/dev/vx/dsk/webdg/datavol\t/dev/vx/rdsk/webdg/datavol\t/data/web01\tvxfs\t3\tno\t-\n');
    expect(fs.statSync(real('/etc/vfstab')).mode & 0o777).toBe(0o644);
  });

  it('does nothing when everything already holds', async () => {
    runner.add(MOUNT);
    await prepareZonepath(makeCtx(), request());
    fs.appendFileSync(real('/etc/mnttab'), LOFS_LINE);
    const before = fs.readFileSync(real('/etc/vfstab'), 'utf8');
    const ctx = makeCtx();
    expect(await prepareZonepath(ctx, request())).toEqual({ outcome: 'already prepared', changed: false, changes: [] });
    expect(runner.calls).toHaveLength(1);
    expect(ctx.commands).toEqual([]);
    expect(fs.readFileSync(real('/etc/vfstab'), 'utf8')).toBe(before);
  });

  it('sets an existing zonepath of another mode to 700 and says so', async () => {
    fs.appendFileSync(real('/etc/mnttab'), LOFS_LINE);
    fs.mkdirSync(real('/zones/web01'), { recursive: true });
    fs.chmodSync(real('/zones/web01'), 0o755);
    const out = await prepareZonepath(makeCtx(), request({ vfstab: [] }));
    expect(out).toMatchObject({ outcome: 'prepared', changed: true, changes: ['chmod zonepath /zones/web01 from 755 to 700'] });
    expect(out.warnings).toEqual(['zonepath /zones/web01 was mode 755; set it to 700']);
    expect(mode('/zones/web01')).toBe(0o700);
    expect(runner.calls).toEqual([]);
  });

  it('replaces a vfstab entry by mount point, in place', async () => {
    fs.appendFileSync(real('/etc/mnttab'), LOFS_LINE);
    fs.mkdirSync(real('/zones/web01'), { recursive: true, mode: 0o700 });
    fs.chmodSync(real('/zones/web01'), 0o700);
    const zonesAtBoot: VfstabEntry = { special: '/export/zones', fsckDevice: '-', mountPoint: '/zones', fstype: 'lofs', fsckPass: '-', mountAtBoot: false, options: '-' };
    const out = await prepareZonepath(makeCtx(), request({ vfstab: [zonesAtBoot] }));
    expect(out.changes).toEqual(['replace vfstab entry for /zones (mount at boot no)']);
    const lines = fs.readFileSync(real('/etc/vfstab'), 'utf8').split('\n');
    const original = transcript('vfstab.txt').split('\n');
    expect(lines.indexOf('/export/zones\t-\t/zones\tlofs\t-\tno\t-')).toBe(original.indexOf('/export/zones\t-\t/zones\tlofs\t-\tyes\t-'));
  });

  it('describes the plan on dry run and touches nothing', async () => {
    const vfstab = fs.readFileSync(real('/etc/vfstab'), 'utf8');
    const ctx = makeCtx({ dryRun: true });
    const out = await prepareZonepath(ctx, request());
    expect(out).toMatchObject({ outcome: 'would prepare', changed: false });
    expect(out.changes).toHaveLength(6);
    expect(fs.existsSync(real('/data'))).toBe(false);
    expect(ctx.commands).toEqual([expect.objectContaining({ argv: ['/usr/sbin/mount', '-F', 'lofs', '/export/zones', '/zones'], planned: true })]);
    expect(runner.calls).toEqual([]);
    expect(fs.existsSync(real('/zones'))).toBe(false);
    expect(fs.readFileSync(real('/etc/vfstab'), 'utf8')).toBe(vfstab);
  });

  it('refuses when something else is mounted on the mount point', async () => {
    fs.appendFileSync(real('/etc/mnttab'), '/dev/dsk/c1t2d0s0\t/zones\tufs\trw\t1795535362\n');
    const err = await rejection(prepareZonepath(makeCtx(), request()));
    expect(err.code).toBe('PRECONDITION_FAILED');
    expect(err.message).toBe('/zones has /dev/dsk/c1t2d0s0 (ufs) mounted, not the loopback of /export/zones');
    expect(runner.calls).toEqual([]);
    expect(fs.existsSync(real('/zones/web01'))).toBe(false);
  });

  it('refuses a loopback of a directory that is not there', async () => {
    fs.rmSync(real('/export/zones'), { recursive: true });
    expect((await rejection(prepareZonepath(makeCtx(), request()))).code).toBe('PRECONDITION_FAILED');
    expect(runner.calls).toEqual([]);
  });

  it('reports a failed mount with its stderr', async () => {
    runner.add({ ...MOUNT, exitCode: 33, stderr: transcript('mount-busy.txt') });
    const err = await rejection(prepareZonepath(makeCtx(), request()));
    expect(err.code).toBe('STORAGE_BUSY');
    expect(err.message).toContain('is already mounted or /data/web01 is busy');
    expect(fs.existsSync(real('/zones/web01'))).toBe(false);
  });

  it.each([
    ['a bad zone name', { zone: 'web 01' }],
    ['a relative zonepath', { zonepath: 'zones/web01' }],
    ['the root as zonepath', { zonepath: '/' }],
    ['half a loopback', { zonesLofsSpecial: '' }],
    ['a vfstab field with blanks', { vfstab: [{ ...DATA, options: 'rw, logging' }] }],
    ['a relative vfstab mount point', { vfstab: [{ ...DATA, mountPoint: 'data' }] }],
  ])('refuses %s before doing anything', async (_what, overrides) => {
    const err = await rejection(prepareZonepath(makeCtx(), request(overrides as Partial<PrepareZonepathRequest>)));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(runner.calls).toEqual([]);
    expect(fs.existsSync(real('/zones'))).toBe(false);
  });
});

// ---------------------------------------------------------------- against the simulator

describe('prepareZonepath against solsim (bc-dr lab)', () => {
  const labDir = useBcDrLab('twinzone-zonepath-ops-lab-');

  it('prepares web01 on hostB after its /zones loopback was unmounted, then finds nothing to do', async () => {
    const env = labEnv(labDir(), 'hostB');
    const execa = labRunner(labDir(), 'hostB');
    const ctx = (dryRun = false) => labOpContext(labDir(), 'hostB', { runner: execa, dryRun });
    const umount = await execa.run({ command: 'umount', args: ['/zones'], timeoutMs: 60_000 });
    expect(umount.record.exitCode).toBe(0);

    const plan = await prepareZonepath(ctx(true), request());
    expect(plan.outcome).toBe('would prepare');
    const out = await prepareZonepath(ctx(), request());
    expect(out).toEqual({
      outcome: 'prepared',
      changed: true,
      changes: [
        'mount /export/zones on /zones (lofs)',
        'create zonepath /zones/web01 (root, mode 700)',
        'create mount point /data/web01 (root, mode 755)',
        'add vfstab entry for /data/web01 (mount at boot no)',
      ],
    });
    expect(out.changes).toEqual(plan.changes);

    // The zonepath landed in the loopback's source, as on Solaris.
    expect(fs.statSync(path.join(env.root, 'export/zones/web01')).mode & 0o777).toBe(0o700);
    const listing = await execa.run({ command: 'mount', args: ['-p'], timeoutMs: 60_000 });
    expect(listing.stdout).toMatch(/^\/export\/zones - \/zones lofs /m);
    expect(await prepareZonepath(ctx(), request())).toEqual({ outcome: 'already prepared', changed: false, changes: [] });
  });
});
