// Power events for the lab harness. A crash takes the simulated kernel down with every
// zone in it: applications die without a chance to record anything and the kernel zone
// table is gone. The harness logs one host.crash event itself, so no per-zone events
// are written here, and it drops the mount table (mounts.ts dropAllMounts) separately.
import fs from 'node:fs';
import type { SimEnv } from '../env.js';
import { killZoneApp } from '../app/app-control.js';
import { withZonesLock } from './zone-index.js';
import { readZoneRuntime, zoneRuntimePath } from './zone-runtime.js';

/** Kills every zone's application and empties the kernel zone table; returns the zones that were up. */
export function crashZones(env: Pick<SimEnv, 'root'>): string[] {
  return withZonesLock(env, () => {
    const rt = readZoneRuntime(env);
    for (const kz of Object.values(rt.zones)) {
      if (kz.appPid !== null) killZoneApp(kz.appPid);
    }
    fs.rmSync(zoneRuntimePath(env), { force: true });
    return Object.keys(rt.zones);
  });
}

/**
 * Called by the lab when a host comes back up. Every simulated zone is configured with
 * autoboot=false (failover software, not the OS, decides where a zone runs), so nothing
 * starts here; the hook exists so the lab's boot sequence has one place to change.
 */
export function bootZones(env: Pick<SimEnv, 'root'>): void {
  void env;
}
