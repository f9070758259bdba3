import { codeOf } from '../../../test/support/rejections.js';
import { exampleInventory } from '../../../test/support/example-inventory.js';
import { describe, expect, it } from 'vitest';
import type { Inventory } from '../../inventory/inventory-schema.js';
import { planTable } from '../plan-table.js';
import { planSwitchover } from './switchover.js';

const inventory = exampleInventory;


describe('planSwitchover', () => {
  it('moves db01 from hostA to hostB as DESIGN lists the steps', () => {
    const plan = planSwitchover(inventory, 'db01', { source: 'hostA', target: 'hostB' });
    expect(plan).toMatchObject({ kind: 'switchover', zone: 'db01', source: 'hostA', target: 'hostB' });
    expect(planTable(plan)).toEqual([
      ['0', 'preflight', 'coordinator', 'current', '-'],
      ['1', 'reserve-lease', 'coordinator', 'next', 'abort-lease on coordinator'],
      ['2', 'shutdown-zone', 'hostA', 'current', 'boot-zone on hostA'],
      ['3', 'detach-zone', 'hostA', 'current', 'attach-zone on hostA'],
      ['4', 'unmount-fs', 'hostA', 'current', 'mount-fs on hostA'],
      ['5', 'deport-storage', 'hostA', 'current', 'import-storage on hostA'],
      ['6', 'import-storage', 'hostB', 'next', 'deport-storage on hostB'],
      ['7', 'mount-fs', 'hostB', 'next', 'unmount-fs on hostB'],
      ['8', 'attach-zone', 'hostB', 'next', 'detach-zone on hostB'],
      ['9', 'boot-zone', 'hostB', 'next', 'halt-zone on hostB'],
      ['10', 'wait-healthy', 'coordinator', 'next', '-'],
      ['11', 'commit-lease', 'coordinator', 'next', 'cannot be undone'],
    ]);
  });

  it('checks what DESIGN asks before anything changes, and forces the attach only over accepted deltas', () => {
    const plan = planSwitchover(inventory, 'db01', { source: 'hostA', target: 'hostB', shutdownTimeoutMs: 30_000 });
    expect(plan.steps[0]!.args).toEqual({
      checks: [
        { check: 'agent-up', host: 'hostA' },
        { check: 'zone-state', host: 'hostA', allow: ['running'] },
        { check: 'storage-imported', host: 'hostA', kind: 'vxdg', group: 'dbdg' },
        { check: 'agent-up', host: 'hostB' },
        { check: 'zone-state', host: 'hostB', allow: ['detached', 'installed'] },
        { check: 'storage-visible', host: 'hostB', kind: 'vxdg', group: 'dbdg' },
        { check: 'deltas-accepted', fromHost: 'hostA', toHost: 'hostB' },
      ],
    });
    expect(plan.steps[2]!.args).toEqual({ timeoutMs: 30_000 });
    expect(plan.steps[6]!.args).toEqual({ kind: 'vxdg', group: 'dbdg', clearForeignLock: false, temporary: true });
    expect(plan.steps[8]!.args).toEqual({ force: false, forceIfAccepted: true, deltasFrom: 'hostA' });
    expect(plan.steps[10]!.args).toMatchObject({ host: 'hostB', timeoutMs: 300_000, checks: [{ kind: 'zone-state' }, { kind: 'tcp' }, { kind: 'zlogin' }] });
    expect(plan.steps.map((s) => s.description)).toContain('hostA: umount /data/db01');
  });

  it('moves back the other way with the roles exchanged', () => {
    const plan = planSwitchover(inventory, 'web01', { source: 'hostB', target: 'hostA' });
    expect(plan.steps.filter((s) => s.host === 'hostB').every((s) => s.epoch === 'current')).toBe(true);
    expect(plan.steps.filter((s) => s.host === 'hostA').every((s) => s.epoch === 'next')).toBe(true);
  });

  it('refuses what is not a switchover inside a site, changing nothing', () => {
    expect(codeOf(() => planSwitchover(inventory, 'web99', { source: 'hostA', target: 'hostB' }))).toBe('ZONE_NOT_FOUND');
    expect(codeOf(() => planSwitchover(inventory, 'db01', { source: 'hostA', target: 'hostZ' }))).toBe('HOST_NOT_FOUND');
    expect(codeOf(() => planSwitchover(inventory, 'db01', { source: 'hostZ', target: 'hostB' }))).toBe('HOST_NOT_FOUND');
    expect(codeOf(() => planSwitchover(inventory, 'db01', { source: 'hostA', target: 'hostA' }))).toBe('INVALID_ARGUMENT');
    // hostC is db01's DR twin in dc2: that move is a dr-switchover.
    expect(() => planSwitchover(inventory, 'db01', { source: 'hostA', target: 'hostC' })).toThrow(/dr-switchover/);
    expect(codeOf(() => planSwitchover(inventory, 'db01', { source: 'hostA', target: 'hostC' }))).toBe('INVALID_ARGUMENT');

    const withSpare: Inventory = { ...inventory, hosts: [...inventory.hosts, { name: 'hostD', site: 'dc1', agent: '10.1.0.14:7420' }] };
    expect(() => planSwitchover(withSpare, 'db01', { source: 'hostA', target: 'hostD' })).toThrow('hostD is not a twin of db01; its twins are hostA (primary), hostB (bc), hostC (dr)');
    expect(codeOf(() => planSwitchover(withSpare, 'db01', { source: 'hostA', target: 'hostD' }))).toBe('INVALID_ARGUMENT');
  });
});
