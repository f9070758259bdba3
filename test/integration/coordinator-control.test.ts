// The coordinator daemon and its Control service, through the compiled CLI, against real
// agents in a bc-dr lab: status, plan (changes nothing), deltas, confirm-down, history
// and events, a switchover end to end, and the daemon's refusals of bad files (exit 2).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect } from 'vitest';
import { TWINZONE_CLI } from '../lab/processes.js';
import { coordinatorTest as test } from '../support/coordinator-fixture.js';

interface StatusJson {
  zones: { zone: string; liveHost: string; lease: { holder: string; epoch: number; state: string }; twins: { host: string; role: string; state: string }[] }[];
  hosts: { host: string; reachable: boolean; confirmedDown: boolean }[];
}
interface PlanJson {
  steps: { index: number; name: string; host: string; commands: { host: string; argv: string[] }[] }[];
  warnings: string[];
}

describe('coordinator Control service', () => {
  test('status shows where each zone runs, its adopted lease and every host reachable', async ({ lab }) => {
    const { code, json } = await lab.cliJson<StatusJson>(['status']);
    expect(code).toBe(0);
    const db01 = json.zones.find((z) => z.zone === 'db01')!;
    expect(db01.liveHost).toBe('hostA');
    // The coordinator adopted the running zone at start: a first lease for its host.
    expect(db01.lease).toMatchObject({ holder: 'hostA', state: 'held', epoch: 1 });
    expect(db01.twins).toEqual([
      { host: 'hostA', role: 'primary', state: 'running' },
      { host: 'hostB', role: 'bc', state: 'configured' },
      { host: 'hostC', role: 'dr', state: 'configured' },
    ]);
    expect(json.hosts.map((h) => [h.host, h.reachable, h.confirmedDown])).toEqual([
      ['hostA', true, false],
      ['hostB', true, false],
      ['hostC', true, false],
    ]);
    const human = await lab.cli(['status']);
    expect(human.stdout).toMatch(/^db01 +hostA +held +hostA +1 /m);
  });

  test('plan lists the exact command lines per host from dry runs and changes nothing', async ({ lab }) => {
    const before = lab.observed();
    const { code, json } = await lab.cliJson<PlanJson>(['plan', 'switchover', 'db01', '--to', 'hostB']);
    expect(code).toBe(0);
    expect(lab.observed()).toBe(before);
    const argvOf = (name: string) => json.steps.find((s) => s.name === name)!.commands.map((c) => [c.host, path.basename(c.argv[0]!), ...c.argv.slice(1)]);
    expect(argvOf('deport-storage')).toContainEqual(['hostA', 'vxdg', 'deport', 'dbdg']);
    expect(argvOf('import-storage')).toContainEqual(['hostB', 'vxdg', '-t', 'import', 'dbdg']);
    expect(argvOf('mount-fs')).toEqual([['hostB', 'mount', '-F', 'vxfs', '/dev/vx/dsk/dbdg/datavol', '/data/db01']]);
    expect(json.steps.map((s) => s.name)).toEqual([
      'preflight', 'reserve-lease', 'shutdown-zone', 'detach-zone', 'unmount-fs', 'deport-storage',
      'import-storage', 'mount-fs', 'attach-zone', 'boot-zone', 'wait-healthy', 'commit-lease',
    ]);
    // Still running where it was, lease untouched.
    const status = await lab.cliJson<StatusJson>(['status', 'db01']);
    expect(status.json.zones[0]).toMatchObject({ liveHost: 'hostA', lease: { holder: 'hostA', epoch: 1, state: 'held' } });
  });

  test('bad input: exit 2 for usage and unknown kinds, 1 for an unknown zone, 4 for no coordinator', async ({ lab }) => {
    expect((await lab.cli(['plan', 'teleport', 'db01'])).code).toBe(2);
    const unknown = await lab.cliJson<{ error: { code: string; message: string } }>(['plan', 'switchover', 'nosuch']);
    expect(unknown.code).toBe(1);
    expect(unknown.json.error.code).toBe('ZONE_NOT_FOUND');
    const wrongTwin = await lab.cli(['plan', 'switchover', 'db01', '--to', 'hostC']);
    expect(wrongTwin.code).toBe(2);
    expect(wrongTwin.stderr).toContain('dr-switchover');
    const down = await lab.cli(['status', '--coordinator', '127.0.0.1:1']);
    expect(down.code).toBe(4);
    expect(down.stderr).toContain('not answering');
  });

  test('deltas are listed from the target agent and accepted with a record of who', async ({ lab }) => {
    const listed = await lab.cliJson<{ deltas: { name: string; accepted: boolean }[] }>(['deltas', 'db01', '--from', 'hostA', '--to', 'hostC']);
    expect(listed.code).toBe(0);
    // The lab's twins were detached on their own hosts, so attach -n may find nothing;
    // whatever it reports is what gets accepted, and nothing is accepted beforehand.
    expect(listed.json.deltas.every((d) => !d.accepted)).toBe(true);
    const accepted = await lab.cliJson<{ accepted: number }>(['deltas', 'accept', 'db01', '--from', 'hostA', '--to', 'hostC', '--all']);
    expect(accepted.json.accepted).toBe(listed.json.deltas.length);
    const again = await lab.cliJson<{ deltas: { accepted: boolean; acceptedBy: string }[] }>(['deltas', 'db01', '--from', 'hostA', '--to', 'hostC']);
    expect(again.json.deltas.every((d) => d.accepted && d.acceptedBy === 'operator')).toBe(true);
    const events = await lab.cliJson<{ events: { what: string; who: string; result: string }[] }>(['events', '--zone', 'db01', '--who', 'operator']);
    expect(events.json.events).toContainEqual(expect.objectContaining({ what: 'deltas.accept', who: 'operator', result: 'ok' }));
  });

  test('confirm-down records the host and names the leases it held', async ({ lab }) => {
    const r = await lab.cliJson<{ host: string; zones: string[] }>(['confirm-down', 'hostB']);
    expect(r).toMatchObject({ code: 0, json: { host: 'hostB', zones: [] } });
    const status = await lab.cliJson<StatusJson>(['hosts']);
    expect(status.json.hosts.find((h) => h.host === 'hostB')!.confirmedDown).toBe(true);
    expect((await lab.cli(['confirm-down', 'hostZ'])).code).toBe(1);
  });

  test('a DR failover is refused until its site is declared lost, and again once the declaration is withdrawn', async ({ lab }) => {
    const before = lab.observed();
    const refused = await lab.cliJson<{ error: { code: string; message: string } }>(['dr', 'failover', 'db01', '--site', 'dc2']);
    expect(refused.code).toBe(3);
    expect(refused.json.error.code).toBe('PRECONDITION_FAILED');
    expect(refused.json.error.message).toContain('twinzone declare-disaster --site dc1');
    expect(lab.observed()).toBe(before);
    const history = await lab.cliJson<{ runs: unknown[] }>(['history', 'db01']);
    expect(history.json.runs ?? []).toEqual([]);

    const declared = await lab.cliJson<{ site: string; zones: string[]; declaredBy: string; declaredAtMs: number }>(['declare-disaster', '--site', 'dc1', '--reason', 'drill of the rule']);
    expect(declared.json).toMatchObject({ site: 'dc1', zones: expect.arrayContaining(['db01']), declaredBy: 'operator' });
    expect(declared.json.declaredAtMs).toBeGreaterThan(0);
    const cleared = await lab.cliJson<{ cleared: boolean; zones: string[] }>(['declare-disaster', '--site', 'dc1', '--clear']);
    expect(cleared.json).toMatchObject({ cleared: true, zones: [] });
    expect((await lab.cliJson<{ error: { code: string } }>(['dr', 'failover', 'db01', '--site', 'dc2'])).json.error.code).toBe('PRECONDITION_FAILED');
    const events = await lab.cliJson<{ events: { what: string; result: string }[] }>(['events']);
    expect(events.json.events.map((e) => `${e.what}:${e.result}`)).toEqual(expect.arrayContaining(['site.declare-disaster:ok', 'site.clear-disaster:ok', 'control.start-run:refused']));
  });

  test('twinzone switchover db01 --to hostB runs end to end; history and events record it', async ({ lab }) => {
    const run = await lab.cli(['switchover', 'db01', '--to', 'hostB']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/step 9 boot-zone on hostB done/);
    expect(run.stdout).toMatch(/succeeded/);
    const status = await lab.cliJson<StatusJson>(['status', 'db01']);
    expect(status.json.zones[0]).toMatchObject({ liveHost: 'hostB', lease: { holder: 'hostB', state: 'held', epoch: 2 } });
    const history = await lab.cliJson<{ runs: { kind: string; state: string; requestedBy: string; steps: { name: string; commands: { argv: string[] }[] }[] }[] }>(['history', 'db01']);
    expect(history.json.runs[0]).toMatchObject({ kind: 'switchover', state: 'succeeded', requestedBy: 'operator' });
    expect(history.json.runs[0]!.steps.find((s) => s.name === 'deport-storage')!.commands.some((c) => c.argv.includes('deport'))).toBe(true);
    const events = await lab.cliJson<{ events: { what: string; result: string }[] }>(['events', '--zone', 'db01']);
    expect(events.json.events).toContainEqual(expect.objectContaining({ what: 'control.run-finished', result: 'succeeded' }));
  });
});

