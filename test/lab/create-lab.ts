// Builds a lab from a preset by doing what an administrator did to set the machines up:
// local disks and vfstab, SAN disk groups and replication, zone configurations through
// zonecfg, installed zone images, s8_p2v, storage imports, mounts, boots and detaches.
// Everything goes through the simulated commands, so the observer log tells the lab's
// history from its first event.
import { freeLoopbackPort } from './free-port.js';
import fs from 'node:fs';
import path from 'node:path';
import { runCaptured } from '../solsim/src/command.js';
import { commands } from '../solsim/src/commands/index.js';
import type { SimEnv } from '../solsim/src/env.js';
import { hostPath } from '../solsim/src/env.js';
import { observe } from '../solsim/src/observer.js';
import { APP_CONFIG_IN_ZONE, killZoneApp, type ZoneAppConfig } from '../solsim/src/app/app-control.js';
import { solsimBinDir } from '../solsim/src/repo-paths.js';
import { createLocalSlice } from '../solsim/src/state/devices.js';
import type { HostConfig } from '../solsim/src/state/host-config.js';
import { readHostConfig } from '../solsim/src/state/host-config.js';
import { defaultHostConfig } from '../solsim/src/state/host-defaults.js';
import { initHostRoot } from '../solsim/src/state/host-root.js';
import { readLabConfig, writeLabConfig, type LabConfig } from '../solsim/src/state/lab-config.js';
import { isPoweredOff } from '../solsim/src/state/power.js';
import { defineDiskGroup, defineReplication, defineZpool } from '../solsim/src/state/san-setup.js';
import { bootStorage } from '../solsim/src/state/storage-power.js';
import { addVfstabEntry } from '../solsim/src/state/vfstab.js';
import { setIndexState } from '../solsim/src/state/zone-index.js';
import { kernelZones } from '../solsim/src/state/zone-runtime.js';
import { presets } from './presets/bc-dr.js';
import type { LabPreset, PresetHost, PresetZone } from './presets/preset.js';
import { buildZoneImage } from './zone-image.js';

export class LabError extends Error {}

export const SOLSIM_BIN = solsimBinDir();

/** The local disk slice every lab host keeps its zones on, mounted at /export/zones. */
const ZONES_SLICE = 'c1t1d0s6';

export type Progress = (line: string) => void;

export function labEnv(dir: string, host: string): SimEnv {
  const lab = path.resolve(dir);
  let config: LabConfig;
  try {
    config = readLabConfig(lab);
  } catch {
    throw new LabError(`${dir} is not a lab (no lab.json); create one with: npm run lab -- create ${dir}`);
  }
  const entry = config.hosts[host];
  if (!entry) throw new LabError(`no host ${host} in ${dir}; hosts: ${Object.keys(config.hosts).join(', ')}`);
  return { root: path.resolve(lab, entry.root), lab, host };
}

export function labHosts(dir: string): string[] {
  return Object.keys(readLabConfig(path.resolve(dir)).hosts);
}

/** Runs a simulated command as a host and fails the build loudly if it fails. */
async function sim(env: SimEnv, command: string, argv: string[], progress: Progress): Promise<string> {
  progress(`${env.host}# ${command} ${argv.join(' ')}`);
  const impl = commands[command];
  if (!impl) throw new LabError(`no simulated command ${command}`);
  const r = await runCaptured(impl, env, command, argv);
  if (r.code !== 0) {
    throw new LabError(`${env.host}: ${command} ${argv.join(' ')} exited ${r.code}:\n${r.stderr}${r.stdout}`);
  }
  return r.stdout;
}

function hostConfigFor(spec: PresetHost, index: number): HostConfig {
  const base = defaultHostConfig({ host: spec.host, site: spec.site, machine: spec.machine }, index);
  const missing = new Set(spec.missingPatches ?? []);
  const extra = spec.extraPatches ?? [];
  const replaced = new Set(extra.map((p) => p.id));
  return {
    ...base,
    packages: { ...base.packages, ...spec.packageVersions },
    patches: [...base.patches.filter((p) => !missing.has(p.id) && !replaced.has(p.id)), ...extra],
  };
}


function mkdirOwned(env: SimEnv, solarisPath: string, mode: number): void {
  const dir = hostPath(env, solarisPath);
  fs.mkdirSync(dir, { recursive: true });
  fs.chmodSync(dir, mode);
}

