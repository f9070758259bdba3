import { describe, expect, it } from 'vitest';
import { VFSTAB_HEADER } from './host-root.js';
import {
  findVfstabEntry, formatVfstab, parseVfstab, removeVfstabEntry, upsertVfstabEntry, vfstabEntries, vfstabWarnings,
} from './vfstab.js';

const zoneEntry = {
  special: '/dev/vx/dsk/dbdg/datavol', fsckDevice: '/dev/vx/rdsk/dbdg/datavol', mountPoint: '/data/db01',
  fstype: 'vxfs', fsckPass: '3', atBoot: 'no', options: '-',
};

describe('vfstab', () => {
  it('round-trips the stock file byte for byte, comments included', () => {
    const lines = parseVfstab(VFSTAB_HEADER);
    expect(formatVfstab(lines)).toBe(VFSTAB_HEADER);
    expect(lines.filter((l) => l.kind === 'text').map((l) => l.text)).toEqual([
      '#device\t\tdevice\t\tmount\t\tFS\tfsck\tmount\tmount',
      '#to mount\tto fsck\t\tpoint\t\ttype\tpass\tat boot\toptions',
      '#',
    ]);
    expect(vfstabEntries(lines).map((e) => e.mountPoint)).toEqual(['/dev/fd', '/proc', '-', '/', '/tmp']);
    expect(findVfstabEntry(lines, '/tmp')).toMatchObject({ special: 'swap', fstype: 'tmpfs', atBoot: 'yes' });
  });

  it('appends a new entry and replaces it in place later, leaving every other line alone', () => {
    const text = '# keep me\n' + VFSTAB_HEADER + '# trailing comment\n';
    const added = upsertVfstabEntry(text, zoneEntry);
    expect(added).toBe(text + '/dev/vx/dsk/dbdg/datavol\t/dev/vx/rdsk/dbdg/datavol\t/data/db01\tvxfs\t3\tno\t-\n');
    const changed = upsertVfstabEntry(added, { ...zoneEntry, atBoot: 'yes', options: 'largefiles' });
    expect(changed).toBe(text + '/dev/vx/dsk/dbdg/datavol\t/dev/vx/rdsk/dbdg/datavol\t/data/db01\tvxfs\t3\tyes\tlargefiles\n');
    expect(removeVfstabEntry(changed, '/data/db01')).toBe(text);
  });

  it('finds an entry by mount point first, then by device', () => {
    const lines = parseVfstab(upsertVfstabEntry(VFSTAB_HEADER, zoneEntry));
    expect(findVfstabEntry(lines, '/data/db01')?.special).toBe('/dev/vx/dsk/dbdg/datavol');
    expect(findVfstabEntry(lines, '/dev/vx/dsk/dbdg/datavol')?.mountPoint).toBe('/data/db01');
    expect(findVfstabEntry(lines, '/nowhere')).toBeUndefined();
  });

  it('reports malformed lines with mount(1M) warnings and keeps them verbatim', () => {
    const text = '/dev/dsk/c1t0d0s6 - /export ufs 2\n/a b c d e f g h\n';
    const lines = parseVfstab(text);
    expect(vfstabWarnings(lines)).toEqual([
      'Warning: Line for "/dev/dsk/c1t0d0s6" in vfstab has too few entries',
      'Warning: Line for "/a" in vfstab has too many entries',
    ]);
    expect(vfstabEntries(lines)).toEqual([]);
    expect(formatVfstab(lines)).toBe(text);
  });
});
