// The agent's configuration file (YAML or JSON). Defaults are Solaris's; the lab points
// the command paths into test/solsim/bin and the file-system root at a simulated host.
//
//   host: hostA                      # the name this agent reports (default: hostname)
//   listen: 0.0.0.0:7420
//   fsRoot: /                        # where the agent's own file work happens
//   stateDir: /var/twinzone/agent    # epochs and operation records (mode 700)
//   allowedRoots: [/zones, /export, /data, /var/tmp, /dev]
//   commandPaths: { s8_p2v: /usr/lib/brand/solaris8/s8_p2v }
//   commandEnv: { LANG: C }
//   storage: [{ kind: vxdg, name: dbdg }]
//   timeouts: { defaultMs: 120000, perCommand: { pax: 21600000 } }
//   logLevel: info
//   coordinator: coord.example:7430  # optional: renew leases there and self-fence on loss
import os from 'node:os';
import path from 'node:path';
import { openConfig } from '../shared/config/load-config.js';
import { pathProblem } from '../shared/validate/paths.js';
import { COMMAND_NAMES, type CommandName } from './platform/command-runner.js';
import { resolveCommandPaths, type CommandPaths } from './platform/command-paths.js';
import type { CommandTimeouts } from './ops/op-context.js';

export interface ConfiguredGroup {
  kind: 'vxdg' | 'zpool';
  name: string;
}

export interface AgentConfig {
  host: string;
  listen: string;
  fsRoot: string;
  stateDir: string;
  allowedRoots: string[];
  commandPaths: CommandPaths;
  commandEnv: Record<string, string>;
  storage: ConfiguredGroup[];
  timeouts: CommandTimeouts;
  logLevel: string;
  /**
   * The coordinator's Leases address (HOST:PORT). When set, the agent runs its lease
   * keeper and fencing watchdog (DESIGN "Leases and fencing"); when not, it holds no
   * leases and fences nothing by itself.
   */
  coordinator: string | null;
}

export const DEFAULT_ALLOWED_ROOTS = ['/zones', '/export', '/data', '/var/tmp', '/dev'];
const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

export function loadAgentConfig(file: string): AgentConfig {
  const c = openConfig(file);
  c.onlyKeys('', ['host', 'listen', 'fsRoot', 'stateDir', 'allowedRoots', 'commandPaths', 'commandEnv', 'storage', 'timeouts', 'logLevel', 'coordinator']);
  const host = c.string('host', { default: os.hostname(), pattern: /^[A-Za-z0-9][A-Za-z0-9.-]{0,254}$/, hint: 'is not a host name' });
  const listen = c.string('listen', { default: '0.0.0.0:7420', pattern: /^[^\s]+:\d{1,5}$/, hint: 'must be HOST:PORT' });
  const fsRoot = path.resolve(path.dirname(file), c.string('fsRoot', { default: '/' }));
  const stateDir = path.resolve(path.dirname(file), c.string('stateDir', { default: '/var/twinzone/agent' }));
  const allowedRoots = c.stringList('allowedRoots', { default: DEFAULT_ALLOWED_ROOTS });
  allowedRoots.forEach((root, i) => {
    const problem = pathProblem(root);
    if (problem) c.problem(`allowedRoots.${i}`, `${JSON.stringify(root)} ${problem}`);
  });
  const pathsRaw = c.stringMap('commandPaths');
  for (const [name, p] of Object.entries(pathsRaw)) {
    if (!(COMMAND_NAMES as readonly string[]).includes(name)) c.problem(`commandPaths.${name}`, `is not a command the agent runs (${COMMAND_NAMES.join(', ')})`);
    else if (!path.isAbsolute(p)) c.problem(`commandPaths.${name}`, 'must be an absolute path');
  }
  const storageRaw = c.raw('storage') ?? [];
  const storage: ConfiguredGroup[] = [];
  if (!Array.isArray(storageRaw)) c.problem('storage', 'must be a list of {kind, name}');
  else {
    storageRaw.forEach((entry: unknown, i) => {
      const e = entry as { kind?: unknown; name?: unknown };
      if (e?.kind !== 'vxdg' && e?.kind !== 'zpool') c.problem(`storage.${i}.kind`, 'must be vxdg or zpool');
      else if (typeof e.name !== 'string' || e.name === '') c.problem(`storage.${i}.name`, 'is required');
      else storage.push({ kind: e.kind, name: e.name });
    });
  }
  c.onlyKeys('timeouts', ['defaultMs', 'perCommand']);
  const defaultMs = c.number('timeouts.defaultMs', { default: 120_000, min: 100 });
  const perCommandRaw = c.raw('timeouts.perCommand') ?? {};
  const perCommand: Partial<Record<CommandName, number>> = { pax: 6 * 3600_000 };
  if (typeof perCommandRaw !== 'object' || perCommandRaw === null) c.problem('timeouts.perCommand', 'must be a mapping of command to milliseconds');
  else {
    for (const [name, ms] of Object.entries(perCommandRaw)) {
      if (!(COMMAND_NAMES as readonly string[]).includes(name)) c.problem(`timeouts.perCommand.${name}`, 'is not a command the agent runs');
      else if (typeof ms !== 'number' || ms < 100) c.problem(`timeouts.perCommand.${name}`, 'must be a number >= 100');
      else perCommand[name as CommandName] = ms;
    }
  }
  const logLevel = c.string('logLevel', { default: 'info' });
  if (!LEVELS.includes(logLevel)) c.problem('logLevel', `must be one of ${LEVELS.join(', ')}`);
  const commandEnv = c.stringMap('commandEnv');
  const coordinator = c.raw('coordinator') === undefined ? null : c.string('coordinator', { default: '', pattern: /^[^\s:]+:\d{1,5}$/, hint: 'must be HOST:PORT' });
  c.finish();
  return {
    host,
    listen,
    fsRoot,
    stateDir,
    allowedRoots,
    commandPaths: resolveCommandPaths(pathsRaw as Partial<CommandPaths>),
    commandEnv,
    storage,
    timeouts: { default: defaultMs, perCommand },
    logLevel,
    coordinator,
  };
}
