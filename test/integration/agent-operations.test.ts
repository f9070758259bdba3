// Each Agent operation's success and error paths over the wire, against the simulated
// hosts: the statuses and codes a caller branches on, and operator-readable messages
// that carry the failing command's stderr.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect } from 'vitest';
import { agentTest as it } from '../support/agent-fixture.js';
import { mutations, refusal, rpc, type Reply } from '../support/agent-calls.js';
import { readLogLines } from '../support/log-lines.js';
import { ReplicationVerb, SnapshotVerb, StorageKind } from '../../shared/gen/twinzone/v1/agent.js';
import { ZoneState } from '../../shared/gen/twinzone/v1/common.js';
import { readLabConfig } from '../solsim/src/state/lab-config.js';
import { TWINZONE_CLI } from '../lab/processes.js';
import { crashHost, loseSite } from '../lab/host-power.js';
import { processAlive } from '../solsim/src/app/app-control.js';

const mut = mutations('ops');

const vx = (group: string) => ({ kind: StorageKind.STORAGE_KIND_VXDG, group });

describe('zone operations', () => {
  it('lists and reads zones, and says NOT_FOUND for an unknown one', async ({ lab }) => {
    const list = await rpc(lab, 'hostB', 'listZones', {});
    expect(list.zones.map((z: Reply) => [z.name, z.state])).toEqual([['global', ZoneState.ZONE_STATE_RUNNING], ['db01', ZoneState.ZONE_STATE_CONFIGURED]]);
    const db = await rpc(lab, 'hostA', 'getZone', { zone: 'db01' });
    expect(db.zone).toMatchObject({ name: 'db01', brand: 'solaris8', zonepath: '/zones/db01', state: ZoneState.ZONE_STATE_RUNNING });
    expect(db.config.fs).toEqual([expect.objectContaining({ dir: '/data', special: '/data/db01', type: 'lofs' })]);
    expect(db.exportText).toMatch(/^create -b\nset zonepath=\/zones\/db01\n/);
    const missing = await refusal(rpc(lab, 'hostB', 'getZone', { zone: 'web01' }));
    expect(missing.code).toBe('ZONE_NOT_FOUND');
  });

  it('readies, boots, halts and refuses what the state forbids', async ({ lab }) => {
    await rpc(lab, 'hostA', 'haltZone', mut('db01'));
    expect((await rpc(lab, 'hostA', 'readyZone', mut('db01'))).state).toBe(ZoneState.ZONE_STATE_READY);
    expect((await rpc(lab, 'hostA', 'readyZone', mut('db01'))).outcome).toBe('already ready');
    expect((await rpc(lab, 'hostA', 'bootZone', { ...mut('db01'), bootArgs: [] })).state).toBe(ZoneState.ZONE_STATE_RUNNING);
    expect((await rpc(lab, 'hostA', 'bootZone', { ...mut('db01'), bootArgs: [] })).outcome).toBe('already running');
    const running = await refusal(rpc(lab, 'hostA', 'detachZone', mut('db01')));
    expect(running.code).toBe('ZONE_WRONG_STATE');
    const detached = await refusal(rpc(lab, 'hostB', 'bootZone', { ...mut('db01'), bootArgs: [] }));
    expect(detached.code).toBe('ZONE_WRONG_STATE');
    expect((await refusal(rpc(lab, 'hostB', 'haltZone', mut('nosuch')))).code).toBe('ZONE_NOT_FOUND');
  });

  it('stops a zone gracefully with ShutdownZone, and detaches only when nothing is mounted below it', async ({ lab }) => {
    const down = await rpc(lab, 'hostA', 'shutdownZone', { ...mut('db01'), timeoutMs: 20_000 });
    expect(down).toMatchObject({ state: ZoneState.ZONE_STATE_INSTALLED, changed: true });
    expect(down.commands.map((c: Reply) => c.argv.slice(1).join(' '))).toContain('db01 shutdown -y -g0 -i0');
    expect((await rpc(lab, 'hostA', 'shutdownZone', { ...mut('db01'), timeoutMs: 20_000 })).outcome).toBe('already installed');
    // Something an operator left mounted inside the zonepath blocks detach.
    fs.mkdirSync(path.join(lab.env('hostA').root, 'zones/db01/root/mnt/cdrom'), { recursive: true });
    expect(lab.sh('hostA', 'mount', ['-F', 'lofs', '/export/zones', '/zones/db01/root/mnt/cdrom']).code).toBe(0);
    const blocked = await refusal(rpc(lab, 'hostA', 'detachZone', mut('db01')));
    expect(blocked.code).toBe('PRECONDITION_FAILED');
    expect(blocked.message).toContain('/zones/db01/root/mnt/cdrom');
    expect(lab.sh('hostA', 'umount', ['/zones/db01/root/mnt/cdrom']).code).toBe(0);
    expect((await rpc(lab, 'hostA', 'detachZone', mut('db01'))).state).toBe(ZoneState.ZONE_STATE_CONFIGURED);
    expect((await rpc(lab, 'hostA', 'detachZone', mut('db01'))).outcome).toBe('already detached');
  });

  it('validates an attach without changing anything, deletes a configuration, converts only solaris8 zones', async ({ lab }) => {
    const check = await rpc(lab, 'hostC', 'attachZone', { ...mut('db01'), force: false, validateOnly: true });
    expect(check.attached).toBe(false);
    expect((await rpc(lab, 'hostC', 'getZone', { zone: 'db01' })).zone.state).toBe(ZoneState.ZONE_STATE_CONFIGURED);
    const convertDetached = await refusal(rpc(lab, 'hostC', 'convertZone', mut('db01')));
    expect(convertDetached.code).toBe('ZONE_WRONG_STATE');
    expect((await rpc(lab, 'hostC', 'deleteZoneConfig', mut('db01'))).changed).toBe(true);
    expect((await rpc(lab, 'hostC', 'deleteZoneConfig', mut('db01'))).outcome).toBe('already deleted');
    const recreated = await rpc(lab, 'hostC', 'createZoneFromDetached', {
      ...mut('db01'), zonepath: '/zones/db01', netRemaps: [{ fromPhysical: 'e1000g0', toPhysical: 'e1000g1', address: '10.2.0.31/24', defrouter: '10.2.0.1' }], deviceRemaps: [],
    });
    expect(recreated.state).toBe(ZoneState.ZONE_STATE_CONFIGURED);
    const net = (await rpc(lab, 'hostC', 'getZone', { zone: 'db01' })).config.net;
    expect(net).toEqual([{ address: '10.2.0.31/24', physical: 'e1000g1', defrouter: '10.2.0.1' }]);
    const badRemap = await refusal(rpc(lab, 'hostC', 'createZoneFromDetached', {
      ...mut('db01'), zonepath: '/zones/db01', netRemaps: [{ fromPhysical: 'qfe0', toPhysical: 'e1000g0', address: '', defrouter: '' }], deviceRemaps: [],
    }));
    expect(badRemap.code).toBe('PRECONDITION_FAILED');
    expect(badRemap.message).toContain('qfe0');
  });
});

