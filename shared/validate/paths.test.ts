import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTwinzoneError } from '../errors/twinzone-error.js';
import { pathProblem, requirePath } from './paths.js';
import { requireDatasetName, requirePoolName, requireSnapshotName, requireVxName } from './storage-names.js';

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (isTwinzoneError(err) && err.code === 'INVALID_ARGUMENT') return err.message;
    throw err;
  }
  throw new Error('accepted');
}

describe('paths from requests', () => {
  it.each(['/zones/db01', '/dev/vx/dsk/dbdg/datavol', '/data/db01', '/'])('accepts %s', (p) => {
    expect(pathProblem(p)).toBeNull();
  });

  it.each([
    ['', 'is empty'],
    ['zones/db01', 'is not absolute'],
    ['/zones/../etc', 'contains "." or ".."'],
    ['/zones/./db01', 'contains "." or ".."'],
    ['/zones//db01', 'is not normalised'],
    ['/zones/db01/', 'is not normalised'],
    ['/zones/db01;rm -rf /', 'contains characters'],
    ['/zones/$(reboot)', 'contains characters'],
    ['/zones/`id`', 'contains characters'],
    ['/zones/db01\n', 'contains characters'],
    ['/zones/zöne', 'contains characters'],
    ['/' + 'a'.repeat(2000), 'is longer than'],
  ])('refuses %j: %s', (p, why) => {
    expect(refusal(() => requirePath('zonepath', p))).toContain(why);
  });

  it('keeps paths under the configured roots', () => {
    expect(requirePath('zonepath', '/zones/db01', ['/zones'])).toBe('/zones/db01');
    expect(refusal(() => requirePath('zonepath', '/etc/shadow', ['/zones', '/data']))).toContain('outside the allowed roots');
    expect(refusal(() => requirePath('zonepath', '/zonesX/db01', ['/zones']))).toContain('outside the allowed roots');
  });

  it('never accepts a path that a shell would treat specially or that escapes with ..', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        const p = '/zones/' + s;
        if (pathProblem(p) !== null) return;
        expect(p).not.toMatch(/[\s;&|$`'"<>()*?!\\{}[\]#~%^]/);
        expect(p.split('/')).not.toContain('..');
      }),
    );
  });
});

describe('storage names', () => {
  it('accepts the names the tools accept', () => {
    expect(requireVxName('group', 'dbdg')).toBe('dbdg');
    expect(requirePoolName('pool', 'apppool')).toBe('apppool');
    expect(requireDatasetName('ds', 'apppool/data/db01')).toBe('apppool/data/db01');
    expect(requireSnapshotName('snap', 'apppool/data@before-upgrade')).toBe('apppool/data@before-upgrade');
  });

  it.each(['', '-C', 'db dg', 'db;dg', 'x'.repeat(32), 'dbdg\u0000', 'ünï'])('refuses the Veritas name %j', (n) => {
    expect(refusal(() => requireVxName('group', n))).toContain('not a valid Veritas name');
  });

  it.each(['', 'mirror', 'c0t0d0', '1pool', 'pool/with/slash', 'p@s'])('refuses the pool name %j', (n) => {
    expect(refusal(() => requirePoolName('pool', n))).toContain('not a valid pool name');
  });

  it('refuses malformed snapshots', () => {
    expect(refusal(() => requireSnapshotName('snap', 'apppool/data'))).toContain('dataset@name');
    expect(refusal(() => requireSnapshotName('snap', 'apppool/data@a@b'))).toContain('dataset@name');
  });
});
