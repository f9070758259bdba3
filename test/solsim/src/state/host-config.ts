// The facts about a simulated host that the real machine would get from its hardware
// and its package database: architecture, hostid, network interfaces, patch inventory.
// Kept in SOLSIM_ROOT/etc/solsim/host.json, written by the lab and never by commands.
import path from 'node:path';
import type { SimEnv } from '../env.js';
import { simStateDir } from '../env.js';
import { readJson, writeJson } from '../json-file.js';

export interface PatchRecord {
  /** Six-digit patch id, e.g. "119254". */
  id: string;
  /** Two-digit revision, e.g. "50". */
  rev: string;
  packages: string[];
  obsoletes?: string[];
  requires?: string[];
  incompatibles?: string[];
}

export interface DfOverride {
  /** Replaces the real statfs figures for the file system mounted here (kilobytes). */
  kbytes?: number;
  availKb: number;
}

export interface HostConfig {
  host: string;
  site: string;
  /** uname -m: sun4u or sun4v. */
  machine: 'sun4u' | 'sun4v';
  /** uname -i, e.g. SUNW,Sun-Fire-V440. */
  platform: string;
  /** hostid as printed by hostid(1): 8 hex digits. */
  hostid: string;
  release: string;
  /** uname -v, e.g. Generic_147147-26. */
  kernelVersion: string;
  /** Network interfaces plumbed in the global zone (zone net physical= must be one of these). */
  interfaces: string[];
  /** Packages that a detach manifest records (name → version). */
  packages: Record<string, string>;
  patches: PatchRecord[];
  /** Per mount point: pretend the file system is this full (simulates a full disk for df). */
  dfOverrides?: Record<string, DfOverride>;
}

export function hostConfigPath(env: Pick<SimEnv, 'root'>): string {
  return path.join(simStateDir(env), 'host.json');
}

export function readHostConfig(env: Pick<SimEnv, 'root'>): HostConfig {
  const config = readJson<HostConfig | null>(hostConfigPath(env), null);
  if (!config) throw new Error(`solsim: no host configuration at ${hostConfigPath(env)}`);
  return config;
}

export function writeHostConfig(env: Pick<SimEnv, 'root'>, config: HostConfig): void {
  writeJson(hostConfigPath(env), config);
}
