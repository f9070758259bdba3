import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hostPath } from '../env.js';
import { kernelZone } from '../state/zone-runtime.js';
import { makeSimLab, type SimLab } from '../testing/sim-lab.js';
import { configureZone, installZone, zoneEvents } from './zone-test-helpers.js';

let lab: SimLab;
beforeEach(() => {
  lab = makeSimLab([
    { host: 'hostA', site: 'dc1' },
    { host: 'hostB', site: 'dc1' },
  ]);
});
afterEach(() => lab.cleanup());

const NOT_CONVERTED =
  "zoneadm: zone 's8zone': This zone was last booted on another host; run /usr/lib/brand/solaris8/s8_p2v s8zone before booting it here.\n" +
  "zoneadm: zone 's8zone': call to zoneadmd failed\n";

describe('solaris8 boot gating by s8_p2v', () => {
  it('refuses to boot an unconverted image and boots after s8_p2v', async () => {
    await installZone(lab, 'hostA', 's8zone', '/zones/s8zone', '', 'create -t SUNWsolaris8');
    expect(await lab.run('hostA', 'zoneadm', ['-z', 's8zone', 'boot'])).toEqual({ code: 1, stdout: '', stderr: NOT_CONVERTED });
    expect(kernelZone(lab.env('hostA'), 's8zone')).toBeUndefined();

    const p2v = await lab.run('hostA', 's8_p2v', ['s8zone']);
    expect(p2v.code).toBe(0);
    expect(p2v.stdout.split('\n')[0]).toBe('s8_p2v: Updating the image to run within a zone');
    expect(p2v.stdout.endsWith('Postprocessing successful.\n')).toBe(true);
    const hostid = fs.readFileSync(hostPath(lab.env('hostA'), '/zones/s8zone/root/.host.orig'), 'utf8').trim();
    expect(hostid).toBe('84a1b2c0');
    expect((await lab.run('hostA', 'zoneadm', ['-z', 's8zone', 'boot'])).code).toBe(0);
    expect(zoneEvents(lab, 's8zone')).toEqual([
      'hostA:s8zone:configured->installed',
      'hostA:s8zone:installed->ready',
      'hostA:s8zone:ready->running',
    ]);
  });

  it('needs s8_p2v again after the zone moved to another host', async () => {
    await installZone(lab, 'hostA', 's8zone', '/zones/s8zone', '', 'create -t SUNWsolaris8');
    await lab.run('hostA', 's8_p2v', ['s8zone']);
    await lab.run('hostA', 'zoneadm', ['-z', 's8zone', 'detach']);
    fs.cpSync(hostPath(lab.env('hostA'), '/zones/s8zone'), hostPath(lab.env('hostB'), '/zones/s8zone'), { recursive: true });
    await lab.run('hostB', 'zonecfg', ['-z', 's8zone', 'create -a /zones/s8zone']);
    expect((await lab.run('hostB', 'zoneadm', ['-z', 's8zone', 'attach', '-F'])).code).toBe(0);
    expect(await lab.run('hostB', 'zoneadm', ['-z', 's8zone', 'boot'])).toEqual({ code: 1, stdout: '', stderr: NOT_CONVERTED });
    expect((await lab.run('hostB', 's8_p2v', ['s8zone'])).code).toBe(0);
    expect((await lab.run('hostB', 'zoneadm', ['-z', 's8zone', 'boot'])).code).toBe(0);
  });

  it('does not gate native zones', async () => {
    await installZone(lab, 'hostA', 'n1', '/zones/n1');
    expect((await lab.run('hostA', 'zoneadm', ['-z', 'n1', 'boot'])).code).toBe(0);
  });
});

describe('s8_p2v errors', () => {
  it('checks usage, existence, brand and state', async () => {
    expect(await lab.run('hostA', 's8_p2v', [])).toEqual({ code: 2, stdout: '', stderr: 'usage: s8_p2v [-u] zonename\n' });
    expect(await lab.run('hostA', 's8_p2v', ['-x', 'z'])).toEqual({ code: 2, stdout: '', stderr: 'usage: s8_p2v [-u] zonename\n' });
    expect(await lab.run('hostA', 's8_p2v', ['nosuch'])).toEqual({ code: 1, stdout: '', stderr: "s8_p2v: zone 'nosuch' does not exist.\n" });
    await installZone(lab, 'hostA', 'n1', '/zones/n1');
    expect((await lab.run('hostA', 's8_p2v', ['n1'])).stderr).toBe("s8_p2v: zone 'n1' is not a solaris8 branded zone.\n");
    await configureZone(lab, 'hostA', 'c8', '/zones/c8', '', 'create -t SUNWsolaris8');
    expect(await lab.run('hostA', 's8_p2v', ['c8'])).toEqual({ code: 1, stdout: '', stderr: "s8_p2v: zone 'c8' must be installed (it is 'configured').\n" });
    await installZone(lab, 'hostA', 's8zone', '/zones/s8zone', '', 'create -t SUNWsolaris8');
    await lab.run('hostA', 's8_p2v', ['s8zone']);
    await lab.run('hostA', 'zoneadm', ['-z', 's8zone', 'boot']);
    expect((await lab.run('hostA', 's8_p2v', ['s8zone'])).stderr).toBe("s8_p2v: zone 's8zone' must be halted (it is 'running').\n");
  });
});
