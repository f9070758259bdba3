import { describe, expect, it } from 'vitest';
import type { PackageEntry } from '../state/zone-config.js';
import { comparePackageVersions, compareSoftware } from './sw-compare.js';

const patch = (id: string, rev: string, obsoletes: string[] = []) => ({ id, rev, obsoletes, incompatibles: [] });

describe('compareSoftware', () => {
  it('prints each section header once, items sorted, in the sw_cmp order', () => {
    const source: PackageEntry[] = [
      { name: 'SUNWcsu', version: '11.10.0,REV=2005.01.21.15.53', patches: [patch('119254', '50'), patch('137137', '09')] },
      { name: 'SUNWaaa', version: '1.0', patches: [] },
      { name: 'SUNWcsr', version: '11.10.0,REV=2005.01.21.15.53', patches: [] },
    ];
    const local: PackageEntry[] = [
      { name: 'SUNWcsu', version: '11.10.0,REV=2005.08.10.02.13', patches: [patch('119254', '47')] },
      { name: 'SUNWcsr', version: '11.10.0,REV=2005.01.21.15.53', patches: [patch('140000', '01')] },
      { name: 'SUNWzzz', version: '2.0', patches: [] },
    ];
    const r = compareSoftware(source, local);
    expect(r.ok).toBe(false);
    expect(r.report).toBe(
      'These packages installed on the source system are inconsistent with this system:\n' +
        '\tSUNWaaa: not installed\n\t\t(1.0)\n' +
        '\tSUNWcsu: version mismatch\n\t\t(11.10.0,REV=2005.01.21.15.53)\n\t\t(11.10.0,REV=2005.08.10.02.13)\n' +
        'These packages installed on this system were not installed on the source system:\n' +
        '\tSUNWzzz (2.0)\n' +
        'These patches installed on the source system are inconsistent with this system:\n' +
        '\t119254: version mismatch\n\t\t(50) (47)\n' +
        '\t137137-09: not installed\n' +
        'These patches installed on this system were not installed on the source system:\n' +
        '\t140000-01\n',
    );
    expect(r.differences.map((d) => d.kind)).toEqual([
      'package-not-installed',
      'package-version-mismatch',
      'package-only-local',
      'patch-version-mismatch',
      'patch-not-installed',
      'patch-only-local',
    ]);
  });

  it('is silent when the inventories match, and ignores source patches obsoleted here', () => {
    const pkg = { name: 'SUNWcsu', version: '11.10.0', patches: [patch('119254', '50')] };
    expect(compareSoftware([pkg], [pkg])).toEqual({ ok: true, differences: [], report: '' });
    const local = { name: 'SUNWcsu', version: '11.10.0', patches: [patch('119254', '50'), patch('150000', '01', ['137137'])] };
    const source = { name: 'SUNWcsu', version: '11.10.0', patches: [patch('119254', '50'), patch('137137', '09'), patch('150000', '01')] };
    expect(compareSoftware([source], [local]).ok).toBe(true);
  });

  it('compares package versions numerically, field by field', () => {
    expect(comparePackageVersions('2.6.0', '2.20.0')).toBeLessThan(0);
    expect(comparePackageVersions('12', '110')).toBeLessThan(0);
    expect(comparePackageVersions('1.0', '1.00')).toBe(0);
    expect(comparePackageVersions('1.0,REV=2005.01.21', '1.0,REV=2005.01.3')).toBeGreaterThan(0);
    expect(comparePackageVersions('1.0', '1.0,REV=1')).toBeLessThan(0);
    expect(comparePackageVersions('1.a', '1.b')).toBeLessThan(0);
  });
});
