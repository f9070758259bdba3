// The lab's own description (SOLSIM_LAB/lab.json): which hosts exist, where their roots
// are and which site each belongs to. Simulated commands read it to find the SAN of
// their site; the lab harness writes it.
import path from 'node:path';
import { readJson, writeJson } from '../json-file.js';

export interface LabHost {
  site: string;
  /** Host root, relative to the lab directory (hosts/HOST). */
  root: string;
  /** The host's twinzone agent, while the lab is up (npm run lab -- up). */
  agent?: { address: string; pid: number; log: string };
}

export interface LabConfig {
  preset: string;
  sites: Record<string, { hosts: string[] }>;
  hosts: Record<string, LabHost>;
  /** The twinzone coordinator, while the lab is up (started after the agents). */
  coordinator?: { address: string; pid: number; log: string; config: string; db: string };
}

export function labConfigPath(lab: string): string {
  return path.join(lab, 'lab.json');
}

export function readLabConfig(lab: string): LabConfig {
  const config = readJson<LabConfig | null>(labConfigPath(lab), null);
  if (!config) throw new Error(`solsim: no lab at ${lab} (lab.json missing)`);
  return config;
}

export function writeLabConfig(lab: string, config: LabConfig): void {
  writeJson(labConfigPath(lab), config);
}

export function siteOfHost(lab: string, host: string): string {
  const entry = readLabConfig(lab).hosts[host];
  if (!entry) throw new Error(`solsim: host ${host} is not part of the lab at ${lab}`);
  return entry.site;
}

export function hostRootOf(lab: string, host: string): string {
  const entry = readLabConfig(lab).hosts[host];
  if (!entry) throw new Error(`solsim: host ${host} is not part of the lab at ${lab}`);
  return path.resolve(lab, entry.root);
}
