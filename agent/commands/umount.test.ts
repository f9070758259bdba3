import { describe, expect, it } from 'vitest';
import { failed, transcript } from '../../test/support/transcripts.js';
import { classifyUmountFailure, isNotMounted, umountArgs } from './umount.js';

describe('umount', () => {
  it('builds the argument vector', () => {
    expect(umountArgs.unmount('/data/db01', { force: false })).toEqual(['/data/db01']);
    expect(umountArgs.unmount('/data/db01', { force: true })).toEqual(['-f', '/data/db01']);
  });

  it('recognises "not mounted" and "busy"', () => {
    const notMounted = failed(transcript('umount-not-mounted.txt'));
    expect(isNotMounted(notMounted)).toBe(true);
    expect(classifyUmountFailure(notMounted)).toMatchObject({ code: 'PRECONDITION_FAILED' });
    const busy = failed(transcript('umount-busy.reference.txt'));
    expect(isNotMounted(busy)).toBe(false);
    expect(classifyUmountFailure(busy)).toMatchObject({ code: 'STORAGE_BUSY', message: expect.stringContaining('/data/db01') });
    expect(classifyUmountFailure(failed('umount: warning: /x not in mnttab'))).toBeNull();
  });
});