describe('storage operations', () => {
  it('refuses to take a group another live host holds, and imports with clear_foreign_lock once it is gone', async ({ lab }) => {
    const held = await refusal(rpc(lab, 'hostB', 'importStorage', { ...mut('db01', 2), ...vx('dbdg'), clearForeignLock: false, temporary: true }));
    expect(held.code).toBe('STORAGE_HELD_ELSEWHERE');
    expect(held.message).toContain('Disk is in use by another host');
    const busy = await refusal(rpc(lab, 'hostA', 'deportStorage', { ...mut('db01'), ...vx('dbdg') }));
    expect(busy.code).toBe('STORAGE_BUSY');
    lab.sh('hostA', 'zoneadm', ['-z', 'db01', 'halt']);
    await rpc(lab, 'hostA', 'unmountFs', { ...mut('db01'), mountPoint: '/data/db01', force: false });
    expect((await rpc(lab, 'hostA', 'unmountFs', { ...mut('db01'), mountPoint: '/data/db01', force: false })).outcome).toBe('already unmounted');
    expect((await rpc(lab, 'hostA', 'listMounts', {})).mounts.map((m: Reply) => m.mountPoint)).not.toContain('/data/db01');
    expect((await rpc(lab, 'hostA', 'deportStorage', { ...mut('db01'), ...vx('dbdg') })).changed).toBe(true);
    expect((await rpc(lab, 'hostB', 'importStorage', { ...mut('db01', 2), ...vx('dbdg'), clearForeignLock: false, temporary: true })).outcome).toBe('imported');
    const mounted = await rpc(lab, 'hostB', 'mountFs', { ...mut('db01', 2), special: '/dev/vx/dsk/dbdg/datavol', mountPoint: '/data/db01', fstype: 'vxfs', options: [] });
    expect(mounted.changed).toBe(true);
    expect((await rpc(lab, 'hostB', 'listMounts', {})).mounts).toContainEqual(expect.objectContaining({ special: '/dev/vx/dsk/dbdg/datavol', mountPoint: '/data/db01', fstype: 'vxfs' }));
    // hostB dies; hostA takes the group back only by clearing the dead host's lock.
    crashHost(lab.env('hostB'));
    expect((await refusal(rpc(lab, 'hostA', 'importStorage', { ...mut('db01', 3), ...vx('dbdg'), clearForeignLock: false, temporary: true }))).code).toBe('STORAGE_HELD_ELSEWHERE');
    expect((await rpc(lab, 'hostA', 'importStorage', { ...mut('db01', 3), ...vx('dbdg'), clearForeignLock: true, temporary: true })).changed).toBe(true);
  });

  it('snapshots, rolls back, clones and destroys ZFS datasets', async ({ lab }) => {
    const pool = { kind: StorageKind.STORAGE_KIND_ZPOOL, group: 'apppool' };
    expect((await rpc(lab, 'hostB', 'importStorage', { ...mut('db01'), ...pool, clearForeignLock: false, temporary: false })).changed).toBe(true);
    const app = path.join(lab.env('hostB').root, 'export/app');
    fs.writeFileSync(path.join(app, 'state'), 'v1');
    const snap = (verb: SnapshotVerb, cloneTarget = '') => rpc(lab, 'hostB', 'snapshotAction', { ...mut('db01'), verb, snapshot: 'apppool/app@before', cloneTarget, countLinesOf: '' });
    expect((await snap(SnapshotVerb.SNAPSHOT_VERB_CREATE)).changed).toBe(true);
    expect((await snap(SnapshotVerb.SNAPSHOT_VERB_CREATE)).outcome).toBe('already exists');
    fs.writeFileSync(path.join(app, 'state'), 'v2');
    await snap(SnapshotVerb.SNAPSHOT_VERB_ROLLBACK);
    expect(fs.readFileSync(path.join(app, 'state'), 'utf8')).toBe('v1');
    expect((await snap(SnapshotVerb.SNAPSHOT_VERB_CLONE, 'apppool/drill')).changed).toBe(true);
    // The clone depends on the snapshot: destroying it is refused, with zfs's reason.
    const dependent = await refusal(snap(SnapshotVerb.SNAPSHOT_VERB_DESTROY));
    expect(dependent.code).toBe('PRECONDITION_FAILED');
    expect(dependent.message).toContain('apppool/drill');
    const bad = await refusal(rpc(lab, 'hostB', 'snapshotAction', { ...mut('db01'), verb: SnapshotVerb.SNAPSHOT_VERB_CREATE, snapshot: 'apppool/app', cloneTarget: '', countLinesOf: '' }));
    expect(bad.code).toBe('INVALID_ARGUMENT');
  });

  it('queries replication and fails over the DR copy, reporting the records lost', async ({ lab }) => {
    const q = await rpc(lab, 'hostC', 'queryReplication', { group: 'dbdg' });
    expect(q.pairState).toMatch(/Consistent|Synchronized/);
    const early = await refusal(rpc(lab, 'hostC', 'importStorage', { ...mut('db01', 5), ...vx('dbdg'), clearForeignLock: true, temporary: true }));
    expect(early.code).toBe('PRECONDITION_FAILED');
    await new Promise((r) => setTimeout(r, 1500));
    loseSite(lab.dir, 'dc1');
    const failover = await rpc(lab, 'hostC', 'replicationAction', { ...mut('db01', 5), group: 'dbdg', verb: ReplicationVerb.REPLICATION_VERB_FAILOVER });
    expect(failover).toMatchObject({ pairState: 'Failed Over', changed: true });
    expect(failover.lostRecords).toBeGreaterThan(0);
    expect((await rpc(lab, 'hostC', 'replicationAction', { ...mut('db01', 5), group: 'dbdg', verb: ReplicationVerb.REPLICATION_VERB_FAILOVER })).outcome).toBe('already failed over');
    expect((await rpc(lab, 'hostC', 'importStorage', { ...mut('db01', 5), ...vx('dbdg'), clearForeignLock: true, temporary: true })).changed).toBe(true);
    expect((await refusal(rpc(lab, 'hostC', 'queryReplication', { group: 'nosuch' }))).code).toBe('GROUP_NOT_FOUND');
  });
});

