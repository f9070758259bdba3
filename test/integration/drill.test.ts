// The DR drill end to end through the compiled CLI, against real agents and the
// coordinator daemon in a bc-dr lab (db01 running on hostA, replicating dbdg to hostC's
// site): `twinzone drill db01 --site dc2` boots db01-drill on hostC from a TimeFinder
// clone of the replica under the drill address, its checks pass, the report says so, and
// everything is taken apart again — while db01 on hostA never changes state and the dbdg
// RDF pair is never controlled. Then --keep followed by `twinzone drill --cleanup`, and a
// coordinator killed while the drill zone boots: restarted, it carries the drill through
// and takes it apart.
// The checker (I1, I2, I5) runs after each test (coordinator-fixture).
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect } from 'vitest';
import { labEnv } from '../lab/create-lab.js';
import { readCloneSession } from '../solsim/src/state/clones.js';
import { readMnttab } from '../solsim/src/state/mounts.js';
import { readObserverLog, type ObserverRecord } from '../solsim/src/observer.js';
import { readRdfGroup } from '../solsim/src/state/replication.js';
import { readImports } from '../solsim/src/state/san.js';
import { readZoneConfig } from '../solsim/src/state/zone-config.js';
import { kernelZones } from '../solsim/src/state/zone-runtime.js';
import { startCoordinator } from '../lab/processes.js';
import { coordinatorTest as test, runTwinzone, type CoordinatorLab } from '../support/coordinator-fixture.js';
import { FINAL_RUN_STATES, faultsFired, spawnTwinzone, waitFor, writeFaults } from '../support/crash-lab.js';

/** A drill of twelve steps with a pax copy on a shared 2-core machine. */
const DRILL_TIMEOUT_MS = 240_000;

interface ProgressLine {
  started?: { kind: string; zone: string; target: string };
  stepFinished?: { name: string; ok: boolean; outcome: string; durationMs: number };
  finished?: { state: string; reason: string };
}

interface ArtifactRow {
  run_id: string;
  kind: string;
  host: string;
  name: string;
  removed_at_ms: number | null;
}

function artifacts(lab: CoordinatorLab): ArtifactRow[] {
  const db = new Database(lab.coordinator.db, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 2000');
    return db.prepare('SELECT run_id, kind, host, name, removed_at_ms FROM run_artifacts ORDER BY id').all() as ArtifactRow[];
  } finally {
    db.close();
  }
}

async function drill(lab: CoordinatorLab, args: string[]): Promise<{ code: number | null; lines: ProgressLine[]; stderr: string }> {
  const r = await lab.cli(['drill', ...args, '--json'], { timeoutMs: DRILL_TIMEOUT_MS });
  return { code: r.code, lines: r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as ProgressLine), stderr: r.stderr };
}

/** Nothing of the drill is left on hostC: no zone, no import of the clone, no drill mount, no clone session. */
function expectNothingLeftOnHostC(lab: CoordinatorLab): void {
  const env = labEnv(lab.dir, 'hostC');
  expect(readZoneConfig(env, 'db01-drill')).toBeNull();
  expect(kernelZones(env).map(([name]) => name)).not.toContain('db01-drill');
  expect(readImports(env).map((i) => i.group)).toEqual([]);
  expect(readMnttab(env).filter((m) => m.mountPoint.startsWith('/drill') || m.mountPoint.includes('db01-drill'))).toEqual([]);
  expect(fs.existsSync(`${env.root}/zones/db01-drill`)).toBe(false);
  expect(readCloneSession(lab.dir, 'dbdg')).toBeNull();
  expect(artifacts(lab).filter((a) => a.removed_at_ms === null)).toEqual([]);
}

/** Production untouched: no db01 state change anywhere, no SRDF control verb, no change to dbdg on dc1. */
function expectProductionUntouched(after: ObserverRecord[]): void {
  expect(after.filter((r) => r.type === 'zone.state' && r.zone === 'db01')).toEqual([]);
  expect(after.filter((r) => r.type === 'replication')).toEqual([]);
  expect(after.filter((r) => (r.type === 'storage.import' || r.type === 'storage.deport') && r.group === 'dbdg')).toEqual([]);
  expect(after.filter((r) => r.type === 'app.stop' && r.zone === 'db01')).toEqual([]);
}

