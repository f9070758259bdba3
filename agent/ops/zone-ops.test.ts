import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { labEnv } from '../../test/lab/create-lab.js';
import { labOpContext, makeOpContext, useBcDrLab } from '../../test/support/op-test-context.js';
import { rejection } from '../../test/support/rejections.js';
import { ScriptedRunner, type ScriptedReply } from '../../test/support/scripted-runner.js';
import { transcript } from '../../test/support/transcripts.js';
import type { CommandName } from '../platform/command-runner.js';
import { detectPlatformProfile } from '../platform/platform-profile.js';
import type { OpContext } from './op-context.js';
import {
  attachZone,
  bootZone,
  convertZone,
  createZoneFromDetached,
  deleteZoneConfig,
  detachZone,
  getZone,
  haltZone,
  listZones,
  readyZone,
  shutdownZone,
} from './zone-ops.js';

let fsRoot: string;
let runner: ScriptedRunner;

const makeCtx = (overrides: Partial<OpContext> = {}): OpContext =>
  makeOpContext({ host: 'hostB', runner, fsRoot, platform: detectPlatformProfile(), timeouts: { default: 10_000 }, ...overrides });

const LIST = ['-z', 'db01', 'list', '-p'];
function listed(state: string, opts: { brand?: string; id?: string; zonepath?: string } = {}): ScriptedReply {
  const id = opts.id ?? (['ready', 'running', 'shutting_down', 'down'].includes(state) ? '3' : '-');
  return { command: 'zoneadm', args: LIST, stdout: `${id}:db01:${state}:${opts.zonepath ?? '/zones/db01'}:7eb7bc32-8f4d-4f3c-a62b-4dc4aee2997a:${opts.brand ?? 'solaris8'}:shared\n` };
}
const notConfigured: ScriptedReply = { command: 'zoneadm', args: LIST, exitCode: 1, stderr: 'zoneadm: db01: No such zone configured\n' };

function writeManifest(zonepath = '/zones/db01'): void {
  fs.mkdirSync(path.join(fsRoot, zonepath), { recursive: true });
  fs.writeFileSync(path.join(fsRoot, zonepath, 'SUNWdetached.xml'), '<?xml version="1.0"?>\n');
}

beforeEach(() => {
  fsRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'twinzone-zone-ops-'));
  runner = new ScriptedRunner();
});
afterEach(() => {
  fs.rmSync(fsRoot, { recursive: true, force: true });
});

describe('every zone op', () => {
  const ops: [string, (ctx: OpContext, zone: string) => Promise<unknown>][] = [
    ['getZone', (ctx, zone) => getZone(ctx, zone)],
    ['haltZone', (ctx, zone) => haltZone(ctx, { zone })],
    ['shutdownZone', (ctx, zone) => shutdownZone(ctx, { zone })],
    ['readyZone', (ctx, zone) => readyZone(ctx, { zone })],
    ['bootZone', (ctx, zone) => bootZone(ctx, { zone })],
    ['detachZone', (ctx, zone) => detachZone(ctx, { zone })],
    ['attachZone', (ctx, zone) => attachZone(ctx, { zone })],
    ['createZoneFromDetached', (ctx, zone) => createZoneFromDetached(ctx, { zone, zonepath: '/zones/db01' })],
    ['convertZone', (ctx, zone) => convertZone(ctx, { zone })],
    ['deleteZoneConfig', (ctx, zone) => deleteZoneConfig(ctx, { zone })],
  ];

  it.each(ops)('%s refuses a bad zone name before running anything', async (_name, op) => {
    for (const zone of ['db01;reboot', 'global', '-z', '']) {
      const err = await rejection(op(makeCtx(), zone));
      expect(err.code).toBe('INVALID_ARGUMENT');
    }
    expect(runner.calls).toEqual([]);
  });

  it.each(ops.filter(([name]) => !['createZoneFromDetached', 'deleteZoneConfig'].includes(name)))(
    '%s answers ZONE_NOT_FOUND with zoneadm\'s text for an unknown zone, running nothing else',
    async (_name, op) => {
      runner.add(notConfigured);
      const ctx = makeCtx();
      const err = await rejection(op(ctx, 'db01'));
      expect(err.code).toBe('ZONE_NOT_FOUND');
      expect(err.message).toBe('zone db01 is not configured on hostB: zoneadm: db01: No such zone configured');
      expect(err.details.commands).toHaveLength(1);
      expect(runner.commandLines).toEqual(['zoneadm -z db01 list -p']);
    },
  );
});

