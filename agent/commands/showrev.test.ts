import { describe, expect, it } from 'vitest';
import { transcript } from '../../test/support/transcripts.js';
import { parseShowrevPatches, showrevArgs } from './showrev.js';

describe('showrev -p', () => {
  it('builds -p', () => expect(showrevArgs.patches()).toEqual(['-p']));

  it('parses the lab inventory', () => {
    const patches = parseShowrevPatches(transcript('showrev-p.txt'));
    expect(patches.map((p) => `${p.id}-${p.rev}`)).toEqual(['119254-50', '137137-09', '138888-08']);
    expect(patches[2]).toEqual({ id: '138888', rev: '08', obsoletes: [], requires: [], incompatibles: [], packages: ['SUNWcakr.v', 'SUNWcart200.v'] });
  });

  it('parses filled keyword lists', () => {
    const [a, b] = parseShowrevPatches(transcript('showrev-p.reference.txt'));
    expect(a).toEqual({
      id: '119254', rev: '50', obsoletes: ['119015-03'], requires: ['121133-02', '119317-01'], incompatibles: [], packages: ['SUNWcsu', 'SUNWcsr'],
    });
    expect(b!.obsoletes).toEqual(['118731-01', '118822-30']);
    expect(b!.incompatibles).toEqual(['118844-30']);
  });

  it('accepts lines without Incompatibles and "No patches are installed"', () => {
    expect(parseShowrevPatches('Patch: 108528-29 Obsoletes: 108875-01 Requires:  Packages: SUNWcsr\n')[0]).toMatchObject({
      id: '108528', rev: '29', obsoletes: ['108875-01'], packages: ['SUNWcsr'],
    });
    expect(parseShowrevPatches('No patches are installed\n')).toEqual([]);
    expect(() => parseShowrevPatches('garbage\n')).toThrow(/not a patch/);
  });
});
