// The sequencer against the real agents of a bc-dr lab (STYLE §11 layer 5): a
// switchover, a first-time migration that waits for attach deltas, a rollback after a
// target step fails, and a resume after the coordinator is abandoned mid-step. The lab
// checker (I1, I2, I5) must find nothing after each.
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';
import { ZoneState } from '../../shared/gen/twinzone/v1/common.js';
import { checkLab, formatViolation } from '../../test/lab/checker.js';
import { readObserverLog } from '../../test/solsim/src/observer.js';
import { agentTest as it, type AgentLab } from '../../test/support/agent-fixture.js';
import { bootFails } from '../../test/support/fault-rules.js';
import { collectProgress, configureLabStorage, openLabCoordinator, zoneStateOn, type LabCoordinator } from '../../test/support/sequencer-fixture.js';
import { deltasFromReply } from './agent-replies.js';
import { planMigrate } from './kinds/migrate.js';
import { planSwitchover } from './kinds/switchover.js';
import type { RunProgressEvent } from './run-progress.js';

const who = { who: 'alice' };

/** What `twinzone deltas accept` records: every delta `attach -n` on the target reports (none for db01's installed twins). */
async function acceptDeltas(c: LabCoordinator, zone: string, from: string, to: string): Promise<void> {
  const epoch = c.leases.get(zone)?.epoch ?? 0;
  const reply = await c.pool.get(to).attachZone({ mutation: { opId: `test-accept-${zone}-${Date.now()}`, epoch, dryRun: false, zone }, force: false, validateOnly: true });
  const deltas = deltasFromReply(reply.deltas);
  c.store.deltas.accept({ zone, fromHost: from, toHost: to }, deltas, 'alice', Date.now());
}

function expectCleanLab(lab: AgentLab): void {
  const report = checkLab(lab.dir);
  expect(report.violations.map(formatViolation)).toEqual([]);
}

function writeFaults(lab: AgentLab, host: string, rules: unknown[]): void {
  fs.writeFileSync(path.join(lab.env(host).root, 'faults.json'), JSON.stringify(rules));
}

const quick = { shutdownTimeoutMs: 10_000, healthTimeoutMs: 30_000 };

it('switches db01 over from hostA to hostB under a new epoch, refusing a second run on the zone', async ({ lab }) => {
  await configureLabStorage(lab);
  const c = openLabCoordinator(lab.dir);
  try {
    expect(c.leases.grant('db01', 'hostA', who)).toMatchObject({ holder: 'hostA', epoch: 1 });
    await acceptDeltas(c, 'db01', 'hostA', 'hostB');
    const plan = planSwitchover(c.inventory, 'db01', { source: 'hostA', target: 'hostB', ...quick });
    const run = c.sequencer.start(plan, 'alice');
    let second: unknown;
    try {
      c.sequencer.start(plan, 'bob');
    } catch (err) {
      second = err;
    }
    expect(second).toMatchObject({ code: 'RUN_IN_PROGRESS' });

    const [events, outcome] = await Promise.all([collectProgress(run.progress), run.done]);
    expect(outcome, outcome.reason ?? '').toMatchObject({ runId: run.runId, state: 'succeeded' });
    expect(c.leases.get('db01')).toMatchObject({ state: 'held', holder: 'hostB', epoch: 2 });
    expect(await zoneStateOn(c, 'hostB', 'db01')).toBe(ZoneState.ZONE_STATE_RUNNING);
    expect(await zoneStateOn(c, 'hostA', 'db01')).toBe(ZoneState.ZONE_STATE_CONFIGURED);

    // Every step started and finished once, in order, with the epoch it carried (I3).
    const started = events.filter((e) => e.type === 'step-started');
    expect(started.map((e) => e.index)).toEqual(plan.steps.map((s) => s.index));
    expect(started.filter((e) => e.host === 'hostA').every((e) => e.epoch === 1)).toBe(true);
    expect(started.filter((e) => e.host === 'hostB').every((e) => e.epoch === 2)).toBe(true);
    const boot = events.find((e) => e.type === 'step-finished' && e.name === 'boot-zone');
    expect(boot).toMatchObject({ ok: true, host: 'hostB' });
    expect(boot?.type === 'step-finished' && boot.commands.some((k) => k.argv.includes('boot'))).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: 'run-finished', state: 'succeeded' });
    // The journal replays as the same events once the run is over.
    expect(await collectProgress(c.sequencer.watch(run.runId))).toEqual(events);

    // hostB's agent has seen epoch 2: a caller still at epoch 1 is refused (dry run: nothing would change anyway).
    const stale = await c.pool
      .get('hostB')
      .haltZone({ mutation: { opId: 'test-stale-1', epoch: 1, dryRun: true, zone: 'db01' } })
      .then(() => null, (e: unknown) => e);
    expect(stale).toMatchObject({ code: 'STALE_EPOCH' });

    await sleep(1_000); // the application writes on hostB for a while: I5 sees the records continue
    expectCleanLab(lab);
  } finally {
    await c.close();
  }
}, 180_000);

