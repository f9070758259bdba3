// The operator's side of automation through the compiled CLI, against real agents and the
// coordinator daemon in a bc-dr lab: `twinzone restart ZONE` halts and boots the zone in
// place under its lease's epoch (nothing moves), and `twinzone freeze|unfreeze` records
// who froze what and why, shows it in status, and is audited. Checker after each test.
import { describe, expect } from 'vitest';
import { labEnv } from '../lab/create-lab.js';
import { runCaptured } from '../solsim/src/command.js';
import { commands } from '../solsim/src/commands/index.js';
import { readObserverLog } from '../solsim/src/observer.js';
import { coordinatorTest as test } from '../support/coordinator-fixture.js';

interface ZoneJson {
  zone: string;
  liveHost: string;
  lease: { holder: string; epoch: number; state: string };
  frozen: boolean;
  frozenReason: string;
  frozenBy: string;
}
interface EventJson {
  what: string;
  who: string;
  zone: string;
  result: string;
  detailsJson: string;
}

describe('twinzone restart', () => {
  test('halts and boots the zone on its holder under the same epoch, then checks it', { timeout: 240_000 }, async ({ lab }) => {
    const before = readObserverLog(lab.dir).length;
    const plan = await lab.cliJson<{ steps: { name: string; host: string }[] }>(['plan', 'restart', 'db01']);
    expect(plan.json.steps.map((s) => s.name)).toEqual(['preflight', 'shutdown-zone', 'import-storage', 'mount-fs', 'attach-zone', 'boot-zone', 'wait-healthy']);
    const run = await lab.cli(['restart', 'db01', '--json'], { timeoutMs: 180_000 });
    expect(run.code, run.stderr).toBe(0);
    const events = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { started?: { kind: string; source: string; target: string }; finished?: { state: string } });
    expect(events[0]!.started).toMatchObject({ kind: 'restart', source: 'hostA', target: 'hostA' });
    expect(events.at(-1)!.finished?.state).toBe('succeeded');
    // The zone went down and came back up on hostA only; its storage never moved (the
    // import, mount and attach found everything in place).
    const after = readObserverLog(lab.dir).slice(before);
    const states = after.flatMap((r) => (r.type === 'zone.state' && r.zone === 'db01' ? [`${r.host}:${r.to}`] : []));
    expect(states).toContain('hostA:installed');
    expect(states.at(-1)).toBe('hostA:running');
    expect(states.every((s) => s.startsWith('hostA:'))).toBe(true);
    expect(after.filter((r) => r.type === 'storage.import' || r.type === 'storage.deport')).toEqual([]);
    const status = await lab.cliJson<{ zones: ZoneJson[] }>(['status', 'db01']);
    expect(status.json.zones[0]).toMatchObject({ liveHost: 'hostA', lease: { holder: 'hostA', epoch: 1, state: 'held' } });

    // A zone not in the inventory, and an option restart does not take.
    const unknown = await lab.cliJson<{ error: { code: string } }>(['restart', 'nosuch']);
    expect(unknown.code).toBe(1);
    expect(unknown.json.error.code).toBe('ZONE_NOT_FOUND');
    expect((await lab.cli(['restart', 'db01', '--to', 'hostB'])).code).toBe(2);
  });
});

describe('twinzone restart after a move left the zone down on its holder', () => {
  test('brings it up from detached with its storage deported, under the same epoch', { timeout: 240_000 }, async ({ lab }) => {
    // Adopted at the coordinator's start: hostA holds the lease.
    await expect.poll(async () => (await lab.cliJson<{ zones: ZoneJson[] }>(['status', 'db01'])).json.zones[0]?.lease?.state, { timeout: 60_000, interval: 1000 }).toBe('held');
    // What a switchover whose rollback failed can leave while hostA still holds the lease:
    // the zone detached, its file system unmounted, its disk group deported.
    const hostA = labEnv(lab.dir, 'hostA');
    for (const [name, argv] of [
      ['zoneadm', ['-z', 'db01', 'halt']],
      ['zoneadm', ['-z', 'db01', 'detach']],
      ['umount', ['/data/db01']],
      ['vxdg', ['deport', 'dbdg']],
    ] as const) {
      const r = await runCaptured(commands[name]!, hostA, name, argv);
      expect(r.code, `${name} ${argv.join(' ')}: ${r.stderr}`).toBe(0);
    }
    const run = await lab.cli(['restart', 'db01', '--json'], { timeoutMs: 180_000 });
    expect(run.code, run.stdout.slice(-1500) + run.stderr).toBe(0);
    const status = await lab.cliJson<{ zones: ZoneJson[] }>(['status', 'db01']);
    expect(status.json.zones[0]).toMatchObject({ liveHost: 'hostA', lease: { holder: 'hostA', epoch: 1, state: 'held' } });
    const imports = readObserverLog(lab.dir).filter((r) => r.type === 'storage.import');
    expect(imports.at(-1)).toMatchObject({ host: 'hostA' });
  });
});

describe('twinzone freeze and unfreeze', () => {
  test('freeze records who and why, shows in status, is idempotent, and unfreeze lifts it', { timeout: 120_000 }, async ({ lab }) => {
    const frozen = await lab.cliJson<{ frozen: boolean; zones: string[] }>(['freeze', 'db01', '--reason', 'patching the SAN']);
    expect(frozen).toMatchObject({ code: 0, json: { frozen: true, zones: ['db01'] } });
    const again = await lab.cliJson<{ zones: string[] }>(['freeze', 'db01', '--reason', 'something else']);
    expect(again.json.zones).toEqual([]);

    const status = await lab.cliJson<{ zones: ZoneJson[] }>(['status']);
    const db01 = status.json.zones.find((z) => z.zone === 'db01')!;
    expect(db01).toMatchObject({ frozen: true, frozenReason: 'patching the SAN', frozenBy: 'operator' });
    expect(status.json.zones.find((z) => z.zone === 'web01')!.frozen).toBe(false);
    const human = await lab.cli(['status']);
    expect(human.stdout).toContain('db01 is frozen by operator: patching the SAN');

    const all = await lab.cliJson<{ zones: string[] }>(['freeze', '--all']);
    expect(all.json.zones).toEqual(['web01']);
    const thawed = await lab.cliJson<{ frozen: boolean; zones: string[] }>(['unfreeze', '--all']);
    expect(thawed.json).toEqual({ frozen: false, zones: ['web01', 'db01'] });
    expect((await lab.cliJson<{ zones: ZoneJson[] }>(['status'])).json.zones.every((z) => !z.frozen)).toBe(true);

    const events = await lab.cliJson<{ events: EventJson[] }>(['events', '--zone', 'db01']);
    const changes = events.json.events.filter((e) => e.what === 'zone.frozen' || e.what === 'zone.unfrozen');
    expect(changes.map((e) => [e.what, e.who, (JSON.parse(e.detailsJson) as { reason: string }).reason])).toEqual([
      ['zone.frozen', 'operator', 'patching the SAN'],
      ['zone.unfrozen', 'operator', ''],
    ]);
    expect(events.json.events.some((e) => e.what === 'control.set-freeze' && e.result === 'ok')).toBe(true);

    // Bad usage exits 2, an unknown zone 1.
    expect((await lab.cli(['freeze'])).code).toBe(2);
    expect((await lab.cli(['freeze', 'db01', '--all'])).code).toBe(2);
    const unknown = await lab.cliJson<{ error: { code: string } }>(['unfreeze', 'nosuch']);
    expect(unknown.code).toBe(1);
    expect(unknown.json.error.code).toBe('ZONE_NOT_FOUND');
  });
});