describe('coordinator daemon start-up refusals', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinzone-coordinator-config-'));
  const run = (config: object | string, inventory?: string) => {
    const inv = path.join(dir, 'inventory.yaml');
    if (inventory !== undefined) fs.writeFileSync(inv, inventory);
    const file = path.join(dir, 'coordinator.json');
    fs.writeFileSync(file, typeof config === 'string' ? config : JSON.stringify(config));
    return spawnSync(process.execPath, [TWINZONE_CLI(), 'coordinator', 'run', '--config', file, '--db', path.join(dir, 'db.sqlite')], { encoding: 'utf8', timeout: 30_000 });
  };

  test('a bad configuration exits 2 with one line per problem', () => {
    const r = run({ listen: 'nowhere', inventory: 'inventory.yaml', logLevel: 'loud', extra: 1 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('invalid configuration');
    expect(r.stderr).toMatch(/listen/);
    expect(r.stderr).toMatch(/logLevel/);
    expect(r.stderr).toMatch(/extra/);
  });

  test('a bad inventory exits 2 naming the file, line and field', () => {
    const r = run({ listen: '127.0.0.1:0', inventory: 'inventory.yaml' }, 'version: 1\nsites:\n  - name: dc1\nhosts:\n  - name: hostA\n    site: dc9\n    agent: 127.0.0.1:1\n');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('invalid inventory');
    expect(r.stderr).toMatch(/inventory\.yaml:6.*hosts\.0\.site/);
  });

  test('missing --db is a usage error', () => {
    const r = spawnSync(process.execPath, [TWINZONE_CLI(), 'coordinator', 'run', '--config', 'x'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('usage: twinzone coordinator run --config FILE --db FILE');
  });
});
