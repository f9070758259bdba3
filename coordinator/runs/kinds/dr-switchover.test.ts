import { codeOf } from '../../../test/support/rejections.js';
import { exampleInventory } from '../../../test/support/example-inventory.js';
import { describe, expect, it } from 'vitest';
import type { Inventory } from '../../inventory/inventory-schema.js';
import { planTable } from '../plan-table.js';
import { undoChain } from '../run-plan.js';
import { planDrSwitchover, replicaSyncTimeoutMs } from './dr-switchover.js';

const inventory = exampleInventory;


describe('planDrSwitchover', () => {
  it('quiesces hostA, waits until R2 owes nothing, promotes, brings db01 up on hostC, then reverses the replication', () => {
    const plan = planDrSwitchover(inventory, 'db01', { source: 'hostA', target: 'hostC' });
    expect(plan).toMatchObject({ kind: 'dr-switchover', zone: 'db01', source: 'hostA', target: 'hostC' });
    expect(planTable(plan)).toEqual([
      ['0', 'preflight', 'coordinator', 'current', '-'],
      ['1', 'reserve-lease', 'coordinator', 'next', 'abort-lease on coordinator'],
      ['2', 'shutdown-zone', 'hostA', 'current', 'boot-zone on hostA'],
      ['3', 'detach-zone', 'hostA', 'current', 'attach-zone on hostA'],
      ['4', 'unmount-fs', 'hostA', 'current', 'mount-fs on hostA'],
      ['5', 'deport-storage', 'hostA', 'current', 'import-storage on hostA'],
      ['6', 'wait-replica-synced', 'coordinator', 'current', '-'],
      ['7', 'replication-failover', 'hostC', 'next', 'replication-failback on hostC'],
      ['8', 'import-storage', 'hostC', 'next', 'deport-storage on hostC'],
      ['9', 'mount-fs', 'hostC', 'next', 'unmount-fs on hostC'],
      ['10', 'attach-zone', 'hostC', 'next', 'detach-zone on hostC'],
      ['11', 'boot-zone', 'hostC', 'next', 'halt-zone on hostC'],
      ['12', 'wait-healthy', 'coordinator', 'next', '-'],
      ['13', 'commit-lease', 'coordinator', 'next', 'cannot be undone'],
      ['14', 'replication-swap', 'hostC', 'next', 'cannot be undone'],
      ['15', 'replication-establish', 'hostC', 'next', '-'],
    ]);
    expect(plan.steps[6]!.args).toEqual({ host: 'hostC', rdfGroup: 'dbdg', timeoutMs: replicaSyncTimeoutMs(2000), pollMs: 1000 });
    // The disk-header lock travels with the replicated data: the DR import clears it.
    expect(plan.steps[8]!.args).toEqual({ kind: 'vxdg', group: 'dbdg', clearForeignLock: true, temporary: true });
    expect(plan.steps[0]!.args).toMatchObject({ checks: expect.arrayContaining([{ check: 'replication-state', host: 'hostC', rdfGroup: 'dbdg', allow: ['Synchronized', 'Consistent'] }]) });
  });

  it('until the twin is healthy on hostC, a failure rolls back to hostA with the replica failed back', () => {
    const plan = planDrSwitchover(inventory, 'db01', { source: 'hostA', target: 'hostC' });
    const chain = undoChain(plan, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 12);
    expect(chain.undos.map((u) => `${u.undo.name}@${u.undo.host ?? 'coordinator'}`)).toEqual([
      'halt-zone@hostC', 'detach-zone@hostC', 'unmount-fs@hostC', 'deport-storage@hostC', 'replication-failback@hostC',
      'import-storage@hostA', 'mount-fs@hostA', 'attach-zone@hostA', 'boot-zone@hostA', 'abort-lease@coordinator',
    ]);
    expect(chain.stopsAt).toBeNull();
  });

  it('comes home the same way', () => {
    const plan = planDrSwitchover(inventory, 'db01', { source: 'hostC', target: 'hostA' });
    expect(plan.steps.filter((s) => s.name.startsWith('replication-')).every((s) => s.host === 'hostA')).toBe(true);
  });

  it('refuses a move inside a site and unreplicated storage', () => {
    expect(codeOf(() => planDrSwitchover(inventory, 'db01', { source: 'hostA', target: 'hostB' }))).toBe('INVALID_ARGUMENT');
    expect(() => planDrSwitchover(inventory, 'db01', { source: 'hostA', target: 'hostB' })).toThrow(/use switchover or failover/);
    const unreplicated: Inventory = { ...inventory, storageGroups: inventory.storageGroups.map((g) => (g.name === 'dbdg' ? { ...g, replication: undefined } : g)) };
    expect(codeOf(() => planDrSwitchover(unreplicated, 'db01', { source: 'hostA', target: 'hostC' }))).toBe('PRECONDITION_FAILED');
    expect(codeOf(() => planDrSwitchover(inventory, 'db02', { source: 'hostA', target: 'hostC' }))).toBe('ZONE_NOT_FOUND');
  });
});
