import { describe, expect, it } from 'vitest';
import { exampleInventory } from '../../../test/support/example-inventory.js';
import { codeOf } from '../../../test/support/rejections.js';
import type { Inventory } from '../../inventory/inventory-schema.js';
import type { Artifact } from '../../store/artifact-store.js';
import type { DrillSpec } from '../drill-spec.js';
import { undoChain } from '../run-plan.js';
import { planDrill, planDrillCleanup } from './drill.js';

/** The example inventory with a drill address for db01. */
const inventory: Inventory = {
  ...exampleInventory,
  zones: exampleInventory.zones.map((z) => (z.name === 'db01' ? { ...z, drill: { address: '10.20.0.31/24' } } : z)),
};
const options = { site: 'dc2', keep: false, holder: 'hostA', leftBehind: [] };

function artifact(kind: string, name: string, d: DrillSpec, removed = false): Artifact {
  return { id: 1, runId: 'run-1', zone: 'db01', kind: kind as Artifact['kind'], host: 'hostC', name, createdAtMs: 1, removedAtMs: removed ? 2 : null, details: { drill: d } };
}

describe('planDrill', () => {
  it('clones, imports, mounts, creates, boots, checks and takes apart on the DR host, with no lease step and no SRDF control verb', () => {
    const plan = planDrill(inventory, 'db01', options);
    expect(plan).toMatchObject({ kind: 'drill', zone: 'db01', source: null, target: 'hostC' });
    expect(plan.steps.map((s) => `${s.name}${s.undo ? ` (undo ${s.undo.name})` : ''}`)).toEqual([
      'drill-preflight', 'drill-clone (undo drill-terminate)', 'drill-import (undo drill-deport)', 'drill-mount (undo drill-unmount)',
      'drill-create-zone (undo drill-remove-zone)', 'drill-boot (undo drill-halt)', 'drill-checks',
      'drill-halt', 'drill-remove-zone', 'drill-unmount', 'drill-deport', 'drill-terminate',
    ]);
    const d = plan.steps[0]!.args as DrillSpec;
    expect(d).toMatchObject({
      host: 'hostC', drillZone: 'db01-drill', zonepath: '/zones/db01-drill', address: '10.20.0.31/24', rdfGroup: 'dbdg', diskGroup: 'dbdg', cloneGroup: 'dbdg_drill',
      volumes: [{ name: 'datavol', mountPoint: '/drill/db01-drill/data/db01' }], fsRemaps: [{ from: '/data/db01', to: '/drill/db01-drill/data/db01' }],
      service: { address: '10.20.0.31' }, deltasFrom: 'hostA',
    });
    expect(d.checks.find((c) => c.kind === 'tcp')).toMatchObject({ address: '10.20.0.31' });
    expect(d.protectedZones).toContain('db01');
    expect(d.protectedGroups).toContain('dbdg');
    // A failure at the checks takes apart everything made, newest first.
    expect(undoChain(plan, [0, 1, 2, 3, 4, 5], 6).undos.map((u) => u.undo.name)).toEqual(['drill-halt', 'drill-remove-zone', 'drill-unmount', 'drill-deport', 'drill-terminate']);
    expect(planDrill(inventory, 'db01', { ...options, keep: true }).steps.at(-1)!.name).toBe('drill-checks');
    expect((planDrill(inventory, 'db01', { ...options, name: 'dbtest' }).steps[0]!.args as DrillSpec).drillZone).toBe('dbtest');
  });

  it('refuses production names, a zone without a drill address, a site without a twin, and a drill already present', () => {
    expect(codeOf(() => planDrill(inventory, 'db01', { ...options, name: 'web01' }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => planDrill(inventory, 'db01', { ...options, name: 'bad name' }))).toBe('INVALID_ARGUMENT');
    expect(() => planDrill(exampleInventory, 'db01', options)).toThrow(/db01 has no drill address in the inventory; add "drill: \{ address/);
    expect(codeOf(() => planDrill(inventory, 'db01', { ...options, site: 'dc9' }))).toBe('INVALID_ARGUMENT');
    const d = planDrill(inventory, 'db01', options).steps[0]!.args as DrillSpec;
    expect(() => planDrill(inventory, 'db01', { ...options, leftBehind: [artifact('drill-zone', 'db01-drill', d)] })).toThrow(/a drill of db01 is already present .*twinzone drill --cleanup db01/);
    // A group named like the clone's would be taken for it.
    const clash: Inventory = { ...inventory, storageGroups: [...inventory.storageGroups, { ...inventory.storageGroups.find((g) => g.name === 'dbdg')!, name: 'dbdg_drill', replication: undefined }] };
    expect(codeOf(() => planDrill(clash, 'db01', options))).toBe('PRECONDITION_FAILED');
  });
});

describe('planDrillCleanup', () => {
  it('takes apart exactly what run_artifacts says is left, in the reverse order of making', () => {
    const d = planDrill(inventory, 'db01', options).steps[0]!.args as DrillSpec;
    const all = [artifact('clone-session', 'dbdg', d), artifact('import', 'dbdg_drill', d), artifact('mount', '/drill/db01-drill/data/db01', d), artifact('drill-zone', 'db01-drill', d)];
    expect(planDrillCleanup('db01', all).steps.map((s) => s.name)).toEqual(['drill-halt', 'drill-remove-zone', 'drill-unmount', 'drill-deport', 'drill-terminate']);
    // A crash after the clone was recorded and before anything else: only its session to end.
    expect(planDrillCleanup('db01', [all[0]!]).steps.map((s) => s.name)).toEqual(['drill-terminate']);
    expect(planDrillCleanup('db01', [all[0]!]).target).toBe('hostC');
    expect(() => planDrillCleanup('db01', [])).toThrow(/no drill of db01 is left behind/);
    // An upgrade's snapshot is not a drill's to clean.
    expect(() => planDrillCleanup('db01', [{ ...all[0]!, kind: 'snapshot' }])).toThrow(/no drill of db01/);
  });
});