describe('twinzone drill', () => {
  test('boots db01-drill on hostC from a clone of the replica, passes its checks, reports, and leaves nothing behind', { timeout: 2 * DRILL_TIMEOUT_MS }, async ({ lab }) => {
    const before = lab.observed();
    const pair = readRdfGroup(lab.dir, 'dbdg');
    const run = await drill(lab, ['db01', '--site', 'dc2']);
    expect(run.code, run.stderr + JSON.stringify(run.lines.at(-1))).toBe(0);
    expect(run.lines[0]!.started).toMatchObject({ kind: 'drill', zone: 'db01', target: 'hostC' });
    const steps = run.lines.flatMap((l) => (l.stepFinished ? [l.stepFinished] : []));
    expect(steps.map((s) => s.name)).toEqual([
      'drill-preflight', 'drill-clone', 'drill-import', 'drill-mount', 'drill-create-zone', 'drill-boot', 'drill-checks',
      'drill-halt', 'drill-remove-zone', 'drill-unmount', 'drill-deport', 'drill-terminate',
    ]);
    expect(steps.every((s) => s.ok && s.durationMs >= 0)).toBe(true);
    const report = run.lines.at(-1)!.finished!;
    expect(report.state).toBe('succeeded');
    expect(report.reason).toMatch(/replica dbdg Consistent \(\d+ tracks owed to R2 when cloned\); the clone holds the replica as of \S+Z, [\d.]+ s before the clone/);
    expect(report.reason).toContain('health checks passed: db01-drill on hostC passed zone-state, tcp, http');

    const after = readObserverLog(lab.dir).slice(before);
    // The drill copy ran on hostC, on the clone's data, and nowhere else.
    const drillStates = after.flatMap((r) => (r.type === 'zone.state' && r.zone === 'db01-drill' ? [`${r.host}:${r.to}`] : []));
    expect(drillStates).toContain('hostC:running');
    expect(drillStates.every((s) => s.startsWith('hostC:'))).toBe(true);
    expect(after.filter((r) => r.type === 'app.start' && r.zone === 'db01-drill')).toMatchObject([{ host: 'hostC', dataId: 'dc2/dbdg_drill' }]);
    expect(after.filter((r) => r.type === 'note' && r.text.includes('cannot listen'))).toEqual([]);
    expect(after.filter((r) => r.type === 'clone').map((r) => (r.type === 'clone' ? r.action : ''))).toEqual(['create', 'activate', 'terminate']);
    expectProductionUntouched(after);
    expect(readRdfGroup(lab.dir, 'dbdg')).toEqual(pair);
    expectNothingLeftOnHostC(lab);
    expect(artifacts(lab).map((a) => a.kind).sort()).toEqual(['clone-session', 'drill-zone', 'import', 'mount']);

    // history shows the drill with its steps; status still has db01 live on hostA under epoch 1.
    const history = await lab.cli(['history', 'db01']);
    expect(history.stdout).toMatch(/drill/);
    const status = await lab.cliJson<{ zones: { zone: string; liveHost: string; lease: { holder: string; epoch: number } }[] }>(['status', 'db01']);
    expect(status.json.zones[0]).toMatchObject({ liveHost: 'hostA', lease: { holder: 'hostA', epoch: 1 } });

    // Refusals before anything runs: a production name, no site, no drill address.
    const named = await lab.cliJson<{ error: { code: string; message: string } }>(['drill', 'db01', '--site', 'dc2', '--name', 'web01']);
    expect(named.code).toBe(2);
    expect(named.json.error.message).toMatch(/web01 is a configured zone/);
    expect((await lab.cli(['drill', 'db01'])).code).toBe(2);
  });

  test('--keep leaves the drill running; a second drill is refused; drill --cleanup takes it apart', { timeout: 3 * DRILL_TIMEOUT_MS }, async ({ lab }) => {
    const before = lab.observed();
    const kept = await drill(lab, ['db01', '--site', 'dc2', '--keep']);
    expect(kept.code, kept.stderr + JSON.stringify(kept.lines.at(-1))).toBe(0);
    expect(kept.lines.flatMap((l) => (l.stepFinished ? [l.stepFinished.name] : [])).at(-1)).toBe('drill-checks');
    const env = labEnv(lab.dir, 'hostC');
    expect(kernelZones(env).find(([name]) => name === 'db01-drill')?.[1]).toMatchObject({ state: 'running' });
    expect(artifacts(lab).filter((a) => a.removed_at_ms === null).map((a) => `${a.kind} ${a.host} ${a.name}`)).toEqual([
      'clone-session hostC dbdg', 'import hostC dbdg_drill', 'mount hostC /drill/db01-drill/data/db01', 'drill-zone hostC db01-drill',
    ]);

    const again = await lab.cliJson<{ error: { code: string; message: string } }>(['drill', 'db01', '--site', 'dc2']);
    expect(again.code).toBe(3);
    expect(again.json.error.message).toMatch(/a drill of db01 is already present .*twinzone drill --cleanup db01/);

    const cleanup = await drill(lab, ['--cleanup']);
    expect(cleanup.code, cleanup.stderr + JSON.stringify(cleanup.lines.at(-1))).toBe(0);
    expect(cleanup.lines.flatMap((l) => (l.stepFinished ? [l.stepFinished.name] : []))).toEqual(['drill-halt', 'drill-remove-zone', 'drill-unmount', 'drill-deport', 'drill-terminate']);
    expectNothingLeftOnHostC(lab);
    expectProductionUntouched(readObserverLog(lab.dir).slice(before));

    const nothing = await lab.cliJson<{ error: { message: string } }>(['drill', '--cleanup', 'db01']);
    expect(nothing.code).toBe(3);
    expect(nothing.json.error.message).toMatch(/no drill of db01 is left behind/);
  });

  test('a coordinator killed while the drill zone boots resumes the drill after its restart and leaves nothing behind', { timeout: 3 * DRILL_TIMEOUT_MS }, async ({ lab }) => {
    const before = lab.observed();
    // Holds the drill zone's boot on hostC long enough for the kill to land while it is in flight.
    writeFaults(lab.dir, 'hostC', [{ command: 'zoneadm', argsRegex: '^-z db01-drill boot', action: 'delay', ms: 3_000, times: 1 }]);
    const run = spawnTwinzone(['drill', 'db01', '--site', 'dc2'], lab.coordinator.address);
    const runId = (await run.waitForOutput(/^run (\S+):/m))[1]!;
    await waitFor('the drill zone\'s boot to be in flight on hostC', () => faultsFired(lab.dir, 'hostC') > 0, DRILL_TIMEOUT_MS, 5);
    process.kill(lab.coordinator.pid, 'SIGKILL');
    await waitFor('the killed coordinator to be gone', () => {
      try {
        process.kill(lab.coordinator.pid, 0);
        return false;
      } catch {
        return true;
      }
    });
    await run.exited;
    expect(artifacts(lab).filter((a) => a.removed_at_ms === null).map((a) => a.kind)).toEqual(['clone-session', 'import', 'mount', 'drill-zone']);

    // The same configuration and database; its listen address is the configuration's (a new port).
    const restarted = await startCoordinator(lab.dir, { keepConfig: true });
    const final = await waitFor(
      `drill ${runId} to end after the restart`,
      async () => {
        const r = await runTwinzone(['history', 'db01', '--json'], { ...process.env, TWINZONE_COORDINATOR: restarted.address });
        const found = r.code === 0 ? (JSON.parse(r.stdout) as { runs: { runId: string; state: string; reason?: string }[] }).runs.find((x) => x.runId === runId) : undefined;
        return found && FINAL_RUN_STATES.includes(found.state) ? found : undefined;
      },
      DRILL_TIMEOUT_MS,
      500,
    );
    expect(final.state, final.reason).toBe('succeeded');
    expect(final.reason).toContain('health checks passed');
    expectNothingLeftOnHostC(lab);
    expectProductionUntouched(readObserverLog(lab.dir).slice(before));
  });
});
