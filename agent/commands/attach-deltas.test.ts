import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareSoftware, type SwDifference } from '../../test/solsim/src/commands/sw-compare.js';
import type { PackageEntry } from '../../test/solsim/src/state/zone-config.js';
import { transcript } from '../../test/support/transcripts.js';
import { hasAttachDeltas, parseAttachDeltas, type PackageDelta, type PatchDelta } from './attach-deltas.js';

describe('parseAttachDeltas', () => {
  it('reads the lab report: hostA manifest attached on hostB', () => {
    const text = transcript('attach-deltas-db01-hostB-lab.txt');
    const deltas = parseAttachDeltas(text);
    expect(deltas.packages).toEqual([
      { name: 'SUNWcsu', kind: 'version-mismatch', sourceVersion: '11.10.0,REV=2005.01.21.15.53', localVersion: '11.10.0,REV=2005.08.10.02.13' },
    ]);
    expect(deltas.patches).toEqual([{ id: '138888', kind: 'extra', sourceRev: '', localRev: '08' }]);
    expect(deltas.raw).toBe(text);
  });

  it('reads every item form of ref 1.9', () => {
    const deltas = parseAttachDeltas(transcript('attach-deltas-all-forms.reference.txt'));
    expect(deltas.packages).toEqual([
      { name: 'SUNWcsr', kind: 'missing', sourceVersion: '11.10.0,REV=2005.01.21.15.53', localVersion: '' },
      { name: 'SUNWcsu', kind: 'version-mismatch', sourceVersion: '11.10.0,REV=2005.01.21.15.53', localVersion: '11.10.0,REV=2005.08.10.02.13' },
      { name: 'SUNWs8brandk', kind: 'extra', sourceVersion: '', localVersion: '11.10.0,REV=2007.10.08.16.51' },
    ]);
    expect(deltas.patches).toEqual([
      { id: '119254', kind: 'version-mismatch', sourceRev: '50', localRev: '47' },
      { id: '137137', kind: 'missing', sourceRev: '09', localRev: '' },
      { id: '138888', kind: 'extra', sourceRev: '', localRev: '08' },
    ]);
  });

  it('ignores zoneadm lines around the report', () => {
    const text = `zoneadm: zone 'db01': something before\n${transcript('attach-deltas-db01-hostB-lab.txt')}zoneadm: zone 'db01': something after\n`;
    const deltas = parseAttachDeltas(text);
    expect(deltas.packages).toHaveLength(1);
    expect(deltas.patches).toHaveLength(1);
  });

  it('tells a report from other failures', () => {
    expect(hasAttachDeltas(transcript('attach-deltas-db01-hostB-lab.txt'))).toBe(true);
    expect(hasAttachDeltas("zoneadm: zone 'db01': Not a detached zone.\n")).toBe(false);
    expect(parseAttachDeltas('')).toEqual({ packages: [], patches: [], raw: '' });
  });
});

// The generator of the simulator (test/solsim/src/commands/sw-compare.ts) prints the
// sw_cmp report from two inventories; the parser must give back exactly its differences.
const PKG_NAMES = ['SUNWcsr', 'SUNWcsu', 'SUNWesu', 'SUNWs8brandr', 'SUNWs8brandu', 'SUNWzoneu'];
const PATCH_IDS = ['119254', '137137', '138888', '120011', '141444'];
const version = fc
  .tuple(fc.integer({ min: 10, max: 11 }), fc.integer({ min: 0, max: 12 }), fc.integer({ min: 2004, max: 2010 }), fc.integer({ min: 1, max: 12 }))
  .map(([a, b, y, m]) => `${a}.${b}.0,REV=${y}.${String(m).padStart(2, '0')}.01.12.00`);
const rev = fc.integer({ min: 1, max: 60 }).map((n) => String(n).padStart(2, '0'));
const patches = fc.uniqueArray(fc.constantFrom(...PATCH_IDS), { maxLength: 3 }).chain((ids) =>
  fc.tuple(...ids.map((id) => rev.map((r) => ({ id, rev: r, obsoletes: [] as string[], incompatibles: [] as string[] })))),
);
const inventory: fc.Arbitrary<PackageEntry[]> = fc
  .uniqueArray(fc.constantFrom(...PKG_NAMES), { maxLength: PKG_NAMES.length })
  .chain((names) => fc.tuple(...names.map((name) => fc.record({ name: fc.constant(name), version, patches }))));

function expected(differences: SwDifference[]): { packages: PackageDelta[]; patches: PatchDelta[] } {
  const packages: PackageDelta[] = [];
  const patchDeltas: PatchDelta[] = [];
  for (const d of differences) {
    switch (d.kind) {
      case 'package-not-installed':
        packages.push({ name: d.name, kind: 'missing', sourceVersion: d.sourceVersion, localVersion: '' });
        break;
      case 'package-version-mismatch':
        packages.push({ name: d.name, kind: 'version-mismatch', sourceVersion: d.sourceVersion, localVersion: d.localVersion });
        break;
      case 'package-only-local':
        packages.push({ name: d.name, kind: 'extra', sourceVersion: '', localVersion: d.localVersion });
        break;
      case 'patch-not-installed':
        patchDeltas.push({ id: d.id, kind: 'missing', sourceRev: d.sourceRev, localRev: '' });
        break;
      case 'patch-version-mismatch':
        patchDeltas.push({ id: d.id, kind: 'version-mismatch', sourceRev: d.sourceRev, localRev: d.localRev });
        break;
      case 'patch-only-local':
        patchDeltas.push({ id: d.id, kind: 'extra', sourceRev: '', localRev: d.localRev });
        break;
    }
  }
  return { packages, patches: patchDeltas };
}

describe('parseAttachDeltas against the simulator generator', () => {
  it('gives back every difference of generated inventories', () => {
    const kindsSeen = new Set<string>();
    fc.assert(
      fc.property(inventory, inventory, (source, local) => {
        const result = compareSoftware(source, local);
        for (const d of result.differences) kindsSeen.add(d.kind);
        expect(hasAttachDeltas(result.report)).toBe(!result.ok);
        const parsed = parseAttachDeltas(result.report);
        expect({ packages: parsed.packages, patches: parsed.patches }).toEqual(expected(result.differences));
      }),
      { numRuns: 500, seed: 20261124 },
    );
    // the generated cases covered both variants in both sections
    expect([...kindsSeen].sort()).toEqual([
      'package-not-installed', 'package-only-local', 'package-version-mismatch', 'patch-not-installed', 'patch-only-local', 'patch-version-mismatch',
    ]);
  });
});