it('stops a first-time migration of web01 on unaccepted patch deltas, and finishes it once they are accepted', async ({ lab }) => {
  await configureLabStorage(lab);
  const c = openLabCoordinator(lab.dir);
  try {
    c.leases.grant('web01', 'hostA', who);
    const plan = planMigrate(c.inventory, 'web01', { source: 'hostA', target: 'hostB', ...quick });
    const run = c.sequencer.start(plan, 'alice');
    const [events, outcome] = await Promise.all([collectProgress(run.progress), run.done]);
    expect(outcome.state).toBe('blocked');
    expect(outcome.reason).toContain('twinzone deltas accept web01 --from hostA --to hostB');
    const waiting = events.find((e) => e.type === 'waiting');
    expect(waiting?.type === 'waiting' && waiting.details.deltas).toEqual(expect.arrayContaining([expect.objectContaining({ subject: 'patch', name: '138888' })]));
    expect(events.some((e) => e.type === 'transfer' && e.bytes > 0)).toBe(true);
    expect(c.store.runs.get(run.runId)).toMatchObject({ state: 'blocked', finishedAtMs: null });

    // The operator accepts exactly what the run listed, then retries.
    const deltas = (waiting as Extract<RunProgressEvent, { type: 'waiting' }>).details.deltas as Parameters<typeof c.store.deltas.accept>[1];
    c.store.deltas.accept({ zone: 'web01', fromHost: 'hostA', toHost: 'hostB' }, deltas, 'alice', Date.now());
    const retried = await c.sequencer.retry(run.runId);
    expect(retried).toMatchObject({ state: 'succeeded' });
    expect(c.leases.get('web01')).toMatchObject({ state: 'held', holder: 'hostB', epoch: 2 });
    expect(await zoneStateOn(c, 'hostB', 'web01')).toBe(ZoneState.ZONE_STATE_RUNNING);
    const attaches = c.store.runs.steps(run.runId).filter((s) => s.name === 'attach-zone');
    // Not forced, stopped; not forced again after the retry, deltas all accepted; forced.
    expect(attaches.map((s) => [(s.args as { force: boolean }).force, s.status])).toEqual([[false, 'failed'], [false, 'failed'], [true, 'succeeded']]);
    expectCleanLab(lab);
  } finally {
    await c.close();
  }
}, 180_000);

it('rolls a switchover back when the boot on the target fails: db01 runs on hostA again', async ({ lab }) => {
  await configureLabStorage(lab);
  const c = openLabCoordinator(lab.dir);
  try {
    c.leases.grant('db01', 'hostA', who);
    await acceptDeltas(c, 'db01', 'hostA', 'hostB');
    writeFaults(lab, 'hostB', [bootFails('db01')]);
    const plan = planSwitchover(c.inventory, 'db01', { source: 'hostA', target: 'hostB', ...quick });
    const run = c.sequencer.start(plan, 'alice');
    const [events, outcome] = await Promise.all([collectProgress(run.progress), run.done]);
    expect(outcome.state).toBe('rolled_back');
    expect(outcome.reason).toMatch(/boot-zone failed: .*simulated boot failure.*back on hostA/);
    // Undone in reverse: the target gives everything up before the source takes the storage back (I2).
    const undos = events.filter((e) => e.type === 'step-finished' && e.undo).map((e) => (e.type === 'step-finished' ? `${e.name}@${e.host ?? 'coordinator'}` : ''));
    expect(undos).toEqual([
      'halt-zone@hostB', 'detach-zone@hostB', 'unmount-fs@hostB', 'deport-storage@hostB',
      'import-storage@hostA', 'mount-fs@hostA', 'attach-zone@hostA', 'boot-zone@hostA', 'abort-lease@coordinator',
    ]);
    expect(c.leases.get('db01')).toMatchObject({ state: 'held', holder: 'hostA', epoch: 1, lastEpoch: 2 });
    expect(await zoneStateOn(c, 'hostA', 'db01')).toBe(ZoneState.ZONE_STATE_RUNNING);
    expect(await zoneStateOn(c, 'hostB', 'db01')).toBe(ZoneState.ZONE_STATE_CONFIGURED);
    await sleep(500);
    expectCleanLab(lab);

    // hostB has seen the abandoned epoch 2: the next switchover to it still passes its
    // preflight (whose `attach -n` there carries the epoch hostB is about to get) and goes.
    writeFaults(lab, 'hostB', []);
    const again = await c.sequencer.start(planSwitchover(c.inventory, 'db01', { source: 'hostA', target: 'hostB', ...quick }), 'alice').done;
    expect(again.state, again.reason ?? '').toBe('succeeded');
    expect(c.leases.get('db01')).toMatchObject({ state: 'held', holder: 'hostB', epoch: 3, lastEpoch: 3 });
    expectCleanLab(lab);
  } finally {
    await c.close();
  }
}, 180_000);