describe('listZones and getZone', () => {
  it('lists every zone', async () => {
    runner.add({ command: 'zoneadm', args: ['list', '-cp'], stdout: transcript('zoneadm-list-cp-lab.txt') });
    const zones = await listZones(makeCtx());
    expect(zones.map((z) => `${z.name}:${z.state}`)).toEqual(['global:running', 'web01:running', 'db01:running']);
  });

  it('returns the summary, the parsed export and whether the manifest is there', async () => {
    writeManifest();
    runner.add(listed('configured'), { command: 'zonecfg', args: ['-z', 'db01', 'export'], stdout: transcript('zonecfg-export-db01-lab.txt') });
    const z = await getZone(makeCtx(), 'db01');
    expect(z.summary).toMatchObject({ name: 'db01', state: 'configured', brand: 'solaris8' });
    expect(z.config.net).toEqual([{ address: '192.168.10.31/24', physical: 'bge0', defrouter: '' }]);
    expect(z.exportText).toContain('set zonepath=/zones/db01');
    expect(z.detachedManifest).toBe(true);
  });
});

describe('haltZone', () => {
  it('halts a running zone and reports the state it reads afterwards', async () => {
    runner.add(listed('running'), { command: 'zoneadm', args: ['-z', 'db01', 'halt'] }, listed('installed'));
    const ctx = makeCtx();
    expect(await haltZone(ctx, { zone: 'db01' })).toEqual({ outcome: 'halted', changed: true, state: 'installed' });
    expect(runner.commandLines).toEqual(['zoneadm -z db01 list -p', 'zoneadm -z db01 halt', 'zoneadm -z db01 list -p']);
    expect(ctx.commands.map((c) => c.argv.join(' '))).toEqual(runner.calls.map((c) => runner.argvOf(c).join(' ')));
  });

  it('runs nothing for an installed zone', async () => {
    runner.add(listed('installed'));
    expect(await haltZone(makeCtx(), { zone: 'db01' })).toEqual({ outcome: 'already installed', changed: false, state: 'installed' });
    expect(runner.commandLines).toEqual(['zoneadm -z db01 list -p']);
  });

  it('plans the halt on dry run without running it', async () => {
    runner.add(listed('running'));
    const ctx = makeCtx({ dryRun: true });
    expect(await haltZone(ctx, { zone: 'db01' })).toEqual({ outcome: 'would halt', changed: false });
    expect(runner.commandLines).toEqual(['zoneadm -z db01 list -p']);
    expect(ctx.commands.map((c) => [c.argv.join(' '), c.planned])).toEqual([
      ['/usr/sbin/zoneadm -z db01 list -p', false],
      ['/usr/sbin/zoneadm -z db01 halt', true],
    ]);
  });

  it('finds a configured (detached) zone already down without running halt, and shutdown alike', async () => {
    runner.add(listed('configured'));
    expect(await haltZone(makeCtx(), { zone: 'db01' })).toEqual({ outcome: 'already down (configured)', changed: false, state: 'configured' });
    expect(runner.commandLines).toEqual(['zoneadm -z db01 list -p']);
    runner.add(listed('configured'));
    expect(await shutdownZone(makeCtx(), { zone: 'db01' })).toEqual({ outcome: 'already down (configured)', changed: false, state: 'configured' });
  });

  it('refuses an incomplete zone without running halt', async () => {
    runner.add(listed('incomplete'));
    const err = await rejection(haltZone(makeCtx(), { zone: 'db01' }));
    expect(err.code).toBe('ZONE_WRONG_STATE');
    expect(err.details.fields).toMatchObject({ zone: 'db01', host: 'hostB', state: 'incomplete' });
    expect(runner.commandLines).toEqual(['zoneadm -z db01 list -p']);
  });

  it('classifies a failed halt and carries its stderr', async () => {
    runner.add(listed('running'), { command: 'zoneadm', args: ['-z', 'db01', 'halt'], exitCode: 1, stderr: transcript('zoneadm-busy.reference.txt') });
    const err = await rejection(haltZone(makeCtx(), { zone: 'db01' }));
    expect(err.code).toBe('ZONE_BUSY');
    expect(err.message).toContain("zoneadm: zone 'db01': another zoneadm may have an operation in progress.");
    expect(err.details.commands?.map((c) => c.exitCode)).toEqual([0, 1]);
  });

  it('reports a hung halt as COMMAND_TIMEOUT', async () => {
    runner.add(listed('running'), { command: 'zoneadm', args: ['-z', 'db01', 'halt'], timedOut: true });
    expect((await rejection(haltZone(makeCtx(), { zone: 'db01' }))).code).toBe('COMMAND_TIMEOUT');
  });

  it('reports an unknown failure as COMMAND_FAILED with the command line and stderr', async () => {
    runner.add(listed('running'), { command: 'zoneadm', args: ['-z', 'db01', 'halt'], exitCode: 1, stderr: "zoneadm: zone 'db01': something new\n" });
    const err = await rejection(haltZone(makeCtx(), { zone: 'db01' }));
    expect(err.code).toBe('COMMAND_FAILED');
    expect(err.message).toBe("`/usr/sbin/zoneadm -z db01 halt` exited 1: zoneadm: zone 'db01': something new");
  });
});

