import { describe, expect, it } from 'vitest';
import { isTwinzoneError } from '../../shared/errors/twinzone-error.js';
import { runResult, transcript } from '../../test/support/transcripts.js';
import type { RunResult } from '../platform/command-runner.js';
import { classifyZoneadmFailure, parseZoneadmListCp, zoneadmArgs } from './zoneadm.js';

const failed = (args: string[], stderr: string, exitCode = 1): RunResult => runResult(['/usr/sbin/zoneadm', ...args], exitCode, '', stderr);

describe('zoneadmArgs', () => {
  it('builds the argument vectors of ref 1.5-1.9', () => {
    expect(zoneadmArgs.list()).toEqual(['list', '-cp']);
    expect(zoneadmArgs.listZone('db01')).toEqual(['-z', 'db01', 'list', '-p']);
    expect(zoneadmArgs.halt('db01')).toEqual(['-z', 'db01', 'halt']);
    expect(zoneadmArgs.ready('db01')).toEqual(['-z', 'db01', 'ready']);
    expect(zoneadmArgs.boot('db01', [])).toEqual(['-z', 'db01', 'boot']);
    expect(zoneadmArgs.boot('db01', ['-m', 'verbose'])).toEqual(['-z', 'db01', 'boot', '--', '-m', 'verbose']);
    expect(zoneadmArgs.detach('db01')).toEqual(['-z', 'db01', 'detach']);
    expect(zoneadmArgs.attach('db01', { force: false })).toEqual(['-z', 'db01', 'attach']);
    expect(zoneadmArgs.attach('db01', { force: true })).toEqual(['-z', 'db01', 'attach', '-F']);
    expect(zoneadmArgs.attachDryRun('db01', '/zones/db01/SUNWdetached.xml')).toEqual(['-z', 'db01', 'attach', '-n', '/zones/db01/SUNWdetached.xml']);
  });
});

describe('parseZoneadmListCp', () => {
  it('reads the lab listing', () => {
    const zones = parseZoneadmListCp(transcript('zoneadm-list-cp-lab.txt'));
    expect(zones).toHaveLength(3);
    expect(zones[0]).toEqual({ zoneId: 0, name: 'global', state: 'running', zonepath: '/', uuid: '', brand: 'native', ipType: 'shared' });
    expect(zones[2]).toEqual({
      zoneId: 2, name: 'db01', state: 'running', zonepath: '/zones/db01', uuid: '79f908fc-4572-4939-8dfe-a3750ff4f64a', brand: 'solaris8', ipType: 'shared',
    });
  });

  it('reads the S10 forms: "-" ids, empty uuids, excl, escaped colons', () => {
    const zones = parseZoneadmListCp(transcript('zoneadm-list-p-s10.reference.txt'));
    expect(zones.map((z) => [z.name, z.zoneId, z.state])).toEqual([
      ['global', 0, 'running'], ['web1', 3, 'running'], ['s8zone', -1, 'installed'], ['newzone', -1, 'configured'], ['odd', -1, 'installed'],
    ]);
    expect(zones[3]).toMatchObject({ uuid: '', ipType: 'excl' });
    expect(zones[4]!.zonepath).toBe('/zones/a:b');
    expect(zones[4]!.uuid).toBe('9e0d1c2b-3a49-4f5e-8d7c-6b5a49382716');
  });

  it('ignores the fields Solaris 11 appends', () => {
    const zones = parseZoneadmListCp(transcript('zoneadm-list-p-s11.reference.txt'));
    expect(zones[1]).toEqual({ zoneId: -1, name: 'iscsi', state: 'installed', zonepath: '/iscsi', uuid: 'a0a4ba0d-9d6d-cf2c-cc42-f123a5e3ee11', brand: 'solaris', ipType: 'excl' });
  });

  it('refuses lines it cannot read instead of dropping a zone', () => {
    for (const bad of ['-:iscsi:unavailable:/iscsi::solaris:excl', '1:db01:running', 'x:db01:running:/zones/db01::native:shared']) {
      let caught: unknown;
      try {
        parseZoneadmListCp(bad);
      } catch (err) {
        caught = err;
      }
      expect(isTwinzoneError(caught) && caught.code).toBe('COMMAND_OUTPUT');
    }
  });
});

describe('classifyZoneadmFailure', () => {
  it.each([
    ['zoneadm-no-such-zone.txt', ['-z', 'nope', 'list', '-p'], 'ZONE_NOT_FOUND', 'zone nope is not configured'],
    ['zoneadm-detach-running.txt', ['-z', 'db01', 'detach'], 'ZONE_WRONG_STATE', 'cannot detach db01: it is running; halt it first'],
    ['zoneadm-boot-not-installed.txt', ['-z', 'db01', 'boot'], 'ZONE_WRONG_STATE', 'cannot boot db01: it is not installed'],
    ['zoneadm-attach-installed.txt', ['-z', 'db01', 'attach', '-F'], 'ZONE_WRONG_STATE', 'cannot attach db01: it is already installed'],
    ['zoneadm-busy.reference.txt', ['-z', 'db01', 'halt'], 'ZONE_BUSY', 'another zoneadm operation on db01'],
    ['zoneadm-verify-zonepath-mode.txt', ['-z', 'db01', 'boot'], 'PRECONDITION_FAILED', 'db01 failed zoneadm verify'],
    ['zoneadm-detach-mounted.txt', ['-z', 'db01', 'detach'], 'PRECONDITION_FAILED', 'mounted below its zonepath'],
    ['zoneadm-boot-s8p2v-needed.txt', ['-z', 'db01', 'boot'], 'PRECONDITION_FAILED', 'run ConvertZone (s8_p2v)'],
    ['zoneadm-attach-not-detached.txt', ['-z', 'db01', 'attach'], 'PRECONDITION_FAILED', 'no detach manifest'],
    ['zoneadm-halt-configured.txt', ['-z', 'db01', 'halt'], 'ZONE_WRONG_STATE', 'cannot halt db01: it is configured'],
    ['attach-deltas-db01-hostB-lab.txt', ['-z', 'db01', 'attach'], 'PRECONDITION_FAILED', 'software on this host differs'],
  ])('%s → %s', (file, args, code, message) => {
    const known = classifyZoneadmFailure(failed(args, transcript(file)));
    expect(known?.code).toBe(code);
    expect(known?.message).toContain(message);
  });

  it('leaves unknown failures to COMMAND_FAILED (null)', () => {
    expect(classifyZoneadmFailure(failed(['-z', 'db01', 'boot'], 'zoneadm: zone \'db01\': something new\n'))).toBeNull();
    expect(classifyZoneadmFailure(failed(['-z', 'db01', 'halt'], 'solsim: host hostA is powered off\n', 255))).toBeNull();
  });
});
