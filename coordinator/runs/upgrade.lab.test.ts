// Rolling upgrade with fallback against the real agents of the `rolling` lab (app01's
// data on the ZFS pool apppool): the success path (snapshot taken and destroyed, app01
// on hostB, hostA's twin left detached), and a probation that fails because app01's
// application dies on hostB: the run falls back to hostA, rolls the data back to the
// snapshot before app01 boots there, and reports how many records it discarded; and an
// upgrade resumed after its coordinator went away during the probation. The checker
// (I1, I2, I5) runs after each.
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { ZoneState } from '../../shared/gen/twinzone/v1/common.js';
import { checkLab, formatViolation } from '../../test/lab/checker.js';
import { registerPreset } from '../../test/lab/presets/bc-dr.js';
import { rollingPreset } from '../../test/lab/presets/rolling.js';
import { datasetDir, readGroup } from '../../test/solsim/src/state/san.js';
import { kernelZones } from '../../test/solsim/src/state/zone-runtime.js';
import { agentTestOn, type AgentLab } from '../../test/support/agent-fixture.js';
import { collectProgress, configureLabStorage, openLabCoordinator, zoneStateOn, type LabCoordinator } from '../../test/support/sequencer-fixture.js';
import { deltasFromReply } from './agent-replies.js';
import { planUpgrade, upgradeSnapshotTag } from './kinds/upgrade.js';
import type { RunProgressEvent } from './run-progress.js';

registerPreset(rollingPreset);
const it = agentTestOn('rolling');

/** A run of fifteen steps on a shared 2-core machine takes minutes when others load it. */
const LAB_TIMEOUT_MS = 300_000;
const quick = { shutdownTimeoutMs: 10_000, healthTimeoutMs: 120_000 };
const storage = [
  { kind: 'zpool', name: 'apppool' },
  { kind: 'vxdg', name: 'dbdg' },
];

async function acceptDeltas(c: LabCoordinator, zone: string, from: string, to: string): Promise<void> {
  const epoch = c.leases.get(zone)?.epoch ?? 0;
  const reply = await c.pool.get(to).attachZone({ mutation: { opId: `test-accept-${zone}-${Date.now()}`, epoch, dryRun: false, zone }, force: false, validateOnly: true });
  c.store.deltas.accept({ zone, fromHost: from, toHost: to }, deltasFromReply(reply.deltas), 'alice', Date.now());
}

function expectCleanLab(lab: AgentLab): void {
  expect(checkLab(lab.dir).violations.map(formatViolation)).toEqual([]);
}

/** app01's record log on the SAN (whoever has the pool imported writes here). */
function records(lab: AgentLab): string[] {
  const file = path.join(datasetDir(lab.dir, 'dc1', 'apppool', 'apppool/app01'), 'records.log');
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
}

/** Snapshots the pool holds, as the simulated SAN stores them. */
function poolSnapshots(lab: AgentLab): string[] {
  return Object.keys((readGroup(lab.dir, 'dc1', 'zpool', 'apppool')?.snapshots ?? {}) as Record<string, unknown>);
}

/** A coordinator over the lab with app01 held by hostA and its deltas to hostB accepted, and an upgrade plan to hostB. */
async function upgradeSetup(lab: AgentLab, upgrade: { probationMs: number; rollbackData: boolean }, signal?: AbortSignal) {
  await configureLabStorage(lab, storage);
  const c = openLabCoordinator(lab.dir, { leaseTtlMs: 120_000, ...(signal && { signal }) });
  c.leases.grant('app01', 'hostA', { who: 'alice' });
  await acceptDeltas(c, 'app01', 'hostA', 'hostB');
  const tag = upgradeSnapshotTag(Date.now());
  const plan = planUpgrade(c.inventory, 'app01', { source: 'hostA', target: 'hostB', ...upgrade, keepSnapshot: false, snapshotTag: tag, ...quick });
  return { c, tag, plan };
}

it('upgrades app01 to hostB: snapshot taken, probation passed, lease committed, snapshot destroyed, hostA left detached', async ({ lab }) => {
  const { c, tag, plan } = await upgradeSetup(lab, { probationMs: 4_000, rollbackData: false });
  try {
    const run = c.sequencer.start(plan, 'alice');
    const [events, outcome] = await Promise.all([collectProgress(run.progress), run.done]);
    expect(outcome.state, outcome.reason ?? '').toBe('succeeded');
    expect(outcome.reason).toMatch(/stayed healthy on hostB for the 4000 ms probation/);
    expect(outcome.reason).toContain(`snapshot apppool/app01@${tag} destroyed`);
    expect(c.leases.get('app01')).toMatchObject({ state: 'held', holder: 'hostB', epoch: 2 });
    expect(await zoneStateOn(c, 'hostB', 'app01')).toBe(ZoneState.ZONE_STATE_RUNNING);
    // The old twin stays detached as the fallback configuration (seed).
    const a = await c.pool.get('hostA').getZone({ zone: 'app01' });
    expect(a.zone?.state).toBe(ZoneState.ZONE_STATE_CONFIGURED);
    expect(a.detachedManifest).toBe(true);

    // The snapshot was made on hostA, recorded, and is gone from the pool.
    const order = events.flatMap((e) => (e.type === 'step-finished' && !e.undo ? [e.name] : []));
    expect(order.indexOf('shutdown-zone')).toBeLessThan(order.indexOf('snapshot-data'));
    expect(order.indexOf('snapshot-data')).toBeLessThan(order.indexOf('detach-zone'));
    expect(order.slice(-3)).toEqual(['probation', 'commit-lease', 'drop-snapshot']);
    expect(c.store.artifacts.ofRun(run.runId)).toMatchObject([{ kind: 'snapshot', host: 'hostA', name: `apppool/app01@${tag}` }]);
    expect(c.store.artifacts.ofRun(run.runId)[0]!.removedAtMs).not.toBeNull();
    expect(poolSnapshots(lab)).toEqual([]);
    // The probation announced itself as run events.
    expect(events.some((e) => e.type === 'waiting' && e.reason.startsWith('probation: watching app01 on hostB'))).toBe(true);
    expectCleanLab(lab);
  } finally {
    await c.close();
  }
}, LAB_TIMEOUT_MS);