describe('shutdownZone', () => {
  const zlogin = { command: 'zlogin' as const, args: ['db01', 'shutdown', '-y', '-g0', '-i0'], stdout: transcript('zlogin-shutdown.txt') };

  it('shuts down gracefully and waits for installed without halting', async () => {
    runner.add(listed('running'), zlogin, listed('shutting_down'), listed('installed'));
    const out = await shutdownZone(makeCtx(), { zone: 'db01', timeoutMs: 5_000, pollIntervalMs: 1 });
    expect(out).toEqual({ outcome: 'shut down', changed: true, state: 'installed' });
    expect(runner.commandLines).not.toContain('zoneadm -z db01 halt');
  });

  it('halts a zone that is not down in time', async () => {
    let halted = false;
    runner.add(
      listed('running'),
      zlogin,
      { command: 'zoneadm', args: (args) => args.join(' ') === '-z db01 halt' && (halted = true) },
      // every poll before the halt sees the zone still going down
      { ...listed('shutting_down'), args: (args) => !halted && args.join(' ') === LIST.join(' '), repeat: true },
      listed('installed'),
    );
    const out = await shutdownZone(makeCtx(), { zone: 'db01', timeoutMs: 30, pollIntervalMs: 5 });
    expect(out).toEqual({ outcome: 'halted', changed: true, state: 'installed', warnings: ['db01 was still shutting_down after 30 ms; halting it'] });
    expect(runner.commandLines.filter((l) => l === 'zoneadm -z db01 halt')).toHaveLength(1);
    expect(runner.commandLines.filter((l) => l === 'zoneadm -z db01 list -p').length).toBeGreaterThan(2);
  });

  it('halts at once when zlogin fails, with its reason as a warning', async () => {
    runner.add(listed('running'), { ...zlogin, exitCode: 1, stdout: '', stderr: transcript('zlogin-not-running.txt') }, { command: 'zoneadm', args: ['-z', 'db01', 'halt'] }, listed('installed'));
    const out = await shutdownZone(makeCtx(), { zone: 'db01' });
    expect(out).toMatchObject({ outcome: 'halted', changed: true, state: 'installed' });
    expect(out.warnings?.[0]).toContain('login allowed only to running zones');
    expect(runner.commandLines).toEqual(['zoneadm -z db01 list -p', 'zlogin db01 shutdown -y -g0 -i0', 'zoneadm -z db01 halt', 'zoneadm -z db01 list -p']);
  });

  it('runs nothing for an installed zone, and only plans on dry run', async () => {
    runner.add(listed('installed'));
    expect(await shutdownZone(makeCtx(), { zone: 'db01' })).toEqual({ outcome: 'already installed', changed: false, state: 'installed' });
    runner.add(listed('running'));
    const ctx = makeCtx({ dryRun: true });
    const out = await shutdownZone(ctx, { zone: 'db01', timeoutMs: 90_000 });
    expect(out).toMatchObject({ outcome: 'would shut down', changed: false });
    expect(ctx.commands.filter((c) => c.planned).map((c) => c.argv.join(' '))).toEqual([
      '/usr/sbin/zlogin db01 shutdown -y -g0 -i0',
      '/usr/sbin/zoneadm -z db01 halt',
    ]);
    expect(runner.commandLines).toEqual(['zoneadm -z db01 list -p', 'zoneadm -z db01 list -p']);
  });
});

