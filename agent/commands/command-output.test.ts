// Every parser of a command's output refuses what it cannot read whole (COMMAND_OUTPUT),
// for the three damages the simulator's `corrupt` fault makes (test/solsim/src/faults.ts)
// and for every cut inside a line; the whole transcript still parses.
import { describe, expect, it } from 'vitest';
import { corruptOutput } from '../../test/solsim/src/faults.js';
import { codeOf } from '../../test/support/rejections.js';
import { transcript } from '../../test/support/transcripts.js';
import { completeLines } from './command-output.js';
import { parseDfK } from './df.js';
import { parseShowrevPatches } from './showrev.js';
import { parseSymrdfQuery } from './symrdf.js';
import { parseUname } from './uname.js';
import { parseVxdgList } from './vxdg.js';
import { parseZoneadmListCp, parseZoneadmListZone } from './zoneadm.js';
import { parseZonecfgExport } from './zonecfg.js';
import { parseZpoolList } from './zpool.js';

const PARSERS: Array<[string, string, (out: string) => unknown]> = [
  ['zoneadm list -cp', 'zoneadm-list-cp-lab.txt', parseZoneadmListCp],
  ['zonecfg export', 'zonecfg-export-db01-lab.txt', parseZonecfgExport],
  ['zonecfg export (every resource)', 'zonecfg-export-full.reference.txt', parseZonecfgExport],
  ['vxdg list', 'vxdg-list.txt', parseVxdgList],
  ['zpool list', 'zpool-list.txt', parseZpoolList],
  ['df -k', 'df-k.txt', parseDfK],
  ['showrev -p', 'showrev-p.txt', parseShowrevPatches],
  ['uname -a', 'uname-a.sunos.txt', parseUname],
  ['symrdf query', 'symrdf-query-consistent.txt', parseSymrdfQuery],
];

describe('parsers refuse output they cannot read whole', () => {
  it.each(PARSERS)('%s: the whole transcript parses', (_name, file, parse) => {
    expect(codeOf(() => parse(transcript(file)))).toBe('no error');
  });

  it.each(PARSERS)('%s: truncated, garbled or empty output is COMMAND_OUTPUT', (name, file, parse) => {
    const whole = transcript(file);
    // Real zpool prints "no pools available" on stderr: an empty stdout is a real answer.
    const damages = name === 'zpool list' ? (['truncate', 'garble'] as const) : (['truncate', 'garble', 'empty'] as const);
    for (const corruption of damages) {
      expect(codeOf(() => parse(corruptOutput(whole, corruption))), corruption).toBe('COMMAND_OUTPUT');
    }
  });

  it.each(PARSERS)('%s: output cut at any point inside a line is COMMAND_OUTPUT', (_name, file, parse) => {
    const whole = transcript(file);
    for (let cut = 1; cut < whole.length; cut += 1) {
      if (whole[cut - 1] === '\n') continue; // a cut between lines: whole lines, judged below
      expect(codeOf(() => parse(whole.slice(0, cut))), `cut at ${cut}: ${JSON.stringify(whole.slice(Math.max(0, cut - 20), cut))}`).toBe('COMMAND_OUTPUT');
    }
  });

  it('zoneadm list -cp without its global zone line, or a zone line that lost fields, is COMMAND_OUTPUT', () => {
    const whole = transcript('zoneadm-list-cp-lab.txt');
    const [, ...zones] = whole.split('\n');
    expect(codeOf(() => parseZoneadmListCp(zones.join('\n')))).toBe('COMMAND_OUTPUT');
    // Cut inside the ip-type, then a newline added back: 7 fields, but not an ip-type.
    expect(codeOf(() => parseZoneadmListCp('0:global:running:/::native:shared\n1:db01:running:/zones/db01::solaris8:sha\n'))).toBe('COMMAND_OUTPUT');
  });

  it('zoneadm -z ZONE list -p wants exactly its one line', () => {
    expect(parseZoneadmListZone('db01', '2:db01:running:/zones/db01::solaris8:shared\n').state).toBe('running');
    expect(codeOf(() => parseZoneadmListZone('db01', ''))).toBe('COMMAND_OUTPUT');
    expect(codeOf(() => parseZoneadmListZone('db01', '2:db01:running:/zones/db01::solaris8:shared\n2:db01:running:/zones/db01::solaris8:shared\n'))).toBe('COMMAND_OUTPUT');
  });

  it('a zonecfg export cut after a whole line inside a resource, or before its ip-type, is COMMAND_OUTPUT', () => {
    const whole = transcript('zonecfg-export-full.reference.txt');
    const lines = whole.split('\n');
    const insideFs = lines.findIndex((l) => l.trim() === 'add fs') + 2;
    expect(codeOf(() => parseZonecfgExport(lines.slice(0, insideFs).join('\n') + '\n'))).toBe('COMMAND_OUTPUT');
    const beforeIpType = lines.findIndex((l) => l.startsWith('set ip-type='));
    expect(codeOf(() => parseZonecfgExport(lines.slice(0, beforeIpType).join('\n') + '\n'))).toBe('COMMAND_OUTPUT');
    expect(codeOf(() => parseZonecfgExport(lines.slice(1).join('\n')))).toBe('COMMAND_OUTPUT');
  });

  it('vxdg list without its header, or with a row out of format, is COMMAND_OUTPUT', () => {
    expect(codeOf(() => parseVxdgList('dbdg enabled 1.2.hostA\n'))).toBe('COMMAND_OUTPUT');
    expect(codeOf(() => parseVxdgList('NAME STATE ID\ndbdg enabled\n'))).toBe('COMMAND_OUTPUT');
    expect(parseVxdgList(transcript('vxdg-list-empty.txt'))).toEqual([]);
  });

  it('outputs that may be empty stay empty lists; control bytes are refused', () => {
    expect(completeLines('zfs list', '', { mayBeEmpty: true })).toEqual([]);
    expect(parseZpoolList(transcript('zpool-list-none.txt'))).toEqual([]);
    expect(codeOf(() => completeLines('x', 'a\u0000b\n', { mayBeEmpty: true }))).toBe('COMMAND_OUTPUT');
  });
});
