import { describe, expect, it } from 'vitest';
import { transcript } from '../../test/support/transcripts.js';
import { mountAt, mountsDependingOn, parseMnttab } from './mnttab.js';

describe('mnttab', () => {
  const entries = parseMnttab(transcript('mnttab.txt'));

  it('parses the five tab-separated fields', () => {
    expect(entries).toHaveLength(7);
    expect(entries[5]).toEqual({
      special: '/dev/vx/dsk/dbdg/datavol', mountPoint: '/data/db01', fstype: 'vxfs',
      options: 'rw,suid,delaylog,largefiles,ioerror=mwdisable,dev=1d9dba4', mountedAtS: 1795535362,
    });
  });

  it('finds the topmost mount at a mount point', () => {
    const stacked = parseMnttab('/dev/a\t/m\tufs\trw\t1\n/dev/b\t/m\tufs\trw\t2\n');
    expect(mountAt(stacked, '/m')?.special).toBe('/dev/b');
    expect(mountAt(entries, '/nope')).toBeUndefined();
  });

  it('names what keeps a mount point busy: mounts below it and lofs mounts of it', () => {
    expect(mountsDependingOn(entries, '/data/db01').map((e) => e.mountPoint)).toEqual(['/zones/db01/root/data']);
    expect(mountsDependingOn(entries, '/export/zones').map((e) => e.mountPoint)).toEqual(['/zones']);
    expect(mountsDependingOn(entries, '/data/db0')).toEqual([]);
  });

  it('rejects a line that is not a mount', () => {
    expect(() => parseMnttab('just one field\n')).toThrow(/not a mount/);
  });
});