describe('readyZone and bootZone', () => {
  it('readies an installed zone; a ready one is left alone', async () => {
    runner.add(listed('installed'), { command: 'zoneadm', args: ['-z', 'db01', 'ready'] }, listed('ready'), listed('ready'));
    expect(await readyZone(makeCtx(), { zone: 'db01' })).toEqual({ outcome: 'readied', changed: true, state: 'ready' });
    expect(await readyZone(makeCtx(), { zone: 'db01' })).toEqual({ outcome: 'already ready', changed: false, state: 'ready' });
  });

  it('boots with the arguments after --', async () => {
    runner.add(listed('installed'), { command: 'zoneadm', args: ['-z', 'db01', 'boot', '--', '-m', 'verbose'] }, listed('running'));
    expect(await bootZone(makeCtx(), { zone: 'db01', bootArgs: ['-m', 'verbose'] })).toEqual({ outcome: 'booted', changed: true, state: 'running' });
  });

  it('runs nothing for a running zone', async () => {
    runner.add(listed('running'));
    expect(await bootZone(makeCtx(), { zone: 'db01' })).toEqual({ outcome: 'already running', changed: false, state: 'running' });
    expect(runner.calls).toHaveLength(1);
  });

  it('refuses boot arguments with blanks or shell characters before running anything', async () => {
    for (const bootArgs of [['-m verbose'], ['$(reboot)'], ['x'.repeat(300)]]) {
      expect((await rejection(bootZone(makeCtx(), { zone: 'db01', bootArgs }))).code).toBe('INVALID_ARGUMENT');
    }
    expect(runner.calls).toEqual([]);
  });

  it('says that s8_p2v must run first when the brand refuses to boot', async () => {
    runner.add(listed('installed'), { command: 'zoneadm', args: ['-z', 'db01', 'boot'], exitCode: 1, stderr: transcript('zoneadm-boot-s8p2v-needed.txt') });
    const err = await rejection(bootZone(makeCtx(), { zone: 'db01' }));
    expect(err.code).toBe('PRECONDITION_FAILED');
    expect(err.message).toContain('run ConvertZone (s8_p2v)');
    expect(err.message).toContain('This zone was last booted on another host');
  });

  it('refuses to boot a detached zone', async () => {
    runner.add(listed('configured'));
    expect((await rejection(bootZone(makeCtx(), { zone: 'db01' }))).code).toBe('ZONE_WRONG_STATE');
    expect(runner.calls).toHaveLength(1);
  });
});

describe('detachZone', () => {
  it('detaches an installed zone', async () => {
    runner.add(listed('installed'), { command: 'zoneadm', args: ['-z', 'db01', 'detach'] }, listed('configured'));
    const out = await detachZone(makeCtx(), { zone: 'db01' });
    // the scripted zoneadm writes no manifest: the op says so
    expect(out).toEqual({ outcome: 'detached', changed: true, state: 'configured', warnings: ['zoneadm detach wrote no /zones/db01/SUNWdetached.xml'] });
  });

  it('runs nothing for a configured zone with its manifest', async () => {
    writeManifest();
    runner.add(listed('configured'));
    expect(await detachZone(makeCtx(), { zone: 'db01' })).toEqual({ outcome: 'already detached', changed: false, state: 'configured' });
  });

  it('refuses a running zone and a configured zone without a manifest', async () => {
    runner.add(listed('running'), listed('configured'));
    const running = await rejection(detachZone(makeCtx(), { zone: 'db01' }));
    expect(running.code).toBe('ZONE_WRONG_STATE');
    expect(running.message).toBe('cannot detach db01: it is running; halt it first');
    expect((await rejection(detachZone(makeCtx(), { zone: 'db01' }))).code).toBe('ZONE_WRONG_STATE');
    expect(runner.commandLines.every((l) => l.endsWith('list -p'))).toBe(true);
  });

  it('names what is still mounted below the zonepath', async () => {
    runner.add(listed('installed'), { command: 'zoneadm', args: ['-z', 'db01', 'detach'], exitCode: 1, stderr: transcript('zoneadm-detach-mounted.txt') });
    const err = await rejection(detachZone(makeCtx(), { zone: 'db01' }));
    expect(err.code).toBe('PRECONDITION_FAILED');
    expect(err.message).toContain('/zones/db01/root/mnt');
  });
});

