import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeSimLab, type SimLab } from '../testing/sim-lab.js';

describe('uname and showrev', () => {
  let lab: SimLab;
  beforeEach(() => {
    lab = makeSimLab([
      { host: 'hostA', site: 'dc1', machine: 'sun4u' },
      { host: 'hostB', site: 'dc1', machine: 'sun4v' },
    ]);
  });
  afterEach(() => lab.cleanup());

  it('prints uname -a in the SunOS field order', async () => {
    const r = await lab.run('hostA', 'uname', ['-a']);
    expect(r).toEqual({ code: 0, stdout: 'SunOS hostA 5.10 Generic_147147-26 sun4u sparc SUNW,Sun-Fire-V440\n', stderr: '' });
  });

  it('distinguishes sun4u from sun4v with -m and -i', async () => {
    expect((await lab.run('hostA', 'uname', ['-m'])).stdout).toBe('sun4u\n');
    expect((await lab.run('hostB', 'uname', ['-m'])).stdout).toBe('sun4v\n');
    expect((await lab.run('hostB', 'uname', ['-i'])).stdout).toBe('SUNW,SPARC-Enterprise-T5220\n');
    expect((await lab.run('hostB', 'uname', ['-mi'])).stdout).toBe('sun4v SUNW,SPARC-Enterprise-T5220\n');
    expect((await lab.run('hostB', 'uname', [])).stdout).toBe('SunOS\n');
  });

  it('rejects an unknown flag with usage and exit 1', async () => {
    const r = await lab.run('hostA', 'uname', ['-z']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^uname: illegal option -- z\nusage:/);
  });

  it('lists patches with showrev -p in the grep-able layout', async () => {
    const r = await lab.run('hostA', 'showrev', ['-p']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(
      'Patch: 119254-50 Obsoletes:  Requires:  Incompatibles:  Packages: SUNWcsu, SUNWcsr',
    );
  });

  it('summarises the host with showrev', async () => {
    const r = await lab.run('hostB', 'showrev', []);
    expect(r.stdout).toContain('Hostname: hostB\n');
    expect(r.stdout).toContain('Kernel architecture: sun4v\n');
  });
});
