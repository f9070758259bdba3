// Starting and stopping the small application that runs inside a booted zone
// (app/zone-app.ts). zoneadm boot starts it; halt and shutdown stop it; a host
// crash kills it without a chance to say goodbye.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { SimEnv } from '../env.js';
import { hostPath } from '../env.js';
import { compiledPath } from '../repo-paths.js';
import { sleepSync } from '../sync-sleep.js';

/** The application's own configuration, inside the zone image (moves with the zone). */
export interface ZoneAppConfig {
  /** TCP port on 127.0.0.1 the application listens on (HTTP: GET / answers 200, anything else 404). */
  port: number;
  /** Directory, as seen inside the zone, holding the record file (e.g. /data). */
  dataDir: string;
  /** Milliseconds between two records. */
  intervalMs: number;
}

export const APP_CONFIG_IN_ZONE = '/etc/solsim-app.json';
export const RECORD_FILE_NAME = 'records.log';

export function appConfigPath(env: Pick<SimEnv, 'root'>, zonepath: string): string {
  return path.join(hostPath(env, zonepath), 'root', APP_CONFIG_IN_ZONE);
}

/** 127.0.0.1, unless the zone's first net address is itself a loopback address. */
export function listenAddress(netAddress: string | undefined): string {
  const ip = netAddress?.split('/')[0] ?? '';
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(ip) ? ip : '127.0.0.1';
}

export function readAppConfig(env: Pick<SimEnv, 'root'>, zonepath: string): ZoneAppConfig | null {
  try {
    return JSON.parse(fs.readFileSync(appConfigPath(env, zonepath), 'utf8')) as ZoneAppConfig;
  } catch {
    return null;
  }
}

/** Real path of the zone's record file, through the zone's own (loopback) mounts. */
export function recordFilePath(env: Pick<SimEnv, 'root'>, zonepath: string, config: ZoneAppConfig): string {
  return path.join(hostPath(env, zonepath), 'root', config.dataDir, RECORD_FILE_NAME);
}

/**
 * Starts the zone's application, detached from the calling command so that it outlives
 * zoneadm. Returns its pid, or null when the zone image carries no application.
 */
export function startZoneApp(env: SimEnv, zone: string, zonepath: string): number | null {
  const config = readAppConfig(env, zonepath);
  if (!config) return null;
  const appEntry = compiledPath('test', 'solsim', 'src', 'app', 'zone-app.js');
  const child = spawn(process.execPath, [appEntry, zone, zonepath], {
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, SOLSIM_ROOT: env.root, SOLSIM_LAB: env.lab, SOLSIM_HOST: env.host },
  });
  child.unref();
  return child.pid ?? null;
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // An exited child of this very process stays a zombie until the event loop reaps it,
  // and a blocking wait never lets it run: a zombie has stopped, so it counts as dead.
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** Graceful stop: SIGTERM, wait for the application to record its last sequence, then SIGKILL. */
export function stopZoneApp(pid: number, graceMs = 5000): void {
  if (!processAlive(pid)) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!processAlive(pid)) return;
    sleepSync(10);
  }
  killZoneApp(pid);
}

/** Power loss: no goodbye. */
export function killZoneApp(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}
