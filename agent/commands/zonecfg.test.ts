import { describe, expect, it } from 'vitest';
import { isTwinzoneError, type TwinzoneError } from '../../shared/errors/twinzone-error.js';
import { runResult, transcript } from '../../test/support/transcripts.js';
import type { RunResult } from '../platform/command-runner.js';
import { classifyZonecfgFailure, parseZonecfgExport, renderRemapCommands, zonecfgArgs, zonecfgFailed, type ZoneConfig } from './zonecfg.js';

const result = (args: string[], stderr: string, exitCode = 1, stdout = ''): RunResult => runResult(['/usr/sbin/zonecfg', ...args], exitCode, stdout, stderr);
function thrown(fn: () => unknown): TwinzoneError {
  try {
    fn();
  } catch (err) {
    if (isTwinzoneError(err)) return err;
    throw err;
  }
  throw new Error('expected a TwinzoneError');
}

describe('zonecfgArgs', () => {
  it('passes each zonecfg command line as one argv element (ref 2.1)', () => {
    expect(zonecfgArgs.export('db01')).toEqual(['-z', 'db01', 'export']);
    expect(zonecfgArgs.createFromDetached('db01', '/zones/db01')).toEqual(['-z', 'db01', 'create -a /zones/db01']);
    expect(zonecfgArgs.fromFile('db01', '/var/run/twinzone/db01-remap.cfg')).toEqual(['-z', 'db01', '-f', '/var/run/twinzone/db01-remap.cfg']);
    expect(zonecfgArgs.deleteForce('db01')).toEqual(['-z', 'db01', 'delete -F']);
  });

  it('refuses a zonepath that would add zonecfg syntax', () => {
    expect(thrown(() => zonecfgArgs.createFromDetached('db01', '/zones/db01; delete -F')).code).toBe('INVALID_ARGUMENT');
    expect(thrown(() => zonecfgArgs.createFromDetached('db01', 'zones/db01')).code).toBe('INVALID_ARGUMENT');
  });
});

describe('parseZonecfgExport', () => {
  it('reads the lab export', () => {
    expect(parseZonecfgExport(transcript('zonecfg-export-db01-lab.txt'))).toEqual({
      zonepath: '/zones/db01', brand: 'solaris8', autoboot: false, ipType: 'shared', bootargs: '', pool: '', limitpriv: '', schedulingClass: '',
      fs: [{ dir: '/data', special: '/data/db01', raw: '', type: 'lofs', options: [] }],
      net: [{ address: '192.168.10.31/24', physical: 'bge0', defrouter: '' }],
      deviceMatches: [], attrs: [{ name: 'machine', type: 'string', value: 'sun4u' }], datasets: [], inheritPkgDirs: [],
    });
  });

  it('reads every line kind of ref 2.4, with quoted values and skipped resources', () => {
    const c = parseZonecfgExport(transcript('zonecfg-export-full.reference.txt'));
    expect(c).toMatchObject({ zonepath: '/zones/s8zone', brand: 'solaris8', autoboot: true, bootargs: '-m verbose', pool: 'pool_s8', limitpriv: 'default,proc_priocntl', schedulingClass: 'FSS', ipType: 'shared' });
    expect(c.inheritPkgDirs).toEqual(['/opt/sfw']);
    expect(c.fs).toEqual([{ dir: '/data', special: '/dev/md/zset1/dsk/d110', raw: '/dev/md/zset1/rdsk/d110', type: 'ufs', options: ['logging', 'forcedirectio=1'] }]);
    expect(c.net).toEqual([
      { address: '10.1.2.3/24', physical: 'bge0', defrouter: '10.1.2.1' },
      { address: '10.1.3.3/24', physical: 'bge1', defrouter: '' },
    ]);
    expect(c.deviceMatches).toEqual(['/dev/rdsk/c2t1d0s0']);
    expect(c.attrs).toEqual([{ name: 'machine', type: 'string', value: 'sun4u' }, { name: 'comment', type: 'string', value: 'my zone' }]);
    expect(c.datasets).toEqual(['tank/s8zone']);
  });

  it('defaults brand to native and reads the bracketed option list', () => {
    const c = parseZonecfgExport('create -b\nset zonepath=/zones/n1\nset autoboot=false\nset ip-type=exclusive\nadd fs\nset dir=/a\nset special=/b\nset type=lofs\nadd options [ro,nodevices,"x=1"]\nend\n');
    expect(c.brand).toBe('native');
    expect(c.ipType).toBe('exclusive');
    expect(c.fs[0]!.options).toEqual(['ro', 'nodevices', 'x=1']);
  });
});

