// Test fixture: a throw-away lab directory with bare simulated hosts, for contract
// tests of single commands. (The full preset lab is test/lab/create-lab.ts.)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCaptured, type CapturedRun } from '../command.js';
import type { SimEnv } from '../env.js';
import { commands } from '../commands/index.js';
import { defaultHostConfig, type TestHostSpec } from '../state/host-defaults.js';
import { initHostRoot } from '../state/host-root.js';
import { writeLabConfig, type LabConfig } from '../state/lab-config.js';

export { defaultHostConfig, type TestHostSpec } from '../state/host-defaults.js';

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
