import { describe, expect, it } from 'vitest';
import { failed, transcript } from '../../test/support/transcripts.js';
import { classifyZfsFailure, parseZfsList, zfsArgs } from './zfs.js';

describe('zfs', () => {
  it('builds the snapshot verbs and list', () => {
    expect(zfsArgs.snapshot('p/ds@s')).toEqual(['snapshot', 'p/ds@s']);
    expect(zfsArgs.rollback('p/ds@s')).toEqual(['rollback', 'p/ds@s']);
    expect(zfsArgs.rollback('p/ds@s', { recursive: true })).toEqual(['rollback', '-r', 'p/ds@s']);
    expect(zfsArgs.clone('p/ds@s', 'p/c')).toEqual(['clone', 'p/ds@s', 'p/c']);
    expect(zfsArgs.destroy('p/ds@s')).toEqual(['destroy', 'p/ds@s']);
    expect(zfsArgs.list(['name', 'origin'])).toEqual(['list', '-H', '-o', 'name,origin', '-t', 'all']);
  });

  it('parses zfs list -H -o name,origin', () => {
    const rows = parseZfsList(transcript('zfs-list-name-origin.txt'), ['name', 'origin'] as const);
    expect(rows).toHaveLength(7);
    expect(rows.find((r) => r.name === 'zpool1/zones/z4')).toEqual({ name: 'zpool1/zones/z4', origin: 'zpool1/zones/z3@s1' });
    expect(rows[0]).toEqual({ name: 'zpool1', origin: '-' });
  });

  it.each([
    ['zfs-dataset-does-not-exist.txt', 'GROUP_NOT_FOUND', 'zpool1/nope@x'],
    ['zfs-destroy-missing-dataset.txt', 'GROUP_NOT_FOUND', 'does not exist'],
    ['zfs-snapshot-exists.txt', 'PRECONDITION_FAILED', 'zpool1/zones/z3@s1 already exists'],
    ['zfs-clone-exists.txt', 'PRECONDITION_FAILED', 'zpool1/zones/z4 already exists'],
    ['zfs-rollback-newer.txt', 'PRECONDITION_FAILED', 'newer snapshots'],
    ['zfs-destroy-clones.txt', 'PRECONDITION_FAILED', 'dependent clones'],
  ])('classifies %s', (file, code, text) => {
    const c = classifyZfsFailure(failed(transcript(file)));
    expect(c?.code).toBe(code);
    expect(c?.message).toContain(text);
  });

  it('leaves unknown failures alone', () => expect(classifyZfsFailure(failed('internal error: bad'))).toBeNull());
});
