import { describe, expect, it } from 'vitest';
import { failed, transcript } from '../../test/support/transcripts.js';
import { classifyMountFailure, mountArgs, parseMountP } from './mount.js';

describe('mount', () => {
  it('builds the vfstab and explicit forms', () => {
    expect(mountArgs.fromVfstab('/data/db01')).toEqual(['/data/db01']);
    expect(mountArgs.explicit({ special: '/dev/vx/dsk/dbdg/datavol', mountPoint: '/data/db01', fstype: 'vxfs', options: ['largefiles', 'delaylog'] }))
      .toEqual(['-F', 'vxfs', '-o', 'largefiles,delaylog', '/dev/vx/dsk/dbdg/datavol', '/data/db01']);
    expect(mountArgs.explicit({ special: '/export/a', mountPoint: '/zones/z/root/a', options: [] })).toEqual(['/export/a', '/zones/z/root/a']);
    expect(mountArgs.list()).toEqual(['-p']);
  });

  it('parses mount -p, including lines whose empty options print as nothing', () => {
    const entries = parseMountP(transcript('mount-p.txt'));
    expect(entries.map((e) => e.mountPoint)).toEqual(['/', '/zones', '/export/zones', '/data/web01', '/zones/web01/root/data', '/data/db01', '/zones/db01/root/data']);
    expect(entries[1]).toMatchObject({ special: '/export/zones', fstype: 'lofs', options: '-' });
    expect(entries[3]).toMatchObject({ special: '/dev/vx/dsk/webdg/datavol', fstype: 'vxfs', options: 'rw,suid,delaylog,largefiles,ioerror=mwdisable' });
  });

  it.each([
    ['mount-busy.txt', 'STORAGE_BUSY', '/data/web01'],
    ['mount-no-mount-point.txt', 'PRECONDITION_FAILED', 'mount point /nonexist does not exist'],
    ['mount-no-such-device.txt', 'PRECONDITION_FAILED', 'import its disk group'],
    ['mount-not-this-fstype.txt', 'PRECONDITION_FAILED', 'type given'],
  ])('classifies %s', (file, code, text) => {
    const c = classifyMountFailure(failed(transcript(file), 32));
    expect(c?.code).toBe(code);
    expect(c?.message).toContain(text);
  });

  it('classifies reference 6.1 texts and leaves the unknown alone', () => {
    expect(classifyMountFailure(failed('mount: cannot stat /data/x', 2))?.code).toBe('PRECONDITION_FAILED');
    expect(classifyMountFailure(failed('mount: The state of /dev/dsk/c0t0d0s7 is not okay\n\tand it was attempted to be mounted read/write', 32))?.message).toContain('fsck');
    expect(classifyMountFailure(failed('UX:vxfs mount: ERROR: V-3-21264: /dev/vx/dsk/dg/vol is already mounted, /mnt is busy'))?.code).toBe('STORAGE_BUSY');
    expect(classifyMountFailure(failed('mount: Insufficient privileges'))).toBeNull();
  });
});
