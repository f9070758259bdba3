import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeRecord, type RunResult } from '../platform/command-runner.js';
import { classifyUmountFailure, isNotMounted, umountArgs } from './umount.js';

const transcript = (name: string) =>
  readFileSync(new URL(`../../test/support/fixtures/transcripts/${name}`, import.meta.url), 'utf8').split('\n').slice(1).join('\n');
const failed = (stderr: string, exitCode = 1, stdout = ''): RunResult => ({
  record: makeRecord(['cmd'], exitCode, stdout, stderr, 0, 1), stdout, stderr, timedOut: false, cancelled: false,
});

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
