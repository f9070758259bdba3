import { codeOf } from '../../../test/support/rejections.js';
import { exampleInventory } from '../../../test/support/example-inventory.js';
import { describe, expect, it } from 'vitest';
import { planTable } from '../plan-table.js';
import { undoChain } from '../run-plan.js';
import { planDrFailover } from './dr-failover.js';

const inventory = exampleInventory;


describe('planDrFailover', () => {
  it('promotes the dc2 replica of db01 under a fresh epoch and brings the twin up on hostC', () => {
    const plan = planDrFailover(inventory, 'db01', { source: 'hostA', target: 'hostC' });
    expect(plan).toMatchObject({ kind: 'dr-failover', zone: 'db01', source: 'hostA', target: 'hostC' });
    expect(planTable(plan)).toEqual([
      ['0', 'preflight', 'coordinator', 'current', '-'],
      ['1', 'await-lease-grantable', 'coordinator', 'current', '-'],
      ['2', 'grant-lease', 'coordinator', 'next', 'release-lease on coordinator'],
      ['3', 'replication-failover', 'hostC', 'next', '-'],
      ['4', 'import-storage', 'hostC', 'next', 'deport-storage on hostC'],
      ['5', 'mount-fs', 'hostC', 'next', 'unmount-fs on hostC'],
      ['6', 'attach-zone', 'hostC', 'next', 'detach-zone on hostC'],
      ['7', 'boot-zone', 'hostC', 'next', 'halt-zone on hostC'],
      ['8', 'wait-healthy', 'coordinator', 'next', '-'],
    ]);
    expect(plan.steps[3]!.description).toContain('the RPO');
    expect(plan.steps[4]!.args).toMatchObject({ clearForeignLock: true });
    expect(plan.steps.some((s) => s.host === 'hostA')).toBe(false);
  });

  it('a rollback leaves the replica promoted and gives the lease back, so a second attempt can start over', () => {
    const plan = planDrFailover(inventory, 'db01', { source: 'hostA', target: 'hostC' });
    const chain = undoChain(plan, [0, 1, 2, 3], 4);
    expect(chain.undos.map((u) => `${u.undo.name}@${u.undo.host ?? 'coordinator'}`)).toEqual(['deport-storage@hostC', 'release-lease@coordinator']);
  });

  it('needs a twin in the other site', () => {
    expect(planDrFailover(inventory, 'db01', { source: null, target: 'hostC' }).source).toBeNull();
    expect(codeOf(() => planDrFailover(inventory, 'db01', { source: null, target: 'hostB' }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => planDrFailover(inventory, 'db01', { source: 'hostA', target: 'hostB' }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => planDrFailover(inventory, 'db01', { source: 'hostA', target: 'hostX' }))).toBe('HOST_NOT_FOUND');
  });
});