describe('attachZone', () => {
  const deltas = transcript('attach-deltas-db01-hostB-lab.txt');

  it('returns the deltas of a software mismatch as a result, not an error', async () => {
    runner.add(listed('configured'), { command: 'zoneadm', args: ['-z', 'db01', 'attach'], exitCode: 1, stderr: deltas }, listed('configured'));
    const out = await attachZone(makeCtx(), { zone: 'db01' });
    expect(out).toMatchObject({ outcome: 'not attached: software deltas', changed: false, state: 'configured', attached: false });
    expect(out.deltas?.patches).toEqual([{ id: '138888', kind: 'extra', sourceRev: '', localRev: '08' }]);
    expect(out.deltas?.packages.map((p) => `${p.name}:${p.kind}`)).toEqual(['SUNWcsu:version-mismatch']);
    expect(out.deltas?.raw).toBe(deltas);
  });

  it('forces with -F', async () => {
    runner.add(listed('configured'), { command: 'zoneadm', args: ['-z', 'db01', 'attach', '-F'] }, listed('installed'));
    expect(await attachZone(makeCtx(), { zone: 'db01', force: true })).toEqual({ outcome: 'attached (forced)', changed: true, state: 'installed', attached: true });
  });

  it('runs nothing for an installed zone', async () => {
    runner.add(listed('installed'));
    expect(await attachZone(makeCtx(), { zone: 'db01', force: true })).toEqual({ outcome: 'already installed', changed: false, state: 'installed', attached: true });
    expect(runner.calls).toHaveLength(1);
  });

  it('validates with attach -n on the manifest, also on dry run', async () => {
    writeManifest();
    runner.add(listed('configured'), { command: 'zoneadm', args: ['-z', 'db01', 'attach', '-n', '/zones/db01/SUNWdetached.xml'], exitCode: 1, stderr: deltas });
    const out = await attachZone(makeCtx({ dryRun: true }), { zone: 'db01', validateOnly: true });
    expect(out).toMatchObject({ outcome: 'deltas found', changed: false, attached: false });
    expect(out.deltas?.patches).toHaveLength(1);
    runner.add(listed('configured'), { command: 'zoneadm', args: ['-z', 'db01', 'attach', '-n', '/zones/db01/SUNWdetached.xml'] });
    expect(await attachZone(makeCtx(), { zone: 'db01', validateOnly: true })).toMatchObject({ outcome: 'no deltas', attached: false, deltas: { packages: [], patches: [] } });
  });

  it('plans the attach on dry run', async () => {
    runner.add(listed('configured'));
    const ctx = makeCtx({ dryRun: true });
    expect(await attachZone(ctx, { zone: 'db01', force: true })).toEqual({ outcome: 'would attach (forced)', changed: false, attached: false });
    expect(ctx.commands.at(-1)).toMatchObject({ argv: ['/usr/sbin/zoneadm', '-z', 'db01', 'attach', '-F'], planned: true });
    expect(runner.calls).toHaveLength(1);
  });

  it('throws for other failures', async () => {
    runner.add(listed('configured'), { command: 'zoneadm', args: ['-z', 'db01', 'attach'], exitCode: 1, stderr: transcript('zoneadm-attach-not-detached.txt') });
    const err = await rejection(attachZone(makeCtx(), { zone: 'db01' }));
    expect(err.code).toBe('PRECONDITION_FAILED');
    expect(err.message).toContain('Not a detached zone.');
  });
});

