// Power loss and power-on of a simulated host. A crash is abrupt: zone applications die
// without a word, the kernel's view (running zones, imports, mounts) vanishes, but what
// is on disk stays, including the disk-header locks on the SAN that make the next
// importer use -C. Booting brings the host up as after a real power-on: file systems
// marked "mount at boot" are mounted, nothing is imported, no zone runs.
import path from 'node:path';
import { leftoverWatchdog } from '../../agent/fencing/watchdog/watchdog-process.js';
import { observe } from '../solsim/src/observer.js';
import type { SimEnv } from '../solsim/src/env.js';
import { hostRootOf, readLabConfig, writeLabConfig } from '../solsim/src/state/lab-config.js';
import { isPoweredOff, setPoweredOff } from '../solsim/src/state/power.js';
import { listRdfGroups } from '../solsim/src/state/replication.js';
import { cutReplicationLink } from '../solsim/src/state/san-setup.js';
import { bootStorage, crashStorage } from '../solsim/src/state/storage-power.js';
import { bootZones, crashZones } from '../solsim/src/state/zone-power.js';

export class HostPowerError extends Error {}

export function crashHost(env: SimEnv): void {
  if (isPoweredOff(env)) throw new HostPowerError(`${env.host} is already down`);
  // Mark first: from here on no simulated command runs on this host.
  setPoweredOff(env, true);
  killAgent(env);
  crashZones(env);
  crashStorage(env);
  observe(env.lab, env.host, { type: 'host.crash' });
}

/**
 * The host's twinzone agent dies with it, without a chance to clean up, and so does its
 * fencing watchdog (a process of the same machine: left running, it would go on trying
 * to fence zones on a host that is off).
 */
function killAgent(env: SimEnv): void {
  killWatchdog(env);
  const config = readLabConfig(env.lab);
  const agent = config.hosts[env.host]?.agent;
  if (!agent) return;
  try {
    process.kill(agent.pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
  delete config.hosts[env.host]!.agent;
  writeLabConfig(env.lab, config);
}

/** Kills HOST's fencing watchdog, if one runs (its pid file beside the agent's state). */
export function killWatchdog(env: SimEnv): void {
  const pid = leftoverWatchdog(path.join(env.root, 'var', 'twinzone', 'agent', 'watchdog.pid'));
  try {
    if (pid !== null) process.kill(pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

export function bootHost(env: SimEnv): void {
  if (!isPoweredOff(env)) throw new HostPowerError(`${env.host} is already up`);
  observe(env.lab, env.host, { type: 'host.boot' });
  setPoweredOff(env, false);
  bootStorage(env);
  bootZones(env);
}

/**
 * A site disaster: every powered host of the site loses power and the replication links
 * leaving the site's array go down at the same instant, so the DR copies stop exactly
 * there (what they hold then is decided by the replication lag).
 */
export function loseSite(lab: string, site: string): { crashed: string[]; linksCut: string[] } {
  const config = readLabConfig(lab);
  const hosts = config.sites[site]?.hosts;
  if (!hosts) throw new HostPowerError(`no site ${site}; sites: ${Object.keys(config.sites).join(', ')}`);
  const now = Date.now();
  const linksCut = listRdfGroups(lab)
    .filter((g) => g.r1Site === site || g.r2Site === site)
    .map((g) => cutReplicationLink(lab, g.name, now).name);
  const crashed: string[] = [];
  for (const host of hosts) {
    const env = { root: hostRootOf(lab, host), lab, host };
    if (isPoweredOff(env)) continue;
    crashHost(env);
    crashed.push(host);
  }
  observe(lab, '-', { type: 'note', text: `site ${site} lost: hosts ${crashed.join(', ') || 'none'} down, links ${linksCut.join(', ') || 'none'} cut` });
  return { crashed, linksCut };
}
