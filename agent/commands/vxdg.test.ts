import { describe, expect, it } from 'vitest';
import { failed, transcript } from '../../test/support/transcripts.js';
import { classifyVxdgFailure, isVxdgAlreadyImported, isVxdgNoSuchGroup, parseVxdgList, vxdgArgs, vxdgUsable } from './vxdg.js';

describe('vxdg', () => {
  it('builds import and deport', () => {
    expect(vxdgArgs.import('dbdg', { clearLock: true, temporary: true })).toEqual(['-C', '-t', 'import', 'dbdg']);
    expect(vxdgArgs.import('dbdg', { clearLock: false, temporary: false })).toEqual(['import', 'dbdg']);
    expect(vxdgArgs.deport('dbdg')).toEqual(['deport', 'dbdg']);
    expect(vxdgArgs.list()).toEqual(['list']);
  });

  it('parses vxdg list', () => {
    const rows = parseVxdgList(transcript('vxdg-list.txt'));
    expect(rows.map((r) => r.name)).toEqual(['dbdg', 'webdg']);
    expect(rows[0]).toMatchObject({ state: 'enabled', id: expect.stringMatching(/\.hostA$/) });
    expect(vxdgUsable(rows[0]!)).toBe(true);
    expect(vxdgUsable({ name: 'x', state: 'disabled', id: '1' })).toBe(false);
    expect(vxdgUsable({ name: 'x', state: 'enabled,cds', id: '1' })).toBe(true);
    expect(parseVxdgList(transcript('vxdg-list-empty.txt'))).toEqual([]);
  });

  it.each([
    ['vxdg-import-in-use.txt', 'STORAGE_HELD_ELSEWHERE', 'dbdg is imported by another host'],
    ['vxdg-import-in-use-4.1.reference.txt', 'STORAGE_HELD_ELSEWHERE', 'dbdg'],
    ['vxdg-deport-no-such-group.txt', 'GROUP_NOT_FOUND', 'nosuch'],
    ['vxdg-import-not-found-5.0.reference.txt', 'GROUP_NOT_FOUND', 'dbdg'],
    ['vxdg-deport-volumes-in-use.txt', 'STORAGE_BUSY', 'webdg'],
    ['vxdg-import-write-disabled.txt', 'PRECONDITION_FAILED', 'must be failed over first'],
  ])('classifies %s', (file, code, text) => {
    const c = classifyVxdgFailure(failed(transcript(file)));
    expect(c?.code).toBe(code);
    expect(c?.message).toContain(text);
  });

  it('recognises the benign races and leaves unknown texts alone', () => {
    expect(isVxdgAlreadyImported(failed('VxVM vxdg ERROR V-5-1-10978 Disk group dbdg: import failed:\nDisk group exists and is imported'))).toBe(true);
    expect(isVxdgNoSuchGroup(failed(transcript('vxdg-deport-no-such-group.txt')))).toBe(true);
    expect(classifyVxdgFailure(failed('VxVM vxdg ERROR V-5-1-2290 Usage: ...'))).toBeNull();
  });
});
