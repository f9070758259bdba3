// The simulated kernel's zone table (SOLSIM_ROOT/var/run/solsim/zones.json): which zones
// are ready or running, their zone ids and the pid of the application each runs. It is
// volatile: a host crash clears it (zone-power.ts). The effective state of a zone is the
// kernel state when the zone is in this table, otherwise its /etc/zones/index state.
import fs from 'node:fs';
import path from 'node:path';
import type { SimEnv } from '../env.js';
import { runtimeDir } from '../env.js';
import { readJson, writeJson } from '../json-file.js';
import { observe } from '../observer.js';
import { processAlive } from '../app/app-control.js';
import { findIndexEntry, withZonesLock, type IndexState } from './zone-index.js';

export type KernelState = 'ready' | 'running' | 'shutting_down' | 'down';
export type ZoneState = IndexState | KernelState;

/** Numeric order of libzonecfg.h: checks compare states with < and >=. */
export const STATE_ORDER: Record<ZoneState, number> = {
  configured: 0,
  incomplete: 1,
  installed: 2,
  ready: 3,
  running: 4,
  shutting_down: 5,
  down: 6,
};

export interface KernelZone {
  state: KernelState;
  zoneid: number;
  appPid: number | null;
}

export interface ZoneRuntime {
  /** Next zone id to hand out; the global zone is 0. */
  nextId: number;
  zones: Record<string, KernelZone>;
}

export function zoneRuntimePath(env: Pick<SimEnv, 'root'>): string {
  return path.join(runtimeDir(env), 'zones.json');
}

export function readZoneRuntime(env: Pick<SimEnv, 'root'>): ZoneRuntime {
  return readJson<ZoneRuntime>(zoneRuntimePath(env), { nextId: 1, zones: {} });
}

/** Read-modify-write of the kernel zone table under the per-host zones lock. */
export function updateZoneRuntime<T>(env: Pick<SimEnv, 'root'>, fn: (rt: ZoneRuntime) => T): T {
  return withZonesLock(env, () => {
    const rt = readZoneRuntime(env);
    const result = fn(rt);
    writeJson(zoneRuntimePath(env), rt);
    return result;
  });
}

export function kernelZone(env: Pick<SimEnv, 'root'>, zone: string): KernelZone | undefined {
  return readZoneRuntime(env).zones[zone];
}

/** Kernel zones in zone_list() order (by id). */
export function kernelZones(env: Pick<SimEnv, 'root'>): [string, KernelZone][] {
  return Object.entries(readZoneRuntime(env).zones).sort((a, b) => a[1].zoneid - b[1].zoneid);
}

/** zone_get_state(): the kernel's view first, then the index. */
export function effectiveState(env: Pick<SimEnv, 'root'>, zone: string): ZoneState | undefined {
  return kernelZone(env, zone)?.state ?? findIndexEntry(env, zone)?.state;
}

export function emitZoneState(env: SimEnv, zone: string, from: ZoneState, to: ZoneState): void {
  if (from !== to) observe(env.lab, env.host, { type: 'zone.state', zone, from, to });
}

// ---------------------------------------------------------------------------------------
// Per-zone operation lock: /var/run/zones/<zone>.zoneadm.lock. Real zoneadm holds an
// fcntl lock there while it changes a zone; a second zoneadm refuses with "another
// zoneadm may have an operation in progress." The simulator writes the holder's pid into
// the file; a lock whose holder is gone (crash, SIGKILL) is taken over.

const heldOpLocks = new Set<string>();

export function zoneOpLockPath(env: Pick<SimEnv, 'root'>, zone: string): string {
  return path.join(env.root, 'var', 'run', 'zones', `${zone}.zoneadm.lock`);
}

function holderAlive(file: string): boolean {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(file, 'utf8').trim());
  } catch {
    return false;
  }
  if (!Number.isInteger(pid) || pid <= 0) return false;
  // Our own pid only counts while this process really holds the lock: an in-process
  // test run that threw halfway must not wedge the zone for the next one.
  if (pid === process.pid) return heldOpLocks.has(file);
  return processAlive(pid);
}

/** Takes the zone's operation lock without waiting; returns its release, or null when busy. */
export function tryZoneOpLock(env: Pick<SimEnv, 'root'>, zone: string): (() => void) | null {
  const file = zoneOpLockPath(env, zone);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      const fd = fs.openSync(file, 'wx', 0o600);
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      heldOpLocks.add(file);
      return () => {
        heldOpLocks.delete(file);
        fs.rmSync(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (holderAlive(file)) return null;
    const stale = `${file}.stale.${process.pid}`;
    try {
      fs.renameSync(file, stale);
      fs.rmSync(stale, { force: true });
    } catch {
      /* another process took it over first */
    }
  }
  return null;
}