it('falls back to hostA when app01 dies on hostB during probation, rolls the data back and reports the records discarded', async ({ lab }) => {
  const { c, tag, plan } = await upgradeSetup(lab, { probationMs: 120_000, rollbackData: true });
  try {
    const run = c.sequencer.start(plan, 'alice');
    const events: RunProgressEvent[] = [];
    let writtenOnB = -1;
    for await (const e of run.progress) {
      events.push(e);
      if (e.type === 'waiting' && e.reason.startsWith('probation: watching') && writtenOnB < 0) {
        // Let the new holder write for a while, then kill its application (the upgrade broke it).
        await new Promise((r) => setTimeout(r, 1_500));
        const app = kernelZones(lab.env('hostB')).find(([z]) => z === 'app01')?.[1].appPid;
        expect(app).toBeTruthy();
        process.kill(app!, 'SIGKILL');
        await new Promise((r) => setTimeout(r, 100));
        writtenOnB = records(lab).filter((l) => l.split(' ')[1] === 'hostB').length;
      }
    }
    const outcome = await run.done;
    expect(writtenOnB).toBeGreaterThan(0);
    expect(outcome.state, outcome.reason ?? '').toBe('rolled_back');
    expect(outcome.reason).toMatch(/^probation failed: (tcp|http) .*times in a row on hostB/);
    expect(outcome.reason).toContain('app01 is back on hostA');
    expect(outcome.reason).toContain(`data rolled back to apppool/app01@${tag}, ${writtenOnB} records written during probation discarded`);

    // app01 runs on hostA again, on data without a single record hostB wrote.
    expect(await zoneStateOn(c, 'hostA', 'app01')).toBe(ZoneState.ZONE_STATE_RUNNING);
    expect(c.leases.get('app01')).toMatchObject({ state: 'held', holder: 'hostA', epoch: 1 });
    await new Promise((r) => setTimeout(r, 500));
    const after = records(lab);
    expect(after.filter((l) => l.split(' ')[1] === 'hostB')).toEqual([]);
    expect(after.map((l) => Number(l.split(' ')[0]))).toEqual(after.map((_l, i) => i + 1));
    // The rollback ran on hostA after its mount and before its boot.
    const undos = events.flatMap((e) => (e.type === 'step-finished' && e.undo ? [`${e.name}@${e.host ?? '-'}`] : []));
    expect(undos.indexOf('mount-fs@hostA')).toBeLessThan(undos.indexOf('restore-data@-'));
    expect(undos.indexOf('restore-data@-')).toBeLessThan(undos.indexOf('boot-zone@hostA'));
    expect(c.store.artifacts.live('app01')).toEqual([]);
    expect(poolSnapshots(lab)).toEqual([]);
    expectCleanLab(lab);
  } finally {
    await c.close();
  }
}, LAB_TIMEOUT_MS);

it('resumes an upgrade whose coordinator went away during the probation: the probation is watched again, then the commit and the snapshot end', async ({ lab }) => {
  const abandon = new AbortController();
  const { c: first, tag, plan } = await upgradeSetup(lab, { probationMs: 4_000, rollbackData: true }, abandon.signal);
  const run = first.sequencer.start(plan, 'alice');
  for await (const e of run.progress) if (e.type === 'waiting' && e.reason.startsWith('probation: watching')) break;
  // The coordinator goes away mid-probation: the probation row stays `started`.
  abandon.abort();
  await run.done;
  first.pool.closeAll();
  first.store.close();

  const second = openLabCoordinator(lab.dir, { leaseTtlMs: 120_000 });
  try {
    const inDoubt = second.store.runs.steps(run.runId).filter((s) => s.finishedAtMs === null);
    expect(inDoubt.map((s) => s.name)).toEqual(['probation']);
    const outcomes = await second.sequencer.resumeAll();
    expect(outcomes).toEqual([expect.objectContaining({ runId: run.runId, state: 'succeeded' })]);
    const rows = second.store.runs.steps(run.runId);
    expect(rows.map((s) => [s.stepIndex, s.attempt, s.status])).toEqual(plan.steps.map((s) => [s.index, 1, 'succeeded']));
    expect(rows.find((s) => s.name === 'probation')?.opId).toBe(inDoubt[0]!.opId);
    expect(second.leases.get('app01')).toMatchObject({ state: 'held', holder: 'hostB', epoch: 2 });
    expect(second.store.artifacts.ofRun(run.runId)).toEqual([expect.objectContaining({ kind: 'snapshot', name: `apppool/app01@${tag}`, removedAtMs: expect.any(Number) })]);
    expect(poolSnapshots(lab)).toEqual([]);
    expectCleanLab(lab);
  } finally {
    await second.close();
  }
}, LAB_TIMEOUT_MS);
