import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../shared/config/load-config.js';
import { loadAgentConfig } from './agent-config.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
function file(text: string, name = 'agent.yaml'): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'agentcfg-'));
  dirs.push(d);
  fs.writeFileSync(path.join(d, name), text);
  return path.join(d, name);
}
function problems(text: string): string[] {
  try {
    loadAgentConfig(file(text));
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('agent configuration', () => {
  it('fills Solaris defaults', () => {
    const c = loadAgentConfig(file('host: hostA\n'));
    expect(c).toMatchObject({ host: 'hostA', listen: '0.0.0.0:7420', fsRoot: '/', logLevel: 'info' });
    expect(c.commandPaths.s8_p2v).toBe('/usr/lib/brand/solaris8/s8_p2v');
    expect(c.timeouts.default).toBe(120_000);
  });

  it('reads YAML and JSON alike and overrides command paths', () => {
    const c = loadAgentConfig(file(JSON.stringify({ host: 'hostB', commandPaths: { zoneadm: '/opt/sim/zoneadm' }, storage: [{ kind: 'vxdg', name: 'dbdg' }] }), 'a.json'));
    expect(c.commandPaths.zoneadm).toBe('/opt/sim/zoneadm');
    expect(c.commandPaths.zonecfg).toBe('/usr/sbin/zonecfg');
    expect(c.storage).toEqual([{ kind: 'vxdg', name: 'dbdg' }]);
  });

  it('names every bad field with its line', () => {
    const p = problems('host: hostA\nlisten: nowhere\ncommandPaths:\n  zoneadmx: /x\n  zonecfg: relative/zonecfg\nstorage:\n  - kind: svm\n    name: x\ntimeouts:\n  defaultMs: 5\nlogLevel: loud\ncolour: blue\n');
    expect(p).toEqual(expect.arrayContaining([
      expect.stringMatching(/:2: listen: "nowhere" must be HOST:PORT$/),
      expect.stringMatching(/commandPaths\.zoneadmx: is not a command the agent runs/),
      expect.stringMatching(/:5: commandPaths\.zonecfg: must be an absolute path/),
      expect.stringMatching(/storage\.0\.kind: must be vxdg or zpool/),
      expect.stringMatching(/:10: timeouts\.defaultMs: must be a number >= 100/),
      expect.stringMatching(/logLevel: must be one of/),
      expect.stringMatching(/:12: colour: is not a known field/),
    ]));
  });

  it('lists an idle host every 2 s unless told otherwise, and refuses intervals under 500 ms', () => {
    expect(loadAgentConfig(file('host: hostA\n')).idleListingIntervalMs).toBe(2000);
    expect(loadAgentConfig(file('host: hostA\nidleListingIntervalMs: 10000\n')).idleListingIntervalMs).toBe(10_000);
    expect(problems('host: hostA\nidleListingIntervalMs: 10\n').join('\n')).toMatch(/idleListingIntervalMs/);
  });

  it('takes an optional coordinator address for the lease keeper', () => {
    expect(loadAgentConfig(file('host: hostA\n')).coordinator).toBeNull();
    expect(loadAgentConfig(file('host: hostA\ncoordinator: coord1:7430\n')).coordinator).toBe('coord1:7430');
    expect(problems('host: hostA\ncoordinator: coord1\n')).toEqual([expect.stringMatching(/:2: coordinator: "coord1" must be HOST:PORT$/)]);
  });

  it('reports a YAML syntax error with its line', () => {
    expect(problems('host: hostA\nlisten: [\n')[0]).toMatch(/agent\.yaml:\d+:/);
  });
});

describe('agent metrics endpoint', () => {
  it('is off unless metrics names HOST:PORT', () => {
    expect(loadAgentConfig(file('host: hostA\n')).metrics).toBeNull();
    expect(loadAgentConfig(file('host: hostA\nmetrics: 127.0.0.1:9420\n')).metrics).toBe('127.0.0.1:9420');
    expect(problems('host: hostA\nmetrics: 9420\n')).toEqual([expect.stringMatching(/:2: metrics: must be HOST:PORT \(got 9420\)$/)]);
  });
});