it('a rollback that fails on the source ends rollback_failed and gives the reserved epoch up, so a later run is not kept waiting', async ({ lab }) => {
  await configureLabStorage(lab);
  const c = openLabCoordinator(lab.dir);
  try {
    c.leases.grant('db01', 'hostA', who);
    await acceptDeltas(c, 'db01', 'hostA', 'hostB');
    writeFaults(lab, 'hostB', [bootFails('db01')]);
    writeFaults(lab, 'hostA', [{ command: 'vxdg', argsRegex: 'import dbdg$', action: 'fail', exitCode: 1, stderr: 'VxVM vxdg ERROR V-5-1-587 Disk group dbdg: import failed: simulated' }]);
    const plan = planSwitchover(c.inventory, 'db01', { source: 'hostA', target: 'hostB', ...quick });
    const outcome = await c.sequencer.start(plan, 'alice').done;
    expect(outcome.state, outcome.reason ?? '').toBe('rollback_failed');
    expect(outcome.reason).toMatch(/undoing step 5 \(deport-storage on hostA\) failed: .*import failed: simulated.*An operator must/s);
    // Not left migrating: hostA keeps the lease under its own epoch, the reserved one stays spent.
    expect(c.leases.get('db01')).toMatchObject({ state: 'held', holder: 'hostA', epoch: 1, lastEpoch: 2, target: null });
    expect(c.store.events.list({ zone: 'db01' }).map((e) => e.what)).toContain('lease.abort-move');
  } finally {
    await c.close();
  }
}, 180_000);

it('resumes a switchover whose coordinator was abandoned mid-attach, running no step twice', async ({ lab }) => {
  await configureLabStorage(lab);
  const abandon = new AbortController();
  const first = openLabCoordinator(lab.dir, { signal: abandon.signal });
  first.leases.grant('db01', 'hostA', who);
  await acceptDeltas(first, 'db01', 'hostA', 'hostB');
  writeFaults(lab, 'hostB', [{ command: 'zoneadm', args: ['attach'], action: 'delay', ms: 2_000 }]);
  const plan = planSwitchover(first.inventory, 'db01', { source: 'hostA', target: 'hostB', ...quick });
  const run = first.sequencer.start(plan, 'alice');
  for await (const e of run.progress) if (e.type === 'step-started' && e.name === 'attach-zone') break;
  // The coordinator goes away mid-step: nothing more is written, the attach row stays `started`.
  abandon.abort();
  await run.done;
  first.pool.closeAll();
  first.store.close();

  const second = openLabCoordinator(lab.dir);
  try {
    const inDoubt = second.store.runs.steps(run.runId).filter((s) => s.finishedAtMs === null);
    expect(inDoubt.map((s) => s.name)).toEqual(['attach-zone']);
    const outcomes = await second.sequencer.resumeAll();
    expect(outcomes).toEqual([expect.objectContaining({ runId: run.runId, state: 'succeeded' })]);
    // Idempotent: nothing left to resume.
    expect(await second.sequencer.resumeAll()).toEqual([]);
    const rows = second.store.runs.steps(run.runId);
    // One attempt per step, the in-doubt attach settled under its own op id.
    expect(rows.map((s) => [s.stepIndex, s.attempt, s.status])).toEqual(plan.steps.map((s) => [s.index, 1, 'succeeded']));
    expect(rows.find((s) => s.name === 'attach-zone')?.opId).toBe(inDoubt[0]!.opId);
    // The observer saw db01 boot on hostB once.
    const boots = readObserverLog(lab.dir).filter((r) => r.type === 'zone.state' && r.zone === 'db01' && r.host === 'hostB' && r.to === 'running');
    expect(boots).toHaveLength(1);
    expect(second.leases.get('db01')).toMatchObject({ holder: 'hostB', epoch: 2 });
    expectCleanLab(lab);
  } finally {
    await second.close();
  }
}, 180_000);
