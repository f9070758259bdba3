// First-time migrations of web01 against the real agents of a bc-dr lab: the seed's
// --via-file method (pax into a file, the file copied agent to agent, pax out of it),
// and a streamed migration whose target boot fails, which must report the transfer as
// it goes and leave web01 running on hostA again. The checker (I1, I2, I5) runs after each.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';
import { ZoneState } from '../../shared/gen/twinzone/v1/common.js';
import { checkLab, formatViolation } from '../../test/lab/checker.js';
import { agentTest as it, type AgentLab } from '../../test/support/agent-fixture.js';
import { bootFails } from '../../test/support/fault-rules.js';
import { collectProgress, configureLabStorage, openLabCoordinator, zoneStateOn, type LabCoordinator } from '../../test/support/sequencer-fixture.js';
import { planMigrate } from './kinds/migrate.js';
import type { RunProgressEvent } from './run-progress.js';
import type { Delta } from '../store/delta-store.js';

const quick = { shutdownTimeoutMs: 10_000, healthTimeoutMs: 90_000 };

function expectCleanLab(lab: AgentLab): void {
  expect(checkLab(lab.dir).violations.map(formatViolation)).toEqual([]);
}

function sha256Of(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/**
 * Starts the migration, which stops on web01's patch deltas (hostB is patched
 * differently), accepts exactly what it listed, as `twinzone deltas accept` would, and
 * continues the same run. Returns the first leg's events (up to the stop) and the final outcome.
 */
async function migrateAcceptingDeltas(c: LabCoordinator, viaFile?: string) {
  const plan = planMigrate(c.inventory, 'web01', { source: 'hostA', target: 'hostB', ...quick, ...(viaFile ? { viaFile } : {}) });
  const run = c.sequencer.start(plan, 'alice');
  const [events, first] = await Promise.all([collectProgress(run.progress), run.done]);
  expect(first.state, first.reason ?? '').toBe('blocked');
  const waiting = events.find((e): e is Extract<RunProgressEvent, { type: 'waiting' }> => e.type === 'waiting');
  c.store.deltas.accept({ zone: 'web01', fromHost: 'hostA', toHost: 'hostB' }, waiting!.details.deltas as Delta[], 'alice', Date.now());
  const outcome = await c.sequencer.retry(run.runId);
  return { plan, runId: run.runId, outcome, events };
}

it('migrates web01 --via-file: pax into a file on hostA, the file copied agent to agent, pax out of it on hostB', async ({ lab }) => {
  await configureLabStorage(lab);
  const c = openLabCoordinator(lab.dir, { leaseTtlMs: 120_000 });
  try {
    c.leases.grant('web01', 'hostA', { who: 'alice' });
    const archive = '/var/tmp/web01.pax';
    for (const host of ['hostA', 'hostB']) fs.mkdirSync(path.join(lab.env(host).root, 'var/tmp'), { recursive: true });
    const { plan, runId, outcome } = await migrateAcceptingDeltas(c, archive);
    expect(outcome, outcome.reason ?? '').toMatchObject({ state: 'succeeded' });

    const steps = c.store.runs.steps(runId).filter((s) => s.status === 'succeeded');
    const where = (name: string) => steps.filter((s) => s.name === name).map((s) => s.host);
    expect(where('create-archive-file')).toEqual(['hostA']);
    expect(where('copy-archive-file')).toEqual(['hostB']);
    expect(where('extract-archive-file')).toEqual(['hostB']);
    expect(plan.steps.some((s) => s.name === 'pull-zonepath')).toBe(false);
    // The copy is the same file, byte for byte, and no partial copy is left beside it.
    const onA = path.join(lab.env('hostA').root, archive);
    const onB = path.join(lab.env('hostB').root, archive);
    expect(sha256Of(onB)).toBe(sha256Of(onA));
    expect(fs.readdirSync(path.dirname(onB)).filter((n) => n.includes('partial'))).toEqual([]);
    expect((fs.statSync(onB).mode & 0o777).toString(8)).toBe('600');

    expect(c.leases.get('web01')).toMatchObject({ state: 'held', holder: 'hostB' });
    expect(await zoneStateOn(c, 'hostB', 'web01')).toBe(ZoneState.ZONE_STATE_RUNNING);
    await sleep(1_000);
    expectCleanLab(lab);
  } finally {
    await c.close();
  }
}, 180_000);

it('reports a streamed transfer as it goes, and rolls the migration back when the boot on hostB fails: web01 runs on hostA again', async ({ lab }) => {
  await configureLabStorage(lab);
  const c = openLabCoordinator(lab.dir, { leaseTtlMs: 120_000 });
  try {
    c.leases.grant('web01', 'hostA', { who: 'alice' });
    // A zonepath big enough for the transfer to be watched while it runs.
    const zonepath = c.inventory.zones.find((z) => z.name === 'web01')!.zonepath;
    const ballast = path.join(lab.env('hostA').root, zonepath, 'root', 'var', 'ballast.bin');
    fs.mkdirSync(path.dirname(ballast), { recursive: true });
    fs.writeFileSync(ballast, Buffer.alloc(160 * 1024 * 1024, 7));
    fs.writeFileSync(path.join(lab.env('hostB').root, 'faults.json'), JSON.stringify([bootFails('web01')]));

    const { runId, outcome, events } = await migrateAcceptingDeltas(c);
    expect(outcome.state, outcome.reason ?? '').toBe('rolled_back');
    expect(outcome.reason).toMatch(/boot-zone failed: .*simulated boot failure/);

    // Progress arrived while the pull ran (before its step finished), counting up to the estimate.
    const pull = events.findIndex((e) => e.type === 'step-finished' && e.name === 'pull-zonepath');
    const during = events.slice(0, pull).filter((e): e is Extract<RunProgressEvent, { type: 'transfer' }> => e.type === 'transfer');
    expect(during.length).toBeGreaterThan(0);
    // The estimate arrives once the source has walked the tree, which may be after the first poll.
    const estimated = during.filter((e) => e.totalBytes !== null);
    expect(estimated.length).toBeGreaterThan(0);
    expect(estimated.every((e) => e.totalBytes! >= 160 * 1024 * 1024)).toBe(true);
    expect(during.map((e) => e.bytes)).toEqual([...during.map((e) => e.bytes)].sort((a, b) => a - b));
    const finished = events[pull] as Extract<RunProgressEvent, { type: 'step-finished' }>;
    expect(finished.ok).toBe(true);

    // The source's steps were undone under its own epoch: the pull's read of hostA did not move hostA's fence.
    const undone = c.store.runs.steps(runId).filter((s) => s.host === 'hostA' && s.status === 'undone');
    expect(undone.map((s) => s.name).sort()).toEqual(['attach-zone', 'boot-zone', 'import-storage', 'mount-fs']);
    expect(undone.every((s) => s.epoch === 1)).toBe(true);
    expect(c.leases.get('web01')).toMatchObject({ state: 'held', holder: 'hostA', epoch: 1 });
    expect(await zoneStateOn(c, 'hostA', 'web01')).toBe(ZoneState.ZONE_STATE_RUNNING);
    await sleep(1_000);
    expectCleanLab(lab);
  } finally {
    await c.close();
  }
}, 180_000);
