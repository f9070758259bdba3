import { describe, expect, it } from 'vitest';
import { transcript } from '../../test/support/transcripts.js';
import { parseUname, unameArgs } from './uname.js';

describe('uname', () => {
  it('builds the argument vectors', () => {
    expect(unameArgs.all()).toEqual(['-a']);
    expect(unameArgs.fields()).toEqual(['-s', '-n', '-r', '-v', '-m', '-p', '-i']);
  });

  it('parses uname -a (sun4u)', () => {
    expect(parseUname(transcript('uname-a.sunos.txt'))).toEqual({
      sysname: 'SunOS', nodename: 'hostA', release: '5.10', version: 'Generic_147147-26',
      machine: 'sun4u', processor: 'sparc', platform: 'SUNW,Sun-Fire-V440',
    });
  });

  it('parses the seven flags (sun4v)', () => {
    expect(parseUname(transcript('uname-fields.sun4v.txt'))).toMatchObject({ nodename: 'hostB', machine: 'sun4v', platform: 'SUNW,SPARC-Enterprise-T5220' });
  });

  it('keeps a version with blanks whole and rejects short output', () => {
    expect(parseUname('Linux box 6.1.0 #1 SMP Debian x86_64 unknown unknown\n').version).toBe('#1 SMP Debian');
    expect(() => parseUname('SunOS\n')).toThrow(expect.objectContaining({ code: 'COMMAND_OUTPUT' }));
  });
});