function zonecfgScript(zone: PresetZone, physical: string): string {
  return [
    'create -b',
    `set zonepath=${zone.zonepath}`,
    `set brand=${zone.brand}`,
    'set autoboot=false',
    'set ip-type=shared',
    'add net',
    `set address=${zone.address}`,
    `set physical=${physical}`,
    'end',
    'add fs',
    'set dir=/data',
    `set special=${zone.dataMount}`,
    'set type=lofs',
    'end',
    // Solaris 8 containers on sun4v hosts emulate the machine they came from.
    'add attr',
    'set name=machine',
    'set type=string',
    'set value=sun4u',
    'end',
    'commit',
    '',
  ].join('\n');
}

async function prepareHost(env: SimEnv, progress: Progress): Promise<void> {
  // The zones file system on local disk, looped back at /zones as in the seed.
  createLocalSlice(env, ZONES_SLICE);
  mkdirOwned(env, '/export/zones', 0o755);
  mkdirOwned(env, '/zones', 0o755);
  addVfstabEntry(env, {
    special: `/dev/dsk/${ZONES_SLICE}`, fsckDevice: `/dev/rdsk/${ZONES_SLICE}`, mountPoint: '/export/zones',
    fstype: 'ufs', fsckPass: '2', atBoot: 'yes', options: 'logging',
  });
  addVfstabEntry(env, {
    special: '/export/zones', fsckDevice: '-', mountPoint: '/zones', fstype: 'lofs', fsckPass: '-', atBoot: 'yes', options: '-',
  });
  const booted = bootStorage(env);
  progress(`${env.host}: mounted ${booted.mounted.length} file system(s) at boot`);
  fs.chmodSync(hostPath(env, '/zones'), 0o755);
}

/** Installs one copy of a zone on a host: data mount point, image, configuration, p2v. */
async function installZoneCopy(env: SimEnv, zone: PresetZone, port: number, progress: Progress): Promise<void> {
  const host = readHostConfig(env);
  mkdirOwned(env, zone.dataMount, 0o755);
  // A ZFS dataset mounts at its mountpoint property when the pool is imported: no vfstab line.
  if (zone.dataKind !== 'zpool') {
    addVfstabEntry(env, {
      special: `/dev/vx/dsk/${zone.dataGroup}/${zone.dataVolume}`,
      fsckDevice: `/dev/vx/rdsk/${zone.dataGroup}/${zone.dataVolume}`,
      mountPoint: zone.dataMount, fstype: 'vxfs', fsckPass: '3', atBoot: 'no', options: '-',
    });
  }
  const script = hostPath(env, `/var/tmp/${zone.name}.cfg`);
  fs.writeFileSync(script, zonecfgScript(zone, host.interfaces[0]!));
  await sim(env, 'zonecfg', ['-z', zone.name, '-f', `/var/tmp/${zone.name}.cfg`], progress);

  const zonepath = hostPath(env, zone.zonepath);
  fs.mkdirSync(zonepath, { recursive: true });
  fs.chmodSync(zonepath, 0o700);
  progress(`${env.host}: installing the ${zone.brand} image of ${zone.name} in ${zone.zonepath}/root`);
  buildZoneImage(path.join(zonepath, 'root'), { zone: zone.name, largeFileBytes: zone.imageBytes });
  if (zone.app !== false) {
    const app: ZoneAppConfig = { port, dataDir: '/data', intervalMs: zone.appIntervalMs };
    fs.writeFileSync(path.join(zonepath, 'root', APP_CONFIG_IN_ZONE), JSON.stringify(app, null, 2) + '\n');
  }
  // What `zoneadm install -a <flar>` left behind long ago: an installed zone.
  setIndexState(env, zone.name, 'installed');
  await sim(env, 's8_p2v', [zone.name], progress);
}

