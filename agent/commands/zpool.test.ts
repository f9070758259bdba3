import { describe, expect, it } from 'vitest';
import { failed, transcript } from '../../test/support/transcripts.js';
import { classifyZpoolFailure, isZpoolNoSuchPool, parseZpoolList, zpoolArgs } from './zpool.js';

describe('zpool', () => {
  it('builds import, export and list', () => {
    expect(zpoolArgs.import('zpool1', { force: false, temporary: false })).toEqual(['import', 'zpool1']);
    expect(zpoolArgs.import('zpool1', { force: true, temporary: true })).toEqual(['import', '-f', '-o', 'cachefile=none', 'zpool1']);
    expect(zpoolArgs.export('zpool1')).toEqual(['export', 'zpool1']);
    expect(zpoolArgs.export('zpool1', { force: true })).toEqual(['export', '-f', 'zpool1']);
    expect(zpoolArgs.list()).toEqual(['list']);
  });

  it('parses zpool list by its header, and "no pools available"', () => {
    expect(parseZpoolList(transcript('zpool-list.txt'))).toEqual([
      { name: 'zpool1', size: '68G', health: 'ONLINE', columns: { name: 'zpool1', size: '68G', alloc: '44K', free: '68.0G', cap: '0%', health: 'ONLINE', altroot: '-' } },
    ]);
    expect(parseZpoolList(transcript('zpool-list-none.txt'))).toEqual([]);
    // Earlier S10 updates: USED/AVAIL columns.
    expect(parseZpoolList('NAME SIZE USED AVAIL CAP HEALTH ALTROOT\ntank 68G 1G 67G 1% DEGRADED -\n')[0]).toMatchObject({ name: 'tank', health: 'DEGRADED' });
  });

  it.each([
    ['zpool-import-in-use.txt', 'STORAGE_HELD_ELSEWHERE', 'host hostB'],
    ['zpool-import-in-use.reference.txt', 'STORAGE_HELD_ELSEWHERE', 'host hostA'],
    ['zpool-import-in-use-illumos.reference.txt', 'STORAGE_HELD_ELSEWHERE', 'host hostB'],
    ['zpool-import-no-such-pool.txt', 'GROUP_NOT_FOUND', 'nosuch'],
    ['zpool-export-no-such-pool.txt', 'GROUP_NOT_FOUND', 'nosuch'],
  ])('classifies %s', (file, code, text) => {
    const c = classifyZpoolFailure(failed(transcript(file)));
    expect(c?.code).toBe(code);
    expect(c?.message).toContain(text);
  });

  it('classifies busy export, recognises a missing pool on export', () => {
    expect(classifyZpoolFailure(failed("cannot export 'zpool1': pool is busy"))?.code).toBe('STORAGE_BUSY');
    expect(classifyZpoolFailure(failed("cannot unmount '/zones/z3': Device busy"))?.code).toBe('STORAGE_BUSY');
    expect(isZpoolNoSuchPool(failed(transcript('zpool-export-no-such-pool.txt')))).toBe(true);
    expect(classifyZpoolFailure(failed('internal error'))).toBeNull();
  });
});
