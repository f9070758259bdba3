// Test fixture: a throw-away lab directory with bare simulated hosts, for contract
// tests of single commands. (The full preset lab is test/lab/create-lab.ts.)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCaptured, type CapturedRun } from '../command.js';
import type { SimEnv } from '../env.js';
import { commands } from '../commands/index.js';
import type { HostConfig } from '../state/host-config.js';
import { initHostRoot } from '../state/host-root.js';
import { writeLabConfig, type LabConfig } from '../state/lab-config.js';

export interface TestHostSpec {
  host: string;
  site: string;
  machine?: 'sun4u' | 'sun4v';
  overrides?: Partial<HostConfig>;
}

const PLATFORMS = { sun4u: 'SUNW,Sun-Fire-V440', sun4v: 'SUNW,SPARC-Enterprise-T5220' } as const;
const INTERFACES = { sun4u: ['bge0', 'bge1'], sun4v: ['e1000g0', 'e1000g1'] } as const;

export function defaultHostConfig(spec: TestHostSpec, index = 0): HostConfig {
  const machine = spec.machine ?? 'sun4u';
  return {
    host: spec.host,
    site: spec.site,
    machine,
    platform: PLATFORMS[machine],
    hostid: (0x84a1b2c0 + index).toString(16),
    release: '5.10',
    kernelVersion: 'Generic_147147-26',
    interfaces: [...INTERFACES[machine]],
    packages: {
      SUNWcsr: '11.10.0,REV=2005.01.21.15.53',
      SUNWcsu: '11.10.0,REV=2005.01.21.15.53',
      SUNWs8brandr: '11.10.0,REV=2007.10.08.16.51',
      SUNWs8brandu: '11.10.0,REV=2007.10.08.16.51',
    },
    patches: [
      { id: '119254', rev: '50', packages: ['SUNWcsu', 'SUNWcsr'] },
      { id: '137137', rev: '09', packages: ['SUNWcsu', 'SUNWcsr'] },
    ],
    ...spec.overrides,
  };
}

export interface SimLab {
  lab: string;
  env(host: string): SimEnv;
  /** Runs a simulated command in-process as the given host. */
  run(host: string, command: string, argv: string[], stdin?: string): Promise<CapturedRun>;
  cleanup(): void;
}

export function makeSimLab(hosts: TestHostSpec[] = [{ host: 'hostA', site: 'dc1' }]): SimLab {
  const lab = fs.mkdtempSync(path.join(os.tmpdir(), 'solsim-'));
  const config: LabConfig = { preset: 'test', sites: {}, hosts: {} };
  hosts.forEach((spec, index) => {
    const root = path.join('hosts', spec.host);
    config.hosts[spec.host] = { site: spec.site, root };
    (config.sites[spec.site] ??= { hosts: [] }).hosts.push(spec.host);
    initHostRoot({ root: path.join(lab, root) }, defaultHostConfig(spec, index));
  });
  writeLabConfig(lab, config);
  const env = (host: string): SimEnv => {
    const entry = config.hosts[host];
    if (!entry) throw new Error(`no host ${host} in test lab`);
    return { root: path.join(lab, entry.root), lab, host };
  };
  return {
    lab,
    env,
    run: (host, command, argv, stdin) => {
      const impl = commands[command];
      if (!impl) throw new Error(`no simulated command ${command}`);
      return runCaptured(impl, env(host), command, argv, stdin);
    },
    cleanup: () => fs.rmSync(lab, { recursive: true, force: true }),
  };
}
