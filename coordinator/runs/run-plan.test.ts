import { describe, expect, it } from 'vitest';
import { loadInventory } from '../inventory/load-inventory.js';
import { planDrFailover } from './kinds/dr-failover.js';
import { planDrSwitchover } from './kinds/dr-switchover.js';
import { planFailover } from './kinds/failover.js';
import { planFallback } from './kinds/fallback.js';
import { planMigrate } from './kinds/migrate.js';
import { planSwitchover } from './kinds/switchover.js';
import { draft, undoChain, type RunPlan } from './run-plan.js';

const inventory = loadInventory(new URL('../../deploy/inventory.example.yaml', import.meta.url).pathname);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const names = (plan: RunPlan, chain: ReturnType<typeof undoChain>) => chain.undos.map((u) => `${u.undo.name}@${u.undo.host ?? 'coordinator'}`);

const ALL: RunPlan[] = [
  planSwitchover(inventory, 'db01', { source: 'hostA', target: 'hostB' }),
  planFailover(inventory, 'db01', { source: 'hostA', target: 'hostB' }),
  planMigrate(inventory, 'web01', { source: 'hostA', target: 'hostB' }),
  planMigrate(inventory, 'web01', { source: 'hostA', target: 'hostB', viaFile: '/var/tmp/web01.pax' }),
  planFallback(inventory, 'db01', { source: 'hostB', target: 'hostA' }),
  planDrSwitchover(inventory, 'db01', { source: 'hostA', target: 'hostC' }),
  planDrFailover(inventory, 'db01', { source: 'hostA', target: 'hostC' }),
];

describe('undoChain', () => {
  const switchover = ALL[0]!;

  it('a switchover whose twin fails its health checks goes back the way it came (DESIGN: undo on the target, re-import on the source, attach, boot)', () => {
    // done: preflight .. boot-zone (0..9); wait-healthy (10) failed, and has nothing to undo.
    const chain = undoChain(switchover, range(10), 10);
    expect(names(switchover, chain)).toEqual([
      'halt-zone@hostB', 'detach-zone@hostB', 'unmount-fs@hostB', 'deport-storage@hostB',
      'import-storage@hostA', 'mount-fs@hostA', 'attach-zone@hostA', 'boot-zone@hostA',
      'abort-lease@coordinator',
    ]);
    expect(chain.stopsAt).toBeNull();
    expect(chain.undos.find((u) => u.undo.name === 'attach-zone')!.undo.args).toEqual({ force: true, forceIfAccepted: false, deltasFrom: null });
    expect(chain.undos.find((u) => u.undo.name === 'import-storage')!.undo.args).toEqual({ kind: 'vxdg', group: 'dbdg', clearForeignLock: false, temporary: true });
  });

  it('undoes the failed step first: a timed-out import may have happened', () => {
    const chain = undoChain(switchover, range(6), 6);
    expect(names(switchover, chain)).toEqual([
      'deport-storage@hostB', 'import-storage@hostA', 'mount-fs@hostA', 'attach-zone@hostA', 'boot-zone@hostA', 'abort-lease@coordinator',
    ]);
  });

  it('is, for every kind and every point of failure, the reverse of the steps done that have an undo, each on its own host', () => {
    for (const plan of ALL) {
      for (let k = 0; k <= plan.steps.length; k++) {
        const chain = undoChain(plan, range(k));
        const done = range(k).reverse();
        const stop = done.find((i) => !plan.steps[i]!.reversible);
        const expected = done.filter((i) => stop === undefined || i > stop).filter((i) => plan.steps[i]!.undo !== null);
        expect(chain.undos.map((u) => u.of), `${plan.kind} after ${k} steps`).toEqual(expected);
        expect(chain.stopsAt).toBe(stop ?? null);
        for (const u of chain.undos) expect(u.undo.host).toBe(plan.steps[u.of]!.host);
      }
    }
  });

  it('stops at a step that cannot be undone: after the SRDF swap a DR switchover is not rolled back', () => {
    const dr = ALL[5]!;
    const establish = dr.steps.findIndex((s) => s.name === 'replication-establish');
    const swap = dr.steps.findIndex((s) => s.name === 'replication-swap');
    expect(undoChain(dr, range(establish), establish)).toEqual({ undos: [], stopsAt: swap });
  });

  it('a committed move is not undone', () => {
    const commit = switchover.steps.findIndex((s) => s.name === 'commit-lease');
    expect(undoChain(switchover, range(commit + 1)).stopsAt).toBe(commit);
  });

  it('refuses an index outside the plan', () => {
    expect(() => undoChain(switchover, [42])).toThrow(RangeError);
  });
});

describe('epochs (I3)', () => {
  it('every plan runs its source steps under the current epoch and its target steps under the next', () => {
    for (const plan of ALL) {
      for (const step of plan.steps) {
        if (step.host === plan.source) expect(step.epoch, `${plan.kind} ${step.index} ${step.name}`).toBe('current');
        if (step.host === plan.target) expect(step.epoch, `${plan.kind} ${step.index} ${step.name}`).toBe('next');
      }
      // The target is touched only after the lease step that gives it the next epoch.
      const lease = plan.steps.findIndex((s) => s.name === 'reserve-lease' || s.name === 'grant-lease');
      const firstTarget = plan.steps.findIndex((s) => s.host === plan.target);
      expect(lease, plan.kind).toBeGreaterThanOrEqual(0);
      expect(firstTarget, plan.kind).toBeGreaterThan(lease);
    }
  });

  it('numbers the steps from 0 in order', () => {
    for (const plan of ALL) expect(plan.steps.map((s) => s.index)).toEqual(range(plan.steps.length));
  });
});

describe('draft', () => {
  it('takes the catalogue undo on its own host unless told otherwise', () => {
    const args = { kind: 'vxdg' as const, group: 'dbdg', clearForeignLock: true, temporary: true };
    expect(draft('db01', 'import-storage', 'hostB', 'next', args).undo).toEqual({ name: 'deport-storage', host: 'hostB', args: { kind: 'vxdg', group: 'dbdg' } });
    expect(draft('db01', 'import-storage', 'hostB', 'next', args, { undo: null }).undo).toBeNull();
    expect(draft('db01', 'replication-swap', 'hostC', 'next', { rdfGroup: 'dbdg' }).reversible).toBe(false);
  });

  it('keeps every plan JSON-serialisable (args_json in the journal)', () => {
    for (const plan of ALL) expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  });
});
