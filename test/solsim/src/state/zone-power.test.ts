import { spawn } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { processAlive } from '../app/app-control.js';
import { installZone, zoneEvents } from '../commands/zone-test-helpers.js';
import { makeSimLab, type SimLab } from '../testing/sim-lab.js';
import { bootZones, crashZones } from './zone-power.js';
import { readZoneIndex } from './zone-index.js';
import { readZoneRuntime, updateZoneRuntime } from './zone-runtime.js';

let lab: SimLab;
beforeEach(() => {
  lab = makeSimLab([{ host: 'hostA', site: 'dc1' }]);
});
afterEach(() => lab.cleanup());

describe('crashZones', () => {
  it('kills zone applications, empties the kernel table and emits no zone events', async () => {
    await installZone(lab, 'hostA', 'z1', '/zones/z1');
    await installZone(lab, 'hostA', 'z2', '/zones/z2');
    await lab.run('hostA', 'zoneadm', ['-z', 'z1', 'boot']);
    await lab.run('hostA', 'zoneadm', ['-z', 'z2', 'ready']);
    const app = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    const exited = new Promise((resolve) => app.once('exit', resolve));
    updateZoneRuntime(lab.env('hostA'), (rt) => {
      rt.zones.z1!.appPid = app.pid!;
    });
    const before = zoneEvents(lab).length;

    expect(crashZones(lab.env('hostA')).sort()).toEqual(['z1', 'z2']);
    await exited;
    expect(processAlive(app.pid!)).toBe(false);
    expect(readZoneRuntime(lab.env('hostA')).zones).toEqual({});
    expect(zoneEvents(lab).length).toBe(before);
    expect(readZoneIndex(lab.env('hostA')).map((e) => e.state)).toEqual(['installed', 'installed']);
    bootZones(lab.env('hostA'));
    expect((await lab.run('hostA', 'zoneadm', ['list'])).stdout).toBe('global\n');
  });
});
