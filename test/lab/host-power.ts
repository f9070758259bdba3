// Power loss and power-on of a simulated host. A crash is abrupt: zone applications die
// without a word, the kernel's view (running zones, imports, mounts) vanishes, but what
// is on disk stays, including the disk-header locks on the SAN that make the next
// importer use -C. Booting brings the host up as after a real power-on: file systems
// marked "mount at boot" are mounted, nothing is imported, no zone runs.
import { observe } from '../solsim/src/observer.js';
import type { SimEnv } from '../solsim/src/env.js';
import { isPoweredOff, setPoweredOff } from '../solsim/src/state/power.js';
import { bootStorage, crashStorage } from '../solsim/src/state/storage-power.js';
import { bootZones, crashZones } from '../solsim/src/state/zone-power.js';

export class HostPowerError extends Error {}

export function crashHost(env: SimEnv): void {
  if (isPoweredOff(env)) throw new HostPowerError(`${env.host} is already down`);
  // Mark first: from here on no simulated command runs on this host.
  setPoweredOff(env, true);
  crashZones(env);
  crashStorage(env);
  observe(env.lab, env.host, { type: 'host.crash' });
}

export function bootHost(env: SimEnv): void {
  if (!isPoweredOff(env)) throw new HostPowerError(`${env.host} is already up`);
  observe(env.lab, env.host, { type: 'host.boot' });
  setPoweredOff(env, false);
  bootStorage(env);
  bootZones(env);
}