describe('createZoneFromDetached', () => {
  const EXPORT = { command: 'zonecfg' as const, args: ['-z', 'db01', 'export'], stdout: transcript('zonecfg-export-db01-lab.txt') };
  const REMAP_FILE = '/var/run/twinzone/db01-remap.cfg';
  const netRemaps = [{ fromPhysical: 'bge0', toPhysical: 'e1000g0', address: '', defrouter: '' }];

  it('creates from the manifest, remaps through a command file and removes the file', async () => {
    let fileText = '';
    runner.add(
      notConfigured,
      { command: 'zonecfg', args: ['-z', 'db01', 'create -a /zones/db01'] },
      EXPORT,
      {
        command: 'zonecfg',
        args: (args) => {
          if (args.join(' ') !== `-z db01 -f ${REMAP_FILE}`) return false;
          fileText = fs.readFileSync(path.join(fsRoot, REMAP_FILE), 'utf8');
          return true;
        },
      },
      listed('configured'),
    );
    const out = await createZoneFromDetached(makeCtx(), { zone: 'db01', zonepath: '/zones/db01', netRemaps });
    expect(out).toEqual({ outcome: 'created and remapped', changed: true, state: 'configured', remapped: ['net bge0 -> e1000g0'] });
    expect(fileText).toBe('select net physical=bge0\nset physical=e1000g0\nend\n');
    expect(fs.existsSync(path.join(fsRoot, REMAP_FILE))).toBe(false);
  });

  it('runs nothing that changes a zone already configured so', async () => {
    runner.add(listed('configured'), { ...EXPORT, stdout: EXPORT.stdout.replace('bge0', 'e1000g0') }, listed('configured'));
    const out = await createZoneFromDetached(makeCtx(), { zone: 'db01', zonepath: '/zones/db01', netRemaps });
    expect(out).toEqual({ outcome: 'already configured', changed: false, state: 'configured', remapped: [] });
    expect(runner.commandLines).toEqual(['zoneadm -z db01 list -p', 'zonecfg -z db01 export', 'zoneadm -z db01 list -p']);
  });

  it('refuses a zone configured with another zonepath', async () => {
    runner.add(listed('configured', { zonepath: '/zones/other' }));
    const err = await rejection(createZoneFromDetached(makeCtx(), { zone: 'db01', zonepath: '/zones/db01' }));
    expect(err.code).toBe('PRECONDITION_FAILED');
    expect(err.message).toContain('/zones/other');
  });

  it('sees the create -a failure that zonecfg reports with exit 0', async () => {
    runner.add(notConfigured, { command: 'zonecfg', args: ['-z', 'db01', 'create -a /zones/db01'], stderr: transcript('zonecfg-create-a-invalid-path.txt') });
    const err = await rejection(createZoneFromDetached(makeCtx(), { zone: 'db01', zonepath: '/zones/db01' }));
    expect(err.code).toBe('PRECONDITION_FAILED');
    expect(err.message).toContain('invalid path to detached zone');
  });

  it('names a remap whose interface the configuration lacks, before writing anything', async () => {
    runner.add(listed('configured'), EXPORT);
    const err = await rejection(
      createZoneFromDetached(makeCtx(), { zone: 'db01', zonepath: '/zones/db01', netRemaps: [{ fromPhysical: 'hme0', toPhysical: 'e1000g0', address: '', defrouter: '' }] }),
    );
    expect(err.code).toBe('PRECONDITION_FAILED');
    expect(err.message).toContain('net physical=hme0');
    expect(fs.existsSync(path.join(fsRoot, '/var/run/twinzone'))).toBe(false);
  });

  it('removes the command file when zonecfg -f fails', async () => {
    runner.add(listed('configured'), EXPORT, { command: 'zonecfg', args: ['-z', 'db01', '-f', REMAP_FILE], exitCode: 1, stderr: transcript('zonecfg-file-no-such-resource.txt') });
    const err = await rejection(createZoneFromDetached(makeCtx(), { zone: 'db01', zonepath: '/zones/db01', netRemaps }));
    expect(err.code).toBe('PRECONDITION_FAILED');
    expect(err.message).toContain('No such resource with that id');
    expect(fs.existsSync(path.join(fsRoot, REMAP_FILE))).toBe(false);
  });

  it('plans create and remap on dry run without writing the file', async () => {
    runner.add(notConfigured);
    const ctx = makeCtx({ dryRun: true });
    const out = await createZoneFromDetached(ctx, { zone: 'db01', zonepath: '/zones/db01', netRemaps });
    expect(out.outcome).toBe('would create');
    expect(ctx.commands.filter((c) => c.planned).map((c) => c.argv.slice(1))).toEqual([
      ['-z', 'db01', 'create -a /zones/db01'],
      ['-z', 'db01', '-f', REMAP_FILE],
    ]);
    expect(runner.calls).toHaveLength(1);
    expect(fs.existsSync(path.join(fsRoot, '/var/run/twinzone'))).toBe(false);
  });

  it('refuses a zonepath that is not a clean absolute path', async () => {
    expect((await rejection(createZoneFromDetached(makeCtx(), { zone: 'db01', zonepath: '/zones/db01 ; delete' }))).code).toBe('INVALID_ARGUMENT');
    expect(runner.calls).toEqual([]);
  });
});

