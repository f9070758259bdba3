import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hostPath } from '../env.js';
import { readMnttab } from '../state/mounts.js';
import { kernelZone } from '../state/zone-runtime.js';
import { makeSimLab, type SimLab } from '../testing/sim-lab.js';
import { configureZone, installZone, zoneEvents } from './zone-test-helpers.js';
import { requestedInitState, shellStatus } from './zlogin.js';

let lab: SimLab;
beforeEach(() => {
  lab = makeSimLab([{ host: 'hostA', site: 'dc1' }]);
});
afterEach(() => lab.cleanup());

const zl = (...argv: string[]) => lab.run('hostA', 'zlogin', argv);

describe('zlogin', () => {
  it('refuses zones that are not running', async () => {
    expect(await zl('nosuch', 'uname')).toEqual({ code: 1, stdout: '', stderr: "zlogin: zone 'nosuch' unknown\n" });
    await configureZone(lab, 'hostA', 'c1', '/zones/c1');
    expect(await zl('c1', 'uname')).toEqual({ code: 1, stdout: '', stderr: "zlogin: cannot login to a zone which is 'configured'\n" });
    await installZone(lab, 'hostA', 'z1', '/zones/z1');
    expect(await zl('z1', 'uname')).toEqual({ code: 1, stdout: '', stderr: "zlogin: login allowed only to running zones (z1 is 'installed').\n" });
    expect((await zl()).code).toBe(2);
    expect(await zl('global', 'ls')).toEqual({ code: 1, stdout: '', stderr: "zlogin: 'zlogin' not applicable to the global zone\n" });
  });

  it('runs the command through a shell in the zone root and passes the exit status', async () => {
    await installZone(lab, 'hostA', 'z1', '/zones/z1');
    fs.writeFileSync(hostPath(lab.env('hostA'), '/zones/z1/root/etc/release'), 'Solaris 8 2/04\n');
    await lab.run('hostA', 'zoneadm', ['-z', 'z1', 'boot']);
    expect(await zl('z1', 'cat', 'etc/release')).toEqual({ code: 0, stdout: 'Solaris 8 2/04\n', stderr: '' });
    expect(await zl('z1', 'echo oops >&2; exit 3')).toEqual({ code: 3, stdout: '', stderr: 'oops\n' });
  });

  it('reports a command killed by a signal as 128 + that signal', async () => {
    await installZone(lab, 'hostA', 'z1', '/zones/z1');
    await lab.run('hostA', 'zoneadm', ['-z', 'z1', 'boot']);
    expect((await zl('z1', 'kill -TERM $$')).code).toBe(143);
    expect((await zl('z1', 'kill -HUP $$')).code).toBe(129);
    expect((await zl('z1', 'kill -KILL $$')).code).toBe(137);
    expect(shellStatus({ status: null, signal: 'SIGINT' })).toBe(130);
    expect(shellStatus({ status: 0, signal: null })).toBe(0);
  });

  it('stops the zone gracefully on shutdown -i0 and reboots on init 6', async () => {
    fs.mkdirSync(hostPath(lab.env('hostA'), '/data/z1'), { recursive: true });
    await installZone(lab, 'hostA', 'z1', '/zones/z1', 'add fs; set dir=/data; set special=/data/z1; set type=lofs; end');
    await lab.run('hostA', 'zoneadm', ['-z', 'z1', 'boot']);
    const init6 = await zl('z1', 'init', '6');
    expect(init6).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(kernelZone(lab.env('hostA'), 'z1')?.state).toBe('running');
    const down = await zl('z1', '/usr/sbin/shutdown -y -g0 -i0');
    expect(down.code).toBe(0);
    expect(down.stdout).toContain('Changing to init state 0 - please wait\n');
    expect(kernelZone(lab.env('hostA'), 'z1')).toBeUndefined();
    expect(readMnttab(lab.env('hostA')).some((e) => e.mountPoint.startsWith('/zones/z1/'))).toBe(false);
    expect(zoneEvents(lab, 'z1').slice(1)).toEqual([
      'hostA:z1:installed->ready',
      'hostA:z1:ready->running',
      'hostA:z1:running->shutting_down',
      'hostA:z1:shutting_down->installed',
      'hostA:z1:installed->ready',
      'hostA:z1:ready->running',
      'hostA:z1:running->shutting_down',
      'hostA:z1:shutting_down->installed',
    ]);
  });

  it('recognises only the stopping init states', () => {
    expect(requestedInitState(['shutdown', '-y', '-g0', '-i0'])).toBe('0');
    expect(requestedInitState(['/sbin/init', '5'])).toBe('5');
    expect(requestedInitState(['shutdown', '-y'])).toBeNull();
    expect(requestedInitState(['init', 's'])).toBeNull();
    expect(requestedInitState(['/opt/bin/shutdown', '-i0'])).toBeNull();
  });
});
