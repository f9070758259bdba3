import { codeOf } from '../../../test/support/rejections.js';
import { exampleInventory } from '../../../test/support/example-inventory.js';
import { describe, expect, it } from 'vitest';
import { planTable } from '../plan-table.js';
import { planFailover } from './failover.js';

const inventory = exampleInventory;


describe('planFailover', () => {
  it('takes db01 to hostB when hostA is dead: lease first, then import clearing the dead host\'s lock', () => {
    const plan = planFailover(inventory, 'db01', { source: 'hostA', target: 'hostB' });
    expect(plan).toMatchObject({ kind: 'failover', zone: 'db01', source: 'hostA', target: 'hostB' });
    expect(planTable(plan)).toEqual([
      ['0', 'preflight', 'coordinator', 'current', '-'],
      ['1', 'await-lease-grantable', 'coordinator', 'current', '-'],
      ['2', 'grant-lease', 'coordinator', 'next', 'release-lease on coordinator'],
      ['3', 'import-storage', 'hostB', 'next', 'deport-storage on hostB'],
      ['4', 'mount-fs', 'hostB', 'next', 'unmount-fs on hostB'],
      ['5', 'attach-zone', 'hostB', 'next', 'detach-zone on hostB'],
      ['6', 'boot-zone', 'hostB', 'next', 'halt-zone on hostB'],
      ['7', 'wait-healthy', 'coordinator', 'next', '-'],
    ]);
    expect(plan.steps[3]!.args).toEqual({ kind: 'vxdg', group: 'dbdg', clearForeignLock: true, temporary: true });
    expect(plan.steps.some((s) => s.host === 'hostA')).toBe(false);
  });

  it('waits as the zone\'s lease-loss policy requires', () => {
    // db01 is `freeze`: only confirm-down frees it; web01 inherits `halt`: expiry plus the margin.
    expect(planFailover(inventory, 'db01', { source: 'hostA', target: 'hostB' }).steps[1]!.args).toEqual({ holder: 'hostA', lossPolicy: 'freeze', safetyMarginMs: 5000 });
    const web = planFailover(inventory, 'web01', { source: 'hostA', target: 'hostB' }).steps[1]!;
    expect(web.args).toEqual({ holder: 'hostA', lossPolicy: 'halt', safetyMarginMs: 5000 });
    expect(web.description).toBe("wait until hostA's lease on web01 expired plus 5000 ms (policy halt), or hostA is confirmed down");
  });

  it('plans without a known holder', () => {
    const plan = planFailover(inventory, 'db01', { source: null, target: 'hostB' });
    expect(plan.source).toBeNull();
    expect(plan.steps[1]!.args).toMatchObject({ holder: null });
    expect(plan.steps[5]!.args).toEqual({ force: false, forceIfAccepted: true, deltasFrom: null });
  });

  it('refuses a DR twin and unknown names', () => {
    expect(codeOf(() => planFailover(inventory, 'db01', { source: 'hostA', target: 'hostC' }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => planFailover(inventory, 'db01', { source: null, target: 'hostC' }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => planFailover(inventory, 'nope', { source: null, target: 'hostB' }))).toBe('ZONE_NOT_FOUND');
    expect(codeOf(() => planFailover(inventory, 'db01', { source: 'hostQ', target: 'hostB' }))).toBe('HOST_NOT_FOUND');
    expect(codeOf(() => planFailover(inventory, 'db01', { source: 'hostB', target: 'hostB' }))).toBe('INVALID_ARGUMENT');
  });
});