describe('convertZone', () => {
  it('runs s8_p2v on an installed solaris8 zone and returns its chatter as warnings', async () => {
    runner.add(listed('installed'), { command: 's8_p2v', args: ['db01'], stdout: transcript('s8-p2v-success-lab.txt') }, listed('installed'));
    const out = await convertZone(makeCtx(), { zone: 'db01' });
    expect(out).toMatchObject({ outcome: 'converted', changed: true, state: 'installed' });
    expect(out.warnings).toHaveLength(3);
  });

  it('refuses other brands and running zones without running s8_p2v', async () => {
    runner.add(listed('installed', { brand: 'native' }), listed('running'));
    const native = await rejection(convertZone(makeCtx(), { zone: 'db01' }));
    expect(native.code).toBe('PRECONDITION_FAILED');
    expect(native.message).toContain('native');
    expect((await rejection(convertZone(makeCtx(), { zone: 'db01' }))).code).toBe('ZONE_WRONG_STATE');
    expect(runner.commandLines.every((l) => l.startsWith('zoneadm'))).toBe(true);
  });

  it('classifies an s8_p2v failure and sees a run without the success line as failed', async () => {
    runner.add(listed('installed'), { command: 's8_p2v', args: ['db01'], exitCode: 1, stderr: transcript('s8-p2v-running.txt') });
    expect((await rejection(convertZone(makeCtx(), { zone: 'db01' }))).code).toBe('ZONE_WRONG_STATE');
    runner.add(listed('installed'), { command: 's8_p2v', args: ['db01'], stdout: 'Postprocessing failed.\n' });
    expect((await rejection(convertZone(makeCtx(), { zone: 'db01' }))).code).toBe('COMMAND_FAILED');
  });
});

describe('deleteZoneConfig', () => {
  it('deletes a configured zone and confirms it is gone', async () => {
    runner.add(listed('configured'), { command: 'zonecfg', args: ['-z', 'db01', 'delete -F'] }, notConfigured);
    expect(await deleteZoneConfig(makeCtx(), { zone: 'db01' })).toEqual({ outcome: 'deleted', changed: true });
  });

  it('runs nothing for a zone that is not configured', async () => {
    runner.add(notConfigured);
    expect(await deleteZoneConfig(makeCtx(), { zone: 'db01' })).toEqual({ outcome: 'already deleted', changed: false });
    expect(runner.calls).toHaveLength(1);
  });

  it('refuses a running zone and plans on dry run', async () => {
    runner.add(listed('running'), listed('installed'));
    expect((await rejection(deleteZoneConfig(makeCtx(), { zone: 'db01' }))).code).toBe('ZONE_WRONG_STATE');
    const ctx = makeCtx({ dryRun: true });
    expect(await deleteZoneConfig(ctx, { zone: 'db01' })).toEqual({ outcome: 'would delete', changed: false });
    expect(ctx.commands.at(-1)).toMatchObject({ planned: true, argv: ['/usr/sbin/zonecfg', '-z', 'db01', 'delete -F'] });
    expect(runner.calls).toHaveLength(2);
  });
});

// ---------------------------------------------------------------- against the simulator

