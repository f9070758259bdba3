import { describe, expect, it } from 'vitest';
import { exampleInventory } from '../../../test/support/example-inventory.js';
import { codeOf } from '../../../test/support/rejections.js';
import type { Inventory } from '../../inventory/inventory-schema.js';
import { planTable } from '../plan-table.js';
import { undoChain } from '../run-plan.js';
import { planUpgrade, upgradeSnapshotTag } from './upgrade.js';

/** The example inventory with db01's data moved to the ZFS pool apppool (dataset apppool/app at /export/app). */
const zfsInventory: Inventory = {
  ...exampleInventory,
  zones: exampleInventory.zones.map((z) => (z.name === 'db01' ? { ...z, storageGroup: 'apppool', dataLog: '/export/app/records.log' } : z)),
};

const options = { source: 'hostA', target: 'hostB', probationMs: 600_000, rollbackData: true, keepSnapshot: false, snapshotTag: 'twinzone-upgrade-20261207T101500Z' };

describe('planUpgrade', () => {
  it('is a switchover with a snapshot after the shutdown, a probation before the commit and the snapshot dropped after it', () => {
    const plan = planUpgrade(zfsInventory, 'db01', options);
    expect(plan).toMatchObject({ kind: 'upgrade', zone: 'db01', source: 'hostA', target: 'hostB' });
    expect(planTable(plan)).toEqual([
      ['0', 'preflight', 'coordinator', 'current', '-'],
      ['1', 'reserve-lease', 'coordinator', 'next', 'abort-lease on coordinator'],
      ['2', 'shutdown-zone', 'hostA', 'current', 'boot-zone on hostA'],
      ['3', 'snapshot-data', 'coordinator', 'current', 'restore-data on coordinator'],
      ['4', 'detach-zone', 'hostA', 'current', 'attach-zone on hostA'],
      ['5', 'unmount-fs', 'hostA', 'current', 'mount-fs on hostA'],
      ['6', 'deport-storage', 'hostA', 'current', 'import-storage on hostA'],
      ['7', 'import-storage', 'hostB', 'next', 'deport-storage on hostB'],
      ['8', 'mount-fs', 'hostB', 'next', 'unmount-fs on hostB'],
      ['9', 'attach-zone', 'hostB', 'next', 'detach-zone on hostB'],
      ['10', 'boot-zone', 'hostB', 'next', 'halt-zone on hostB'],
      ['11', 'wait-healthy', 'coordinator', 'next', '-'],
      ['12', 'probation', 'coordinator', 'next', '-'],
      ['13', 'commit-lease', 'coordinator', 'next', 'cannot be undone'],
      ['14', 'drop-snapshot', 'coordinator', 'next', '-'],
    ]);
    expect(plan.steps[3]!.args).toEqual({ host: 'hostA', snapshots: ['apppool/app@twinzone-upgrade-20261207T101500Z'] });
    expect(plan.steps[3]!.undo).toMatchObject({
      name: 'restore-data',
      args: { host: 'hostA', snapshots: ['apppool/app@twinzone-upgrade-20261207T101500Z'], rollback: true, keep: false, countLinesOf: '/export/app/records.log' },
    });
    expect(plan.steps[12]!.args).toMatchObject({ host: 'hostB', probationMs: 600_000 });
    expect(plan.steps[14]!.args).toEqual({ host: 'hostB', snapshots: ['apppool/app@twinzone-upgrade-20261207T101500Z'], keep: false });
  });

  it('falls back from a failed probation with the data rolled back after the source mounts the pool and before it boots the twin', () => {
    const plan = planUpgrade(zfsInventory, 'db01', options);
    const { undos, stopsAt } = undoChain(plan, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 12);
    expect(stopsAt).toBeNull();
    const order = undos.map((u) => `${u.undo.name}@${u.undo.host ?? 'coordinator'}`);
    expect(order).toEqual([
      'halt-zone@hostB',
      'detach-zone@hostB',
      'unmount-fs@hostB',
      'deport-storage@hostB',
      'import-storage@hostA',
      'mount-fs@hostA',
      'attach-zone@hostA',
      'restore-data@coordinator',
      'boot-zone@hostA',
      'abort-lease@coordinator',
    ]);
  });

  it('keeps the snapshot when asked, and counts nothing without --rollback-data', () => {
    const plan = planUpgrade(zfsInventory, 'db01', { ...options, rollbackData: false, keepSnapshot: true });
    expect(plan.steps[3]!.undo).toMatchObject({ args: { rollback: false, keep: true, countLinesOf: null } });
    expect(plan.steps[14]!.args).toMatchObject({ keep: true });
  });

  it('refuses a zone on a Veritas disk group, naming what to do instead, and a probation of zero', () => {
    expect(codeOf(() => planUpgrade(exampleInventory, 'db01', options))).toBe('PRECONDITION_FAILED');
    expect(() => planUpgrade(exampleInventory, 'db01', options)).toThrow(/Veritas disk group \(vxdg\).*ZFS pool.*twinzone switchover db01/);
    expect(codeOf(() => planUpgrade(zfsInventory, 'db01', { ...options, probationMs: 0 }))).toBe('INVALID_ARGUMENT');
    // An upgrade stays inside the site: the DR twin is refused.
    expect(codeOf(() => planUpgrade(zfsInventory, 'db01', { ...options, target: 'hostC' }))).toBe('INVALID_ARGUMENT');
  });

  it('names the snapshot after the time it was planned, as a ZFS name component', () => {
    expect(upgradeSnapshotTag(Date.UTC(2026, 11, 7, 10, 15, 0, 123))).toBe('twinzone-upgrade-20261207T101500Z');
  });
});
