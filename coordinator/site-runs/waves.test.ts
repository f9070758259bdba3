import { describe, expect, it } from 'vitest';
import type { Lease } from '../leases/lease-rules.js';
import { exampleInventory } from '../../test/support/example-inventory.js';
import { groupWaves, selectSiteZones } from './waves.js';

const held = (zone: string, holder: string): Lease => ({ zone, state: 'held', holder, epoch: 3, lastEpoch: 3, expiresAtMs: 1, target: null, reservedEpoch: null, renewedAtMs: null, updatedAtMs: 0 });

describe('site-run waves', () => {
  it('groups zones by priority, 1 first, names sorted inside a wave', () => {
    const waves = groupWaves([
      { zone: 'c', priority: 3, target: 'h3' },
      { zone: 'b', priority: 1, target: 'h1' },
      { zone: 'a', priority: 1, target: 'h2' },
      { zone: 'd', priority: 2, target: 'h1' },
    ]);
    expect(waves).toEqual([
      { priority: 1, zones: ['a', 'b'], targets: { a: 'h2', b: 'h1' } },
      { priority: 2, zones: ['d'], targets: { d: 'h1' } },
      { priority: 3, zones: ['c'], targets: { c: 'h3' } },
    ]);
  });

  it("moves the zones living in the site to their DR twins, priority 1 (db01) before 2 (web01)", () => {
    const sel = selectSiteZones(exampleInventory, 'dc1', undefined, () => undefined);
    expect(sel.waves).toEqual([
      { priority: 1, zones: ['db01'], targets: { db01: 'hostC' } },
      { priority: 2, zones: ['web01'], targets: { web01: 'hostC' } },
    ]);
    expect(sel.leftOut).toEqual([]);
  });

  it('goes by where the lease holder is, not the primary: a zone already on dc2 is not moved out of dc1', () => {
    const sel = selectSiteZones(exampleInventory, 'dc1', undefined, (z) => (z === 'db01' ? held(z, 'hostC') : undefined));
    expect(sel.waves.flatMap((w) => w.zones)).toEqual(['web01']);
    // And back from dc2 to dc1: the primary twin, of the two in dc1.
    const back = selectSiteZones(exampleInventory, 'dc2', 'dc1', (z) => (z === 'db01' ? held(z, 'hostC') : undefined));
    expect(back.waves).toEqual([{ priority: 1, zones: ['db01'], targets: { db01: 'hostA' } }]);
  });

  it('leaves out a zone of the site without a twin in the site asked for, saying why', () => {
    const sel = selectSiteZones(exampleInventory, 'dc1', 'dc3', () => undefined);
    expect(sel.waves).toEqual([]);
    expect(sel.leftOut).toEqual([
      { zone: 'web01', why: 'no twin in site dc3' },
      { zone: 'db01', why: 'no twin in site dc3' },
    ]);
  });

  it('moves only the zones asked for, leaving the others of the site out with why', () => {
    const sel = selectSiteZones(exampleInventory, 'dc1', undefined, () => undefined, ['web01']);
    expect(sel.waves).toEqual([{ priority: 2, zones: ['web01'], targets: { web01: 'hostC' } }]);
    expect(sel.leftOut).toEqual([{ zone: 'db01', why: 'not asked for in this site run' }]);
  });
});