describe('zone ops against solsim (bc-dr lab)', () => {
  const labDir = useBcDrLab('twinzone-zone-ops-lab-');
  const hostCtx = (host: string, overrides: Partial<OpContext> = {}): OpContext => labOpContext(labDir(), host, overrides);
  const sh = async (host: string, command: CommandName, args: string[]): Promise<void> => {
    const r = await hostCtx(host).runner.run({ command, args, timeoutMs: 60_000 });
    if (r.record.exitCode !== 0) throw new Error(`${command} ${args.join(' ')} on ${host}: ${r.stderr}`);
  };

  it('switches db01 from hostA to hostB: shutdown, detach, deltas, forced attach, boot', async () => {
    const a = hostCtx('hostA');
    expect(await shutdownZone(a, { zone: 'db01', timeoutMs: 20_000, pollIntervalMs: 100 })).toMatchObject({ outcome: 'shut down', state: 'installed' });
    expect(await shutdownZone(hostCtx('hostA'), { zone: 'db01' })).toMatchObject({ outcome: 'already installed', changed: false });
    expect(await detachZone(hostCtx('hostA'), { zone: 'db01' })).toEqual({ outcome: 'detached', changed: true, state: 'configured' });
    expect(await detachZone(hostCtx('hostA'), { zone: 'db01' })).toMatchObject({ outcome: 'already detached', changed: false });
    await sh('hostA', 'umount', ['/data/db01']);
    await sh('hostA', 'vxdg', ['deport', 'dbdg']);

    // The source's manifest travels with the zonepath (as the archive transfer carries it).
    const manifest = fs.readFileSync(path.join(labEnv(labDir(), 'hostA').root, 'zones/db01/SUNWdetached.xml'));
    fs.writeFileSync(path.join(labEnv(labDir(), 'hostB').root, 'zones/db01/SUNWdetached.xml'), manifest);
    await sh('hostB', 'vxdg', ['import', 'dbdg']);
    await sh('hostB', 'mount', ['/data/db01']);

    const validated = await attachZone(hostCtx('hostB', { dryRun: true }), { zone: 'db01', validateOnly: true });
    expect(validated).toMatchObject({ outcome: 'deltas found', attached: false });
    const refused = await attachZone(hostCtx('hostB'), { zone: 'db01' });
    expect(refused).toMatchObject({ outcome: 'not attached: software deltas', attached: false, changed: false, state: 'configured' });
    expect(refused.deltas?.patches).toContainEqual({ id: '138888', kind: 'extra', sourceRev: '', localRev: '08' });
    expect(refused.deltas?.packages).toContainEqual(expect.objectContaining({ name: 'SUNWcsu', kind: 'version-mismatch' }));

    const planCtx = hostCtx('hostB', { dryRun: true });
    expect(await attachZone(planCtx, { zone: 'db01', force: true })).toMatchObject({ outcome: 'would attach (forced)', attached: false });
    expect((await getZone(hostCtx('hostB'), 'db01')).summary.state).toBe('configured');

    expect(await attachZone(hostCtx('hostB'), { zone: 'db01', force: true })).toEqual({ outcome: 'attached (forced)', changed: true, state: 'installed', attached: true });
    expect(await attachZone(hostCtx('hostB'), { zone: 'db01', force: true })).toMatchObject({ outcome: 'already installed', changed: false });
    expect(await bootZone(hostCtx('hostB'), { zone: 'db01' })).toEqual({ outcome: 'booted', changed: true, state: 'running' });
    expect(await bootZone(hostCtx('hostB'), { zone: 'db01' })).toMatchObject({ outcome: 'already running', changed: false });
    expect(await haltZone(hostCtx('hostB'), { zone: 'db01' })).toEqual({ outcome: 'halted', changed: true, state: 'installed' });
  });

  it('recreates db01 on hostC from its detached zonepath with a NIC remap, then converts it', async () => {
    const c = (overrides: Partial<OpContext> = {}) => hostCtx('hostC', overrides);
    const before = await getZone(c(), 'db01');
    expect(before.detachedManifest).toBe(true);
    const from = before.config.net[0]!.physical;

    expect(await deleteZoneConfig(c(), { zone: 'db01' })).toEqual({ outcome: 'deleted', changed: true });
    expect(await deleteZoneConfig(c(), { zone: 'db01' })).toEqual({ outcome: 'already deleted', changed: false });
    const netRemaps = [{ fromPhysical: from, toPhysical: 'e1000g1', address: '192.168.20.31/24', defrouter: '192.168.20.1' }];
    const created = await createZoneFromDetached(c(), { zone: 'db01', zonepath: '/zones/db01', netRemaps });
    expect(created).toEqual({ outcome: 'created and remapped', changed: true, state: 'configured', remapped: [`net ${from} -> e1000g1 address 192.168.20.31/24 defrouter 192.168.20.1`] });
    expect((await getZone(c(), 'db01')).config.net).toEqual([{ physical: 'e1000g1', address: '192.168.20.31/24', defrouter: '192.168.20.1' }]);
    expect(await createZoneFromDetached(c(), { zone: 'db01', zonepath: '/zones/db01', netRemaps })).toMatchObject({ outcome: 'already configured', changed: false });
    expect(fs.readdirSync(path.join(labEnv(labDir(), 'hostC').root, 'var/run/twinzone'))).toEqual([]);

    expect((await rejection(convertZone(c(), { zone: 'db01' }))).code).toBe('ZONE_WRONG_STATE');
    expect(await attachZone(c(), { zone: 'db01', force: true })).toMatchObject({ outcome: 'attached (forced)', state: 'installed' });
    const converted = await convertZone(c(), { zone: 'db01' });
    expect(converted).toMatchObject({ outcome: 'converted', changed: true, state: 'installed' });
    expect(converted.warnings?.[0]).toBe('s8_p2v: Updating the image to run within a zone');
  });
});