describe('probes, host facts and the agent as a service', () => {
  it('probes zone state, TCP, HTTP and a command inside the zone', async ({ lab }) => {
    const port = (JSON.parse(fs.readFileSync(path.join(lab.env('hostA').root, 'zones/db01/root/etc/solsim-app.json'), 'utf8')) as { port: number }).port;
    const probe = (p: Reply) => rpc(lab, 'hostA', 'runProbe', { timeoutMs: 3000, probe: p });
    expect(await probe({ $case: 'zoneState', value: { zone: 'db01' } })).toMatchObject({ healthy: true, detail: 'db01 is running' });
    expect((await probe({ $case: 'tcp', value: { host: '127.0.0.1', port } })).healthy).toBe(true);
    expect((await probe({ $case: 'http', value: { url: `http://127.0.0.1:${port}/`, expectStatus: 200 } })).healthy).toBe(true);
    expect((await probe({ $case: 'zlogin', value: { zone: 'db01', argv: ['test', '-f', 'etc/release'], expectExitCode: 0 } })).healthy).toBe(true);
    await rpc(lab, 'hostA', 'haltZone', mut('db01'));
    expect(await probe({ $case: 'zoneState', value: { zone: 'db01' } })).toMatchObject({ healthy: false, detail: 'db01 is installed' });
    expect((await probe({ $case: 'tcp', value: { host: '127.0.0.1', port } })).detail).toContain('ECONNREFUSED');
    const zl = await probe({ $case: 'zlogin', value: { zone: 'db01', argv: ['true'], expectExitCode: 0 } });
    expect(zl.healthy).toBe(false);
    expect(zl.detail).toContain('running zones');
    expect((await refusal(probe({ $case: 'zlogin', value: { zone: 'db 01', argv: ['true'], expectExitCode: 0 } }))).code).toBe('INVALID_ARGUMENT');
  });

  it('reports host facts: platform, patches, free space, configured storage', async ({ lab }) => {
    const facts = await rpc(lab, 'hostC', 'getHostFacts', { dfPaths: ['/zones', '/'] });
    expect(facts).toMatchObject({ hostname: 'hostC', platform: 'linux', uname: { sysname: 'SunOS', machine: 'sun4v' } });
    expect(facts.patches.map((p: Reply) => `${p.id}-${p.rev}`)).toContain('119254-47');
    expect(facts.df.map((d: Reply) => d.mountedOn)).toEqual(['/zones', '/']);
    expect((await refusal(rpc(lab, 'hostC', 'getHostFacts', { dfPaths: ['/zones/../etc'] }))).code).toBe('INVALID_ARGUMENT');
  });

  it('logs each command with the zone and op it ran for', async ({ lab }) => {
    await rpc(lab, 'hostA', 'haltZone', { mutation: { opId: 'traced-op', epoch: 1, dryRun: false, zone: 'db01' } });
    const log = readLabConfig(lab.dir).hosts.hostA!.agent!.log;
    const lines = readLogLines(log).filter((r) => r.op === 'traced-op');
    expect(lines.filter((r) => r.msg === 'command started')).toEqual(expect.arrayContaining([expect.objectContaining({ zone: 'db01', rpc: 'HaltZone', cmd: 'zoneadm' })]));
  });

  it('finishes the running operation on SIGTERM, then stops', async ({ lab }) => {
    fs.writeFileSync(path.join(lab.env('hostA').root, 'faults.json'), JSON.stringify([{ command: 'zoneadm', args: ['halt'], action: 'delay', ms: 1500 }]));
    const pending = rpc(lab, 'hostA', 'haltZone', mut('db01'));
    await new Promise((r) => setTimeout(r, 400));
    const pid = readLabConfig(lab.dir).hosts.hostA!.agent!.pid;
    process.kill(pid, 'SIGTERM');
    expect((await pending).outcome).toBe('halted');
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && processAlive(pid)) await new Promise((r) => setTimeout(r, 50));
    expect(processAlive(pid)).toBe(false);
    const log = readLogLines(readLabConfig(lab.dir).hosts.hostA!.agent!.log);
    expect(log.map((r) => r.msg)).toEqual(expect.arrayContaining(['shutting down', 'stopped']));
  });

  it('refuses a bad configuration with exit 2 and one line per problem', async () => {
    const dir = fs.mkdtempSync('/tmp/agentcfg-');
    fs.writeFileSync(path.join(dir, 'agent.yaml'), 'listen: nowhere\ntimeouts:\n  defaultMs: -1\n');
    const r = spawnSync(process.execPath, [TWINZONE_CLI(), 'agent', 'run', '--config', path.join(dir, 'agent.yaml')], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('listen: "nowhere" must be HOST:PORT');
    expect(r.stderr).toContain('timeouts.defaultMs: must be a number >= 100');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
