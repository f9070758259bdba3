import { describe, expect, it } from 'vitest';
import { classifySymcloneFailure, isNoCloneSession, parseSymcloneQuery, symcloneArgs } from './symclone.js';
import { vxdgArgs } from './vxdg.js';

// Transcripts as the lab's symclone prints them (test/solsim/src/commands/symclone.ts;
// Solutions Enabler 7.x shape, UNVERIFIED).
const QUERY_COPIED =
  '\nDevice Group (DG) Name: dbdg\n' +
  "DG's Type             : RDF2\n" +
  'Number of Clone Pairs : 2\n\n' +
  '        Source Device                   Target Device            State        Copy\n' +
  '--------------------------------- ---------------------------- ------------ ----\n' +
  'Logical  Sym    Tracks  Logical   Sym    Tracks               SRC <=> TGT  (%)\n' +
  '--------------------------------- ---------------------------- ------------ ----\n' +
  'DEV001  00B0        0  TGT001    00C0        0               Copied        100\n' +
  'DEV002  00B1        0  TGT002    00C1        0               CopyInProg     40\n' +
  '\nClone point in time (epoch ms)    : 1796652301786\n\n';

const result = (stderr: string, exitCode = 1) => ({
  record: { argv: ['symclone'], exitCode, stdout: '', stderr, startedAtMs: 0, durationMs: 1, truncated: false, planned: false, timedOut: false },
  stdout: '', stderr, timedOut: false, cancelled: false,
});

describe('symclone argv', () => {
  it('creates a full-copy session and never prompts', () => {
    expect(symcloneArgs('dbdg', 'create')).toEqual(['-g', 'dbdg', '-copy', '-noprompt', 'create']);
    expect(symcloneArgs('dbdg', 'activate')).toEqual(['-g', 'dbdg', '-noprompt', 'activate']);
    expect(symcloneArgs('dbdg', 'terminate')).toEqual(['-g', 'dbdg', '-noprompt', 'terminate']);
    expect(symcloneArgs('dbdg', 'query')).toEqual(['-g', 'dbdg', 'query']);
  });
  it('imports the clone devices under a new name with a new dgid', () => {
    expect(vxdgArgs.importClone('dbdg', 'dbdg_drill')).toEqual(['-C', '-n', 'dbdg_drill', '-o', 'useclonedev=on', '-o', 'updateid', 'import', 'dbdg']);
  });
});

describe('parseSymcloneQuery', () => {
  it('reads the pairs, the least copied one and the point in time', () => {
    expect(parseSymcloneQuery(QUERY_COPIED)).toEqual({ group: 'dbdg', state: 'Mixed', percentCopied: 40, pointInTimeMs: 1796652301786 });
    const one = QUERY_COPIED.replace(/^DEV002.*\n/m, '').replace(/\nClone point.*\n/, '\n');
    expect(parseSymcloneQuery(one)).toEqual({ group: 'dbdg', state: 'Copied', percentCopied: 100, pointInTimeMs: null });
  });
  it('refuses output without pair rows', () => {
    expect(() => parseSymcloneQuery('\nDevice Group (DG) Name: dbdg\n\n')).toThrow(/symclone query/);
  });
});

describe('symclone refusals', () => {
  it('knows a missing session from a failure', () => {
    const none = result('\nNo clone session was found for device group (dbdg).\n\n');
    expect(isNoCloneSession(none)).toBe(true);
    expect(classifySymcloneFailure(none)).toMatchObject({ code: 'GROUP_NOT_FOUND' });
    expect(isNoCloneSession(result('\nThe device(s) are already in a copy session.\n\n'))).toBe(false);
  });
  it('maps each known text to its code', () => {
    expect(classifySymcloneFailure(result('\nThe specified device group (xdg) was not found.\n\n'))).toEqual({ code: 'GROUP_NOT_FOUND', message: "SRDF device group xdg is not defined on this host's array" });
    expect(classifySymcloneFailure(result('\nNo target devices for a clone session were found on this Symmetrix for device group (dbdg).\n\n'))?.message).toMatch(/R2\) site/);
    expect(classifySymcloneFailure(result('\nThe device(s) are already in a copy session.\n\n'))?.message).toMatch(/drill --cleanup/);
    expect(classifySymcloneFailure(result('\nThe target device(s) are in use by a host (their disk group is imported).\n\n'))?.code).toBe('PRECONDITION_FAILED');
    expect(classifySymcloneFailure(result('\nThe Clone device(s) are not in a valid state for this operation.\n\n'))?.code).toBe('PRECONDITION_FAILED');
    expect(classifySymcloneFailure(result('something else'))).toBeNull();
  });
});
