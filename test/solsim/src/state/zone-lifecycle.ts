// What zoneadmd does to a zone's virtual platform: ready it (mount its file systems,
// give it a zone id), boot it (start its application), halt it (stop the application,
// unmount, leave the kernel). zoneadm boot/halt/ready/reboot and zlogin's shutdown/init
// all come through here so that every state change is emitted exactly once.
import fs from 'node:fs';
import path from 'node:path';
import type { SimEnv } from '../env.js';
import { hostPath } from '../env.js';
import { startZoneApp, stopZoneApp } from '../app/app-control.js';
import { readHostConfig } from './host-config.js';
import { resolveSpecial } from './devices.js';
import { MountError, mountObserved, readMnttab, unmountObserved } from './mounts.js';
import type { ZoneConfig } from './zone-config.js';
import { findIndexEntry, type IndexState } from './zone-index.js';
import { emitZoneState, kernelZone, updateZoneRuntime } from './zone-runtime.js';

/** Where the s8_p2v conversion records the hostid the zone image was last adapted to. */
export const HOST_ORIG_FILE = '.host.orig';

/**
 * The solaris8 brand's refusal to boot an image that was not converted for this host.
 * UNVERIFIED: the real brand is closed source; Oracle documents only that "the zone will
 * not boot if the command has not been run again". Wording chosen here, kept in one place.
 */
export function s8NotConvertedMessage(zone: string): string {
  return `This zone was last booted on another host; run /usr/lib/brand/solaris8/s8_p2v ${zone} before booting it here.`;
}

export function hostOrigPath(env: Pick<SimEnv, 'root'>, zonepath: string): string {
  return path.join(hostPath(env, zonepath), 'root', HOST_ORIG_FILE);
}

/** True when the image was converted for this host (always true for other brands). */
export function convertedForThisHost(env: Pick<SimEnv, 'root'>, config: ZoneConfig): boolean {
  if (config.brand !== 'solaris8') return true;
  let recorded: string;
  try {
    recorded = fs.readFileSync(hostOrigPath(env, config.zonepath), 'utf8').trim();
  } catch {
    return false;
  }
  return recorded.toLowerCase() === readHostConfig(env).hostid.toLowerCase();
}

export function zoneRootMountPoint(config: ZoneConfig, dir: string): string {
  return path.posix.join(config.zonepath, 'root', dir);
}

function indexStateOf(env: Pick<SimEnv, 'root'>, zone: string): IndexState {
  return findIndexEntry(env, zone)?.state ?? 'installed';
}

/**
 * Unmounts everything below the zone root, deepest first, as zoneadmd's halt does. Logged
 * like the umount command: the checker must see the zone's loopbacks go.
 */
export function unmountZoneFs(env: SimEnv, zonepath: string): void {
  const rootDir = path.posix.join(zonepath, 'root');
  const below = readMnttab(env)
    .filter((e) => e.mountPoint.startsWith(rootDir + '/'))
    .sort((a, b) => b.mountPoint.length - a.mountPoint.length);
  for (const entry of below) {
    try {
      unmountObserved(env, entry.mountPoint, true);
    } catch (err) {
      if (!(err instanceof MountError)) throw err;
    }
  }
}

/**
 * Mounts the fs resources (logged like the mount command); on failure undoes its own
 * mounts and returns the error lines.
 */
function mountZoneFs(env: SimEnv, config: ZoneConfig): string[] {
  const done: string[] = [];
  for (const res of config.fs) {
    const mountPoint = zoneRootMountPoint(config, res.dir);
    try {
      // the storage simulation knows where a special's content lives (loopback target,
      // local slice, SAN volume of an imported disk group, ZFS dataset) and refuses
      // with the mount helper's own text when this host cannot reach it
      const { source } = resolveSpecial(env, res.special, res.type, mountPoint);
      fs.mkdirSync(hostPath(env, mountPoint), { recursive: true });
      mountObserved(env, { special: res.special, mountPoint, fstype: res.type, options: res.options.join(','), source });
      done.push(mountPoint);
    } catch (err) {
      if (!(err instanceof MountError)) throw err;
      for (const mp of done.reverse()) unmountObserved(env, mp, true);
      return err.message.split('\n');
    }
  }
  return [];
}

export type LifecycleResult = { ok: true } | { ok: false; errors: string[] };

/** installed -> ready. */
export function readyZone(env: SimEnv, zone: string, config: ZoneConfig): LifecycleResult {
  const errors = mountZoneFs(env, config);
  if (errors.length > 0) return { ok: false, errors };
  const from = indexStateOf(env, zone);
  updateZoneRuntime(env, (rt) => {
    rt.zones[zone] = { state: 'ready', zoneid: rt.nextId, appPid: null };
    rt.nextId += 1;
  });
  emitZoneState(env, zone, from, 'ready');
  return { ok: true };
}

/** installed or ready -> running. */
export function bootZone(env: SimEnv, zone: string, config: ZoneConfig): LifecycleResult {
  if (!convertedForThisHost(env, config)) return { ok: false, errors: [s8NotConvertedMessage(zone)] };
  if (!kernelZone(env, zone)) {
    const readied = readyZone(env, zone, config);
    if (!readied.ok) return readied;
  }
  updateZoneRuntime(env, (rt) => {
    rt.zones[zone]!.state = 'running';
  });
  emitZoneState(env, zone, 'ready', 'running');
  const pid = startZoneApp(env, zone, config.zonepath);
  updateZoneRuntime(env, (rt) => {
    const kz = rt.zones[zone];
    if (kz) kz.appPid = pid;
  });
  return { ok: true };
}

/** Any kernel state -> out of the kernel (back to the index state, normally installed). */
export function haltZone(env: SimEnv, zone: string, zonepath: string): void {
  const kz = kernelZone(env, zone);
  if (!kz) return;
  let from = kz.state;
  if (from === 'running') {
    updateZoneRuntime(env, (rt) => {
      const z = rt.zones[zone];
      if (z) z.state = 'shutting_down';
    });
    emitZoneState(env, zone, 'running', 'shutting_down');
    from = 'shutting_down';
  }
  if (kz.appPid !== null) stopZoneApp(kz.appPid);
  unmountZoneFs(env, zonepath);
  updateZoneRuntime(env, (rt) => {
    delete rt.zones[zone];
  });
  emitZoneState(env, zone, from, indexStateOf(env, zone));
}