describe('renderRemapCommands', () => {
  const base = (): ZoneConfig => parseZonecfgExport(transcript('zonecfg-export-full.reference.txt'));

  it('writes select/set/end blocks for nets and devices', () => {
    const plan = renderRemapCommands(base(), {
      netRemaps: [{ fromPhysical: 'bge0', toPhysical: 'e1000g0', address: '10.9.2.3/24', defrouter: '10.9.2.1' }],
      deviceRemaps: [{ fromMatch: '/dev/rdsk/c2t1d0s0', toMatch: '/dev/rdsk/c4t0d0s0' }],
    });
    expect(plan.text).toBe(
      'select net physical=bge0\nset physical=e1000g0\nset address=10.9.2.3/24\nset defrouter=10.9.2.1\nend\n' +
        'select device match=/dev/rdsk/c2t1d0s0\nset match=/dev/rdsk/c4t0d0s0\nend\n',
    );
    expect(plan.changes).toEqual(['net bge0 -> e1000g0 address 10.9.2.3/24 defrouter 10.9.2.1', 'device /dev/rdsk/c2t1d0s0 -> /dev/rdsk/c4t0d0s0']);
  });

  it('selects against the configuration as earlier lines leave it (a swap)', () => {
    const plan = renderRemapCommands(base(), {
      netRemaps: [{ fromPhysical: 'bge0', toPhysical: 'bge1', address: '', defrouter: '' }, { fromPhysical: 'bge1', toPhysical: 'bge0', address: '', defrouter: '' }],
      deviceRemaps: [],
    });
    expect(plan.text).toBe(
      'select net physical=bge0\nset physical=bge1\nend\n' + 'select net address=10.1.3.3/24 physical=bge1\nset physical=bge0\nend\n',
    );
  });

  it('names a remap source that does not exist', () => {
    const err = thrown(() => renderRemapCommands(base(), { netRemaps: [{ fromPhysical: 'hme0', toPhysical: 'e1000g0', address: '', defrouter: '' }], deviceRemaps: [] }));
    expect(err.code).toBe('PRECONDITION_FAILED');
    expect(err.message).toContain('net physical=hme0');
    const dev = thrown(() => renderRemapCommands(base(), { netRemaps: [], deviceRemaps: [{ fromMatch: '/dev/rdsk/c9t9d9s9', toMatch: '/dev/rdsk/c1t1d1s1' }] }));
    expect(dev.code).toBe('PRECONDITION_FAILED');
    expect(dev.message).toContain('device match=/dev/rdsk/c9t9d9s9');
  });

  it('sees remaps already applied by an earlier call', () => {
    const config = base();
    config.net[0] = { address: '10.9.2.3/24', physical: 'e1000g0', defrouter: '' };
    config.deviceMatches = ['/dev/rdsk/c4t0d0s0'];
    const plan = renderRemapCommands(config, {
      netRemaps: [{ fromPhysical: 'bge0', toPhysical: 'e1000g0', address: '10.9.2.3/24', defrouter: '' }],
      deviceRemaps: [{ fromMatch: '/dev/rdsk/c2t1d0s0', toMatch: '/dev/rdsk/c4t0d0s0' }],
    });
    expect(plan).toEqual({ text: '', changes: [], alreadyHeld: ['net bge0 -> e1000g0 address 10.9.2.3/24', 'device /dev/rdsk/c2t1d0s0 -> /dev/rdsk/c4t0d0s0'] });
  });

  it('refuses values zonecfg would misread and addresses on exclusive-IP zones', () => {
    expect(thrown(() => renderRemapCommands(base(), { netRemaps: [{ fromPhysical: 'bge0', toPhysical: 'e1000g0;delete', address: '', defrouter: '' }], deviceRemaps: [] })).code).toBe('INVALID_ARGUMENT');
    const excl = { ...base(), ipType: 'exclusive' };
    expect(thrown(() => renderRemapCommands(excl, { netRemaps: [{ fromPhysical: 'bge0', toPhysical: '', address: '10.0.0.1/24', defrouter: '' }], deviceRemaps: [] })).code).toBe('PRECONDITION_FAILED');
  });
});

describe('classifyZonecfgFailure', () => {
  it.each([
    ['zonecfg-no-such-zone.txt', ['-z', 'zz9', 'export'], 1, 'ZONE_NOT_FOUND'],
    ['zonecfg-create-a-invalid-path.txt', ['-z', 'zz9', 'create -a /zones/nothere'], 0, 'PRECONDITION_FAILED'],
    ['zonecfg-create-exists.txt', ['-z', 'db01', 'create -a /zones/db01'], 1, 'ZONE_WRONG_STATE'],
    ['zonecfg-file-no-such-resource.txt', ['-z', 'db01', '-f', '/tmp/remap.cfg'], 1, 'PRECONDITION_FAILED'],
  ])('%s → %s, and zonecfgFailed sees it whatever the exit status', (file, args, exitCode, code) => {
    const r = result(args, transcript(file), exitCode);
    expect(classifyZonecfgFailure(r)?.code).toBe(code);
    expect(zonecfgFailed(r)).toBe(true);
  });

  it('does not take data on stdout for an error', () => {
    const r = result(['-z', 'db01', 'export'], '', 0, transcript('zonecfg-export-db01-lab.txt'));
    expect(zonecfgFailed(r)).toBe(false);
  });
});