export async function createLab(dir: string, presetName = 'bc-dr', progress: Progress = () => undefined): Promise<string> {
  const preset: LabPreset | undefined = presets[presetName];
  if (!preset) throw new LabError(`no preset ${presetName}; presets: ${Object.keys(presets).join(', ')}`);
  const lab = path.resolve(dir);
  if (fs.existsSync(lab) && fs.readdirSync(lab).length > 0) {
    throw new LabError(`${dir} already exists and is not empty; pick another directory or remove it (stop its zones first: npm run lab -- down ${dir})`);
  }
  fs.mkdirSync(lab, { recursive: true });

  const config: LabConfig = { preset: preset.name, sites: {}, hosts: {} };
  for (const h of preset.hosts) {
    config.hosts[h.host] = { site: h.site, root: path.join('hosts', h.host) };
    (config.sites[h.site] ??= { hosts: [] }).hosts.push(h.host);
  }
  writeLabConfig(lab, config);
  const envOf = (host: string): SimEnv => ({ root: path.join(lab, 'hosts', host), lab, host });
  observe(lab, '-', { type: 'note', text: `lab created from preset ${preset.name}` });

  for (const [index, h] of preset.hosts.entries()) {
    const env = envOf(h.host);
    initHostRoot(env, hostConfigFor(h, index));
    progress(`${h.host}: ${h.machine} in site ${h.site}`);
    await prepareHost(env, progress);
  }

  for (const dg of preset.diskGroups) {
    defineDiskGroup(lab, dg.site, { name: dg.name, volumes: dg.volumes });
    progress(`SAN ${dg.site}: disk group ${dg.name} (${dg.volumes.join(', ')})`);
  }
  for (const pool of preset.zpools) {
    defineZpool(lab, pool.site, { name: pool.name, datasets: pool.datasets });
    progress(`SAN ${pool.site}: ZFS pool ${pool.name} (${pool.datasets.map((d) => d.name).join(', ')})`);
  }
  for (const r of preset.replication) {
    defineReplication(lab, r);
    progress(`replication ${r.rdfGroup}: ${r.r1Site} (R1) -> ${r.r2Site} (R2), lag ${r.lagMs} ms`);
  }

  for (const zone of preset.zones) {
    const port = await freeLoopbackPort();
    for (const host of [zone.primary, ...zone.twins]) await installZoneCopy(envOf(host), zone, port, progress);
    // Twins wait detached, so they cannot boot without an attach (the seed's steady state).
    for (const host of zone.twins) await sim(envOf(host), 'zoneadm', ['-z', zone.name, 'detach'], progress);
    const primary = envOf(zone.primary);
    if (zone.dataKind === 'zpool') await sim(primary, 'zpool', ['import', zone.dataGroup], progress);
    else {
      await sim(primary, 'vxdg', ['-t', 'import', zone.dataGroup], progress);
      await sim(primary, 'mount', [zone.dataMount], progress);
    }
    await sim(primary, 'zoneadm', ['-z', zone.name, 'boot'], progress);
    progress(`${zone.name}: running on ${zone.primary}, application on 127.0.0.1:${port}`);
  }
  return lab;
}

export interface HostStatus {
  host: string;
  site: string;
  poweredOff: boolean;
  zoneList: string;
  imports: string[];
}

export async function labStatusAsync(dir: string): Promise<{ lab: string; hosts: HostStatus[] }> {
  const lab = path.resolve(dir);
  const config = readLabConfig(lab);
  const hosts: HostStatus[] = [];
  for (const [host, entry] of Object.entries(config.hosts)) {
    const env = labEnv(lab, host);
    const poweredOff = isPoweredOff(env);
    let zoneList = '';
    let imports: string[] = [];
    if (!poweredOff) {
      zoneList = (await runCaptured(commands.zoneadm!, env, 'zoneadm', ['list', '-cv'])).stdout;
      const vx = (await runCaptured(commands.vxdg!, env, 'vxdg', ['list'])).stdout;
      imports = vx.split('\n').slice(1).map((l) => l.split(/\s+/)[0] ?? '').filter((n) => n !== '');
    }
    hosts.push({ host, site: entry.site, poweredOff, zoneList, imports });
  }
  return { lab, hosts };
}

/** Halts every live zone of every powered host through zoneadm (applications stop cleanly). */
export async function stopLabAsync(dir: string): Promise<string[]> {
  const lab = path.resolve(dir);
  const lines: string[] = [];
  for (const host of Object.keys(readLabConfig(lab).hosts)) {
    const env = labEnv(lab, host);
    if (isPoweredOff(env)) continue;
    for (const [zone, k] of kernelZones(env)) {
      const r = await runCaptured(commands.zoneadm!, env, 'zoneadm', ['-z', zone, 'halt']);
      if (r.code === 0) lines.push(`${host}: halted ${zone}`);
      else {
        // Whatever zoneadm thinks, the lab must not leave application processes behind.
        if (k.appPid) killZoneApp(k.appPid);
        lines.push(`${host}: zoneadm halt ${zone} failed (${r.stderr.trim()}); application killed`);
      }
    }
  }
  return lines;
}

/** Stops everything a lab runs and removes it (test teardown). */
export async function destroyLab(dir: string): Promise<void> {
  if (fs.existsSync(path.join(dir, 'lab.json'))) {
    const { labAgentsDown, stopCoordinator } = await import('./processes.js');
    await stopCoordinator(dir);
    await labAgentsDown(dir);
    await stopLabAsync(dir);
    // A killed agent's watchdog may still be fencing (or trying a failed fence again),
    // writing its log into the directory about to go.
    const { killWatchdog } = await import('./host-power.js');
    for (const host of Object.keys(readLabConfig(dir).hosts)) killWatchdog(labEnv(dir, host));
  }
  fs.rmSync(dir, { recursive: true, force: true });
}
