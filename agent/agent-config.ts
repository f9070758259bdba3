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
//   hooksDir: /etc/twinzone/hooks    # the only executables RunHook runs (README "Hooks")
//   idleListingIntervalMs: 2000      # how often a host holding no checked zone lists its zones for live twins
//   metrics: 0.0.0.0:9420            # optional: the Prometheus endpoint (GET /metrics)
//   tls: { dir: /etc/twinzone/tls, name: hostA }   # default name: host (shared/tls/tls-config.ts)
//   insecure: false                  # true: plaintext, no authentication (labs only)
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { LOG_LEVELS, checkedText, fields, listenAddress, matching, numberAtLeast, text } from '../shared/config/config-fields.js';
import { openConfig } from '../shared/config/load-config.js';
import { pathProblem } from '../shared/validate/paths.js';
import { TLS_CONFIG_FIELDS, tlsSettingsFrom, type TlsSettings } from '../shared/tls/tls-config.js';
import { COMMAND_NAMES, type CommandName } from './platform/command-runner.js';
import { resolveCommandPaths, type CommandPaths } from './platform/command-paths.js';
import type { CommandTimeouts } from './ops/op-context.js';
import { IDLE_PROBE_INTERVAL_MS } from './probes/probe-scheduler.js';

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
  /** Where the Prometheus endpoint listens (HOST:PORT), or null for none. */
  metrics: string | null;
  /** Mutual TLS (the default) or, asked for explicitly, plaintext. */
  tls: TlsSettings;
  /** RunHook runs executables under this directory and nothing else (README "Hooks"). */
  hooksDir: string;
  /**
   * How often a host whose zones have no checks lists its zones to report live twins
   * (a host with checks lists at their interval): the I1 watch on an idle twin host.
   */
  idleListingIntervalMs: number;
}

export const DEFAULT_HOOKS_DIR = '/etc/twinzone/hooks';

export const DEFAULT_ALLOWED_ROOTS = ['/zones', '/export', '/data', '/var/tmp', '/dev'];

const commandKeyed = <T extends z.ZodType>(value: T, unknownKey: string) =>
  fields(Object.fromEntries(COMMAND_NAMES.map((name) => [name, value.optional()])) as Record<CommandName, z.ZodOptional<T>>, { unknownKey });

const NOT_A_COMMAND = `is not a command the agent runs (${COMMAND_NAMES.join(', ')})`;

/** The file as the operator writes it; every field optional, defaults are Solaris's. */
export const AgentConfigFile = fields({
  host: matching(/^[A-Za-z0-9][A-Za-z0-9.-]{0,254}$/, 'is not a host name').default(os.hostname()),
  listen: listenAddress().default('0.0.0.0:7420'),
  fsRoot: text().default('/'),
  stateDir: text().default('/var/twinzone/agent'),
  allowedRoots: z.array(checkedText((root) => {
    const problem = pathProblem(root);
    return problem === null ? null : `${JSON.stringify(root)} ${problem}`;
  })).default(DEFAULT_ALLOWED_ROOTS),
  commandPaths: commandKeyed(checkedText((p) => (path.isAbsolute(p) ? null : 'must be an absolute path')), NOT_A_COMMAND).default({}),
  commandEnv: z.record(z.string(), z.string(), { error: 'must be a mapping of names to strings' }).default({}),
  storage: z.array(fields({ kind: z.enum(['vxdg', 'zpool'], { error: 'must be vxdg or zpool' }), name: text() })).default([]),
  timeouts: fields({
    defaultMs: numberAtLeast(100).default(120_000),
    perCommand: commandKeyed(numberAtLeast(100), 'is not a command the agent runs').default({}),
  }).default({ defaultMs: 120_000, perCommand: {} }),
  logLevel: z.enum(LOG_LEVELS).default('info'),
  coordinator: matching(/^[^\s:]+:\d{1,5}$/, 'must be HOST:PORT').optional(),
  metrics: listenAddress().optional(),
  hooksDir: checkedText((p) => (path.isAbsolute(p) ? null : 'must be an absolute path')).default(DEFAULT_HOOKS_DIR),
  idleListingIntervalMs: numberAtLeast(500).default(IDLE_PROBE_INTERVAL_MS),
  ...TLS_CONFIG_FIELDS,
});

export function loadAgentConfig(file: string): AgentConfig {
  const c = openConfig(file);
  const f = c.parse('', AgentConfigFile);
  c.finish();
  // finish() throws on any problem, so the file parsed.
  const cfg = f!;
  const dir = path.dirname(file);
  return {
    host: cfg.host,
    listen: cfg.listen,
    fsRoot: path.resolve(dir, cfg.fsRoot),
    stateDir: path.resolve(dir, cfg.stateDir),
    allowedRoots: cfg.allowedRoots,
    commandPaths: resolveCommandPaths(cfg.commandPaths),
    commandEnv: cfg.commandEnv,
    storage: cfg.storage,
    // pax moves whole zonepaths; six hours unless the operator says otherwise.
    timeouts: { default: cfg.timeouts.defaultMs, perCommand: { pax: 6 * 3600_000, ...cfg.timeouts.perCommand } },
    logLevel: cfg.logLevel,
    coordinator: cfg.coordinator ?? null,
    metrics: cfg.metrics ?? null,
    tls: tlsSettingsFrom(cfg, file, cfg.host),
    hooksDir: path.normalize(cfg.hooksDir),
    idleListingIntervalMs: cfg.idleListingIntervalMs,
  };
}
