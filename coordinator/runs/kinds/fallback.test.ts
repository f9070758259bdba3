import { codeOf } from '../../../test/support/rejections.js';
import { exampleInventory } from '../../../test/support/example-inventory.js';
import { describe, expect, it } from 'vitest';
import { planTable } from '../plan-table.js';
import { undoChain } from '../run-plan.js';
import { planFallback } from './fallback.js';
import { planSwitchover } from './switchover.js';

const inventory = exampleInventory;


describe('planFallback', () => {
  it('returns db01 from the failing hostB to hostA, its previous holder: a switchover with the roles reversed', () => {
    const plan = planFallback(inventory, 'db01', { source: 'hostB', target: 'hostA' });
    expect(plan).toMatchObject({ kind: 'fallback', zone: 'db01', source: 'hostB', target: 'hostA' });
    expect(planTable(plan)).toEqual([
      ['0', 'preflight', 'coordinator', 'current', '-'],
      ['1', 'reserve-lease', 'coordinator', 'next', 'abort-lease on coordinator'],
      ['2', 'shutdown-zone', 'hostB', 'current', 'boot-zone on hostB'],
      ['3', 'detach-zone', 'hostB', 'current', 'attach-zone on hostB'],
      ['4', 'unmount-fs', 'hostB', 'current', 'mount-fs on hostB'],
      ['5', 'deport-storage', 'hostB', 'current', 'import-storage on hostB'],
      ['6', 'import-storage', 'hostA', 'next', 'deport-storage on hostA'],
      ['7', 'mount-fs', 'hostA', 'next', 'unmount-fs on hostA'],
      ['8', 'attach-zone', 'hostA', 'next', 'detach-zone on hostA'],
      ['9', 'boot-zone', 'hostA', 'next', 'halt-zone on hostA'],
      ['10', 'wait-healthy', 'coordinator', 'next', '-'],
      ['11', 'commit-lease', 'coordinator', 'next', 'cannot be undone'],
    ]);
    const back = planSwitchover(inventory, 'db01', { source: 'hostB', target: 'hostA' });
    expect(plan.steps.map((s) => [s.name, s.host, s.epoch])).toEqual(back.steps.map((s) => [s.name, s.host, s.epoch]));
  });

  it('asks nothing of the failing twin but its agent: it may have stopped anywhere in its own bring-up', () => {
    const plan = planFallback(inventory, 'db01', { source: 'hostB', target: 'hostA' });
    const checks = (plan.steps[0]!.args as { checks: { check: string; host?: string }[] }).checks;
    expect(checks.filter((c) => c.host === 'hostB')).toEqual([{ check: 'agent-up', host: 'hostB' }]);
  });

  it('a failed fallback puts the zone back on the failing host: shutdown is undone by boot there', () => {
    const plan = planFallback(inventory, 'db01', { source: 'hostB', target: 'hostA' });
    const chain = undoChain(plan, [0, 1, 2, 3, 4, 5], 6);
    expect(chain.undos.map((u) => `${u.undo.name}@${u.undo.host ?? 'coordinator'}`)).toEqual([
      'deport-storage@hostA', 'import-storage@hostB', 'mount-fs@hostB', 'attach-zone@hostB', 'boot-zone@hostB', 'abort-lease@coordinator',
    ]);
  });

  it('stays inside the site', () => {
    expect(codeOf(() => planFallback(inventory, 'db01', { source: 'hostC', target: 'hostA' }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => planFallback(inventory, 'db01', { source: 'hostA', target: 'hostA' }))).toBe('INVALID_ARGUMENT');
  });
});
