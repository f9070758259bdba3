import { describe, expect, it } from 'vitest';
import { transcript } from '../../test/support/transcripts.js';
import { findVfstabEntry, formatVfstabEntry, parseVfstabEntries, removeVfstabEntry, upsertVfstabEntry, type VfstabEntry } from './vfstab.js';

const db01: VfstabEntry = {
  special: '/dev/vx/dsk/dbdg/datavol', fsckDevice: '/dev/vx/rdsk/dbdg/datavol', mountPoint: '/data/db01',
  fstype: 'vxfs', fsckPass: '3', mountAtBoot: false, options: '-',
};

describe('parseVfstabEntries', () => {
  it('reads the reference example, skipping the header comments', () => {
    const entries = parseVfstabEntries(transcript('vfstab.reference.txt'));
    expect(entries).toHaveLength(4);
    expect(entries[0]).toEqual({
      special: '/dev/md/zset1/dsk/d100', fsckDevice: '/dev/md/zset1/rdsk/d100', mountPoint: '/zones/s8zone',
      fstype: 'ufs', fsckPass: '2', mountAtBoot: false, options: 'logging',
    });
    expect(entries[3]).toMatchObject({ special: '/export/share', fstype: 'lofs', options: 'ro' });
  });

  it('reads the lab host vfstab (tab separated, yes/no at boot)', () => {
    const entries = parseVfstabEntries(transcript('vfstab.txt'));
    expect(entries.find((e) => e.mountPoint === '/export/zones')).toMatchObject({ mountAtBoot: true, options: 'logging' });
    expect(findVfstabEntry(transcript('vfstab.txt'), '/data/db01')).toEqual(db01);
  });

  it('skips lines with too few or too many fields, as mount does', () => {
    expect(parseVfstabEntries('/dev/dsk/c0t0d0s0 - / ufs 1 no\n/a b c d e f g h\n')).toEqual([]);
  });
});

describe('upsertVfstabEntry', () => {
  const text = transcript('vfstab.txt');

  it('appends a missing entry and keeps every other line byte for byte', () => {
    const entry = { ...db01, mountPoint: '/data/web02', special: '/dev/vx/dsk/webdg/vol2', fsckDevice: '/dev/vx/rdsk/webdg/vol2' };
    const out = upsertVfstabEntry(text, entry);
    expect(out.startsWith(text)).toBe(true);
    expect(out.slice(text.length)).toBe(`${formatVfstabEntry(entry)}\n`);
  });

  it('replaces the entry for the mount point in place', () => {
    const out = upsertVfstabEntry(text, { ...db01, options: 'largefiles' });
    const before = text.split('\n');
    const after = out.split('\n');
    expect(after).toHaveLength(before.length);
    const i = before.findIndex((l) => l.includes('\t/data/db01\t'));
    expect(after[i]).toBe('/dev/vx/dsk/dbdg/datavol\t/dev/vx/rdsk/dbdg/datavol\t/data/db01\tvxfs\t3\tno\tlargefiles');
    expect(after.filter((_, j) => j !== i)).toEqual(before.filter((_, j) => j !== i));
  });

  it('is idempotent, and leaves an equal entry in its original spacing', () => {
    const ref = transcript('vfstab.reference.txt');
    const same = parseVfstabEntries(ref)[1]!;
    expect(upsertVfstabEntry(ref, same)).toBe(ref);
    const once = upsertVfstabEntry(text, db01);
    expect(upsertVfstabEntry(once, db01)).toBe(once);
  });

  it('drops later duplicates of the mount point, keeps comments, adds a final newline', () => {
    const dup = '# mine\n/dev/a /dev/ra /m ufs 2 no -\n# between\n/dev/b /dev/rb /m ufs 2 no -';
    expect(upsertVfstabEntry(dup, { ...db01, mountPoint: '/m' })).toBe(`# mine\n${formatVfstabEntry({ ...db01, mountPoint: '/m' })}\n# between\n`);
    expect(upsertVfstabEntry('', db01)).toBe(`${formatVfstabEntry(db01)}\n`);
  });

  it('writes empty fields as "-" and refuses whitespace inside a field', () => {
    expect(formatVfstabEntry({ ...db01, fsckDevice: '', options: '' })).toBe('/dev/vx/dsk/dbdg/datavol\t-\t/data/db01\tvxfs\t3\tno\t-');
    expect(() => formatVfstabEntry({ ...db01, options: 'a b' })).toThrow(/whitespace/);
  });

  it('removeVfstabEntry takes out only that mount point', () => {
    const out = removeVfstabEntry(text, '/data/db01');
    expect(findVfstabEntry(out, '/data/db01')).toBeUndefined();
    expect(parseVfstabEntries(out)).toHaveLength(parseVfstabEntries(text).length - 1);
  });
});
