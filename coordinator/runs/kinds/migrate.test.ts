import { codeOf } from '../../../test/support/rejections.js';
import { exampleInventory } from '../../../test/support/example-inventory.js';
import { describe, expect, it } from 'vitest';
import type { Inventory } from '../../inventory/inventory-schema.js';
import { planTable } from '../plan-table.js';
import { planMigrate } from './migrate.js';

const inventory = exampleInventory;


function withZone(change: (z: Inventory['zones'][number]) => Inventory['zones'][number]): Inventory {
  return { ...inventory, zones: inventory.zones.map((z) => (z.name === 'web01' ? change(z) : z)) };
}

describe('planMigrate', () => {
  it("walks the seed's runbook for web01 from hostA (sun4u) to hostB (sun4v), the zonepath streamed agent to agent", () => {
    const plan = planMigrate(inventory, 'web01', { source: 'hostA', target: 'hostB' });
    expect(plan).toMatchObject({ kind: 'migrate', zone: 'web01', source: 'hostA', target: 'hostB' });
    // The RPC order of test/integration/agent-runbook.test.ts, with the lease and checks around it.
    expect(planTable(plan)).toEqual([
      ['0', 'preflight', 'coordinator', 'current', '-'],
      ['1', 'check-space', 'coordinator', 'current', '-'],
      ['2', 'reserve-lease', 'coordinator', 'next', 'abort-lease on coordinator'],
      ['3', 'shutdown-zone', 'hostA', 'current', 'boot-zone on hostA'],
      ['4', 'detach-zone', 'hostA', 'current', 'attach-zone on hostA'],
      ['5', 'unmount-fs', 'hostA', 'current', 'mount-fs on hostA'],
      ['6', 'deport-storage', 'hostA', 'current', 'import-storage on hostA'],
      ['7', 'prepare-zonepath', 'hostB', 'next', '-'],
      ['8', 'import-storage', 'hostB', 'next', 'deport-storage on hostB'],
      ['9', 'mount-fs', 'hostB', 'next', 'unmount-fs on hostB'],
      ['10', 'pull-zonepath', 'hostB', 'next', '-'],
      ['11', 'create-zone-from-detached', 'hostB', 'next', 'delete-zone-config on hostB'],
      ['12', 'attach-zone', 'hostB', 'next', 'detach-zone on hostB'],
      ['13', 'convert-zone', 'hostB', 'next', '-'],
      ['14', 'boot-zone', 'hostB', 'next', 'halt-zone on hostB'],
      ['15', 'wait-healthy', 'coordinator', 'next', '-'],
      ['16', 'commit-lease', 'coordinator', 'next', 'cannot be undone'],
    ]);
    expect(plan.steps[1]!.args).toEqual({ measure: { host: 'hostA', path: '/zones/web01' }, needs: [{ host: 'hostB', path: '/export/zones', why: 'the extracted zonepath' }] });
    expect(plan.steps[10]!.args).toEqual({ sourceHost: 'hostA', sourceAddress: '10.1.0.11:7420', sourceZonepath: '/zones/web01', zonepath: '/zones/web01' });
    expect(plan.steps[11]!.args).toEqual({ zonepath: '/zones/web01', netRemaps: [{ fromPhysical: 'bge0', toPhysical: 'e1000g0', address: '', defrouter: '' }], deviceRemaps: [] });
    // Stop on deltas nobody accepted for hostA → hostB.
    expect(plan.steps[12]!.args).toEqual({ force: false, forceIfAccepted: true, deltasFrom: 'hostA' });
    expect(plan.steps[0]!.args).toMatchObject({ checks: expect.arrayContaining([{ check: 'zone-state', host: 'hostB', allow: ['absent', 'configured'] }]) });
  });

  it('--via-file: pax into a file on the source, a copy between the hosts, pax out of it on the target', () => {
    const plan = planMigrate(inventory, 'web01', { source: 'hostA', target: 'hostB', viaFile: '/var/tmp/web01.pax' });
    expect(planTable(plan).slice(6, 13)).toEqual([
      ['6', 'deport-storage', 'hostA', 'current', 'import-storage on hostA'],
      ['7', 'create-archive-file', 'hostA', 'current', '-'],
      ['8', 'copy-archive-file', 'hostB', 'next', '-'],
      ['9', 'prepare-zonepath', 'hostB', 'next', '-'],
      ['10', 'import-storage', 'hostB', 'next', 'deport-storage on hostB'],
      ['11', 'mount-fs', 'hostB', 'next', 'unmount-fs on hostB'],
      ['12', 'extract-archive-file', 'hostB', 'next', '-'],
    ]);
    expect(plan.steps.some((s) => s.name === 'pull-zonepath')).toBe(false);
    // The target pulls the file from the source's agent.
    expect(plan.steps[8]!.args).toEqual({ sourceHost: 'hostA', sourceAddress: inventory.hosts.find((h) => h.name === 'hostA')!.agent, archivePath: '/var/tmp/web01.pax' });
    // The seed: room for the archive on both systems.
    expect((plan.steps[1]!.args as { needs: unknown[] }).needs).toEqual([
      { host: 'hostA', path: '/var/tmp', why: 'the pax archive' },
      { host: 'hostB', path: '/export/zones', why: 'the extracted zonepath' },
      { host: 'hostB', path: '/var/tmp', why: 'the copied pax archive' },
    ]);
  });

  it('without a /zones loopback the zonepath lands in its parent directory', () => {
    const plan = planMigrate(inventory, 'web01', { source: 'hostA', target: 'hostB', zonesLoopback: null });
    const prepare = plan.steps.find((s) => s.name === 'prepare-zonepath')!;
    expect(prepare.args).toMatchObject({ zonesLofsSpecial: '', zonesLofsMountPoint: '', vfstab: [{ mountPoint: '/data/web01', mountAtBoot: false }] });
    expect((plan.steps[1]!.args as { needs: { path: string }[] }).needs[0]!.path).toBe('/zones');
  });

  it('converts only solaris8 zones (ConvertZone is s8_p2v) and refuses solaris9 before stopping anything', () => {
    const native = planMigrate(withZone((z) => ({ ...z, brand: 'native' })), 'web01', { source: 'hostA', target: 'hostB' });
    expect(native.steps.some((s) => s.name === 'convert-zone')).toBe(false);
    expect(codeOf(() => planMigrate(withZone((z) => ({ ...z, brand: 'solaris9' })), 'web01', { source: 'hostA', target: 'hostB' }))).toBe('PRECONDITION_FAILED');
  });

  it('checks an `add fs` loopback that no volume provides exists on the target (seed: every target replicated)', () => {
    const inv = withZone((z) => ({ ...z, fs: [...z.fs, { dir: '/opt/app', special: '/export/app-bin', type: 'lofs', options: ['ro'] }] }));
    const checks = (planMigrate(inv, 'web01', { source: 'hostA', target: 'hostB' }).steps[0]!.args as { checks: unknown[] }).checks;
    expect(checks).toContainEqual({ check: 'path-present', host: 'hostB', path: '/export/app-bin' });
    expect(checks).not.toContainEqual(expect.objectContaining({ check: 'path-present', path: '/data/web01' }));
  });

  it('refuses bad archive paths and loopbacks, and twins in another site', () => {
    expect(codeOf(() => planMigrate(inventory, 'web01', { source: 'hostA', target: 'hostB', viaFile: 'web01.pax' }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => planMigrate(inventory, 'web01', { source: 'hostA', target: 'hostB', viaFile: '/zones/web01/web01.pax' }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => planMigrate(inventory, 'web01', { source: 'hostA', target: 'hostB', zonesLoopback: { special: '/export/zones', mountPoint: '/export/other' } }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => planMigrate(inventory, 'web01', { source: 'hostA', target: 'hostC' }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => planMigrate(inventory, 'web01', { source: 'hostA', target: 'hostX' }))).toBe('HOST_NOT_FOUND');
  });
});
