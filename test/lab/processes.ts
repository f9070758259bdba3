// Real daemons for a lab: one twinzone agent per simulated host and the coordinator
// (DIR/coordinator: its configuration and SQLite file), started from the compiled CLI;
// each agent with its configuration inside its host root (/etc/twinzone), its
// command paths pointing into test/solsim/bin (pax stays Debian's), its file-system root
// at the host root, and its log under the lab. Readiness is a daemon's "listening" log
// line, never a sleep; lab.json records each daemon's address and pid. Daemons run with
// mutual TLS, their identities in DIR/tls (lab-tls.ts).
import { freeLoopbackPort } from './free-port.js';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { COMMAND_NAMES } from '../../agent/platform/command-runner.js';
import { repoRoot, solsimBinDir } from '../solsim/src/repo-paths.js';
import { readLabConfig, writeLabConfig } from '../solsim/src/state/lab-config.js';
import { withLock } from '../solsim/src/locks.js';
import { processAlive } from '../solsim/src/app/app-control.js';
import { isPoweredOff } from '../solsim/src/state/power.js';
import { LabError, labEnv } from './create-lab.js';
import { writeLabInventory, type LabInventoryOptions } from './inventory.js';
import { presets } from './presets/bc-dr.js';
import { ensureLabTls, LAB_COORDINATOR, labTlsDir } from './lab-tls.js';

export const TWINZONE_CLI = () => path.join(repoRoot(), 'dist', 'coordinator', 'cli', 'twinzone.js');

export function agentConfigPath(lab: string, host: string): string {
  return path.join(labEnv(lab, host).root, 'etc', 'twinzone', 'agent.json');
}

/**
 * The groups a host's agent manages: its site's disk groups and pools on the shared SAN,
 * and the replicas of other sites' groups held on its site's SAN (DR twins import them).
 */
function labStorage(lab: string, host: string): { kind: 'vxdg' | 'zpool'; name: string }[] {
  const config = readLabConfig(lab);
  const site = config.hosts[host]?.site;
  const preset = presets[config.preset];
  if (!preset || !site) return [];
  const replicatedHere = new Set(preset.replication.filter((r) => r.r2Site === site).map((r) => r.diskGroup));
  return [
    ...preset.diskGroups.filter((g) => g.site === site || replicatedHere.has(g.name)).map((g) => ({ kind: 'vxdg' as const, name: g.name })),
    ...preset.zpools.filter((z) => z.site === site).map((z) => ({ kind: 'zpool' as const, name: z.name })),
  ];
}

export function writeAgentConfig(lab: string, host: string, opts: { coordinator?: string; listen?: string } = {}): string {
  const env = labEnv(lab, host);
  const bin = solsimBinDir();
  const commandPaths: Record<string, string> = {};
  for (const name of COMMAND_NAMES) commandPaths[name] = name === 'pax' ? '/usr/bin/pax' : path.join(bin, name);
  const config = {
    host,
    listen: opts.listen ?? '127.0.0.1:0',
    // With a coordinator address the agent keeps its leases and self-fences on loss.
    ...(opts.coordinator ? { coordinator: opts.coordinator } : {}),
    fsRoot: env.root,
    stateDir: path.join(env.root, 'var', 'twinzone', 'agent'),
    commandPaths,
    commandEnv: { SOLSIM_ROOT: env.root, SOLSIM_LAB: env.lab, SOLSIM_HOST: host },
    storage: labStorage(lab, host),
    timeouts: { defaultMs: 30_000 },
    logLevel: 'debug',
    tls: { dir: labTlsDir(lab), name: host },
    // The simulated host's own hooks directory (README "Hooks"), not the machine's /etc.
    hooksDir: path.join(env.root, 'etc', 'twinzone', 'hooks'),
  };
  const file = agentConfigPath(lab, host);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(config, null, 2) + '\n');
  return file;
}

function labLock(lab: string): string {
  return path.join(lab, 'locks', 'lab.json.lock');
}

export interface StartedAgent {
  host: string;
  address: string;
  pid: number;
  log: string;
}

interface Listening {
  address: string;
  pid: number;
  log: string;
}

/** How often a starting daemon's log is read for its "listening" line. */
const LOG_POLL_MS = 25;

/**
 * Starts `twinzone ARGS` detached with its stdout and stderr going straight into logFile
 * (not through this process: a daemon started by the lab CLI outlives it, and a pipe to a
 * parent that exited would fail its log writes), and resolves once the file shows its
 * "listening" line with the address. Rejects, killing the process, if the daemon exits or
 * stays silent past timeoutMs.
 */
function spawnDaemon(what: string, args: string[], logFile: string, timeoutMs: number): Promise<Listening> {
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const fd = fs.openSync(logFile, 'a');
  const from = fs.fstatSync(fd).size;
  // TWINZONE_DAEMON_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the
  // daemons from their first instruction, start-up included, which the bench's SIGUSR2
  // hook cannot when the event loop is the thing blocked.
  const nodeArgs = process.env.TWINZONE_DAEMON_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, TWINZONE_CLI(), ...args], { detached: true, stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let exited: number | null | undefined;
    child.once('exit', (code) => (exited = code));
    const poll = () => {
      const text = fs.readFileSync(logFile, 'utf8').slice(from);
      for (const line of text.split('\n')) {
        if (!line.startsWith('{')) continue;
        try {
          const rec = JSON.parse(line) as { msg?: string; address?: string; pid?: number };
          if (rec.msg === 'listening' && rec.address && rec.pid === child.pid) {
            child.removeAllListeners('exit');
            child.unref();
            resolve({ address: rec.address, pid: child.pid!, log: logFile });
            return;
          }
        } catch {
          /* a line still being written */
        }
      }
      if (exited !== undefined) return reject(new LabError(`${what} exited ${exited} before listening (log: ${logFile})`));
      if (Date.now() - started > timeoutMs) {
        child.kill('SIGKILL');
        return reject(new LabError(`${what} did not report listening within ${timeoutMs} ms (log: ${logFile})`));
      }
      setTimeout(poll, LOG_POLL_MS);
    };
    poll();
  });
}

/**
 * Waits until the daemon PID's log (from byte FROM on) has a line whose msg is MSG: the
 * coordinator listens at once (agents renew during a resume) but answers Control calls
 * only after "control calls accepted".
 */
async function waitForLogLine(logFile: string, pid: number, msg: string, timeoutMs: number): Promise<void> {
  const started = Date.now();
  for (;;) {
    const found = fs
      .readFileSync(logFile, 'utf8')
      .split('\n')
      .some((line) => {
        if (!line.startsWith('{')) return false;
        try {
          const rec = JSON.parse(line) as { msg?: string; pid?: number };
          return rec.msg === msg && rec.pid === pid;
        } catch {
          return false;
        }
      });
    if (found) return;
    if (!processAlive(pid)) throw new LabError(`daemon ${pid} exited before "${msg}" (log: ${logFile})`);
    if (Date.now() - started > timeoutMs) throw new LabError(`daemon ${pid} did not log "${msg}" within ${timeoutMs} ms (log: ${logFile})`);
    await new Promise((r) => setTimeout(r, LOG_POLL_MS));
  }
}

/** Starts the agent of one host and waits until it listens. */
export async function startAgent(labDir: string, host: string, opts: { timeoutMs?: number; keepConfig?: boolean; coordinator?: string; listen?: string } = {}): Promise<StartedAgent> {
  const lab = path.resolve(labDir);
  await ensureLabTls(lab);
  // A test may have edited the configuration (shorter timeouts, say): keep it then.
  const config =
    opts.keepConfig && fs.existsSync(agentConfigPath(lab, host)) ? agentConfigPath(lab, host) : writeAgentConfig(lab, host, { coordinator: opts.coordinator, listen: opts.listen });
  const agent = await spawnDaemon(`agent on ${host}`, ['agent', 'run', '--config', config], path.join(lab, 'logs', `agent-${host}.log`), opts.timeoutMs ?? 20_000);
  withLock(labLock(lab), () => {
    const cfg = readLabConfig(lab);
    cfg.hosts[host]!.agent = agent;
    writeLabConfig(lab, cfg);
  });
  return { host, ...agent };
}

export interface StartedCoordinator extends Listening {
  config: string;
  db: string;
}

export function coordinatorDir(lab: string): string {
  return path.join(path.resolve(lab), 'coordinator');
}

/**
 * Writes DIR/coordinator/coordinator.json pointing at the lab's inventory (rewritten
 * from the running agents' addresses, so start the agents first), unless keepConfig and
 * one is there (a test that edited it).
 */
/**
 * Automation in a lab coordinator: off unless asked for, so the labs' scripted runs, faults
 * and campaigns never race an automatic run; the automation tests turn it on.
 */
export interface LabAutomation {
  enabled: boolean;
  /** The site the coordinator stands in for dr: connected (coordinator config automation.site). */
  site?: string;
  /** Runs at once inside a wave of a site-wide run (coordinator config siteRuns.concurrency). */
  siteRunConcurrency?: number;
}

/** Overrides of the lab coordinator's `leases` settings (coordinator config). */
export interface LabCoordinatorLeases {
  marginMs?: number;
  graceMs?: number;
  sweepIntervalMs?: number;
}

export function writeCoordinatorConfig(
  labDir: string,
  opts: { inventory?: LabInventoryOptions; keepConfig?: boolean; listen?: string; automation?: LabAutomation; leases?: LabCoordinatorLeases } = {},
): string {
  const dir = coordinatorDir(labDir);
  const file = path.join(dir, 'coordinator.json');
  if (opts.keepConfig && fs.existsSync(file)) return file;
  fs.mkdirSync(dir, { recursive: true });
  const inventory = writeLabInventory(labDir, opts.inventory);
  // Lab leases are short (the inventory's policy); the restart grace follows suit.
  const config = {
    listen: opts.listen ?? '127.0.0.1:0',
    inventory,
    leases: { marginMs: 1_000, graceMs: 5_000, ...opts.leases },
    logLevel: 'debug',
    tls: { dir: labTlsDir(labDir), name: LAB_COORDINATOR },
    automation: opts.automation ? { enabled: opts.automation.enabled, ...(opts.automation.site && { site: opts.automation.site }) } : { enabled: false },
    ...(opts.automation?.siteRunConcurrency && { siteRuns: { concurrency: opts.automation.siteRunConcurrency } }),
  };
  fs.writeFileSync(file, JSON.stringify(config, null, 2) + '\n');
  return file;
}

/** Starts the lab's coordinator (after its agents) and records it in lab.json. */
export async function startCoordinator(
  labDir: string,
  opts: { timeoutMs?: number; keepConfig?: boolean; inventory?: LabInventoryOptions; listen?: string; automation?: LabAutomation; leases?: LabCoordinatorLeases } = {},
): Promise<StartedCoordinator> {
  const lab = path.resolve(labDir);
  await ensureLabTls(lab);
  const config = writeCoordinatorConfig(lab, opts);
  const db = path.join(coordinatorDir(lab), 'twinzone.db');
  const running = await spawnDaemon('coordinator', ['coordinator', 'run', '--config', config, '--db', db], path.join(lab, 'logs', 'coordinator.log'), opts.timeoutMs ?? 20_000);
  const started = { ...running, config, db };
  withLock(labLock(lab), () => {
    const cfg = readLabConfig(lab);
    cfg.coordinator = started;
    writeLabConfig(lab, cfg);
  });
  return started;
}

/** Stops the lab's coordinator (SIGTERM, then SIGKILL after the grace period); false if none ran. */
export async function stopCoordinator(labDir: string, graceMs = 15_000): Promise<boolean> {
  const lab = path.resolve(labDir);
  const coordinator = readLabConfig(lab).coordinator;
  if (!coordinator) return false;
  await stopProcess(coordinator.pid, graceMs);
  withLock(labLock(lab), () => {
    const cfg = readLabConfig(lab);
    delete cfg.coordinator;
    writeLabConfig(lab, cfg);
  });
  return true;
}

async function stopProcess(pid: number, graceMs: number): Promise<void> {
  if (!processAlive(pid)) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (processAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  if (processAlive(pid)) process.kill(pid, 'SIGKILL');
}

/**
 * Starts an agent for every host that is powered on. With a coordinator address, each
 * agent keeps the leases it holds there (renewals, self-fencing on loss).
 */
export async function labUp(labDir: string, opts: { coordinator?: string } = {}): Promise<StartedAgent[]> {
  const lab = path.resolve(labDir);
  const hosts = Object.keys(readLabConfig(lab).hosts);
  const started: StartedAgent[] = [];
  for (const host of hosts) {
    const existing = readLabConfig(lab).hosts[host]?.agent;
    if (existing && processAlive(existing.pid)) continue;
    // A host without power runs nothing, its agent included.
    if (isPoweredOff(labEnv(lab, host))) continue;
    started.push(await startAgent(lab, host, { coordinator: opts.coordinator }));
  }
  return started;
}

/**
 * The whole lab as it runs in production: the coordinator's address is chosen first (a
 * free loopback port), so the agents can be told where to renew their leases before the
 * coordinator, which needs their addresses in its inventory, starts.
 */
export async function labUpWithCoordinator(
  labDir: string,
  opts: { inventory?: LabInventoryOptions; automation?: LabAutomation } = {},
): Promise<{ agents: StartedAgent[]; coordinator: StartedCoordinator }> {
  const address = `127.0.0.1:${await freeLoopbackPort()}`;
  const agents = await labUp(labDir, { coordinator: address });
  const coordinator = await startCoordinator(labDir, { listen: address, ...opts });
  // A fresh lab is ready once running zones are adopted (leased to their hosts).
  await waitForLogLine(coordinator.log, coordinator.pid, 'control calls accepted', 60_000);
  return { agents, coordinator };
}


/** Stops one host's agent (SIGTERM, then SIGKILL after the grace period). */
export async function stopAgent(labDir: string, host: string, graceMs = 10_000): Promise<boolean> {
  const lab = path.resolve(labDir);
  const agent = readLabConfig(lab).hosts[host]?.agent;
  if (!agent) return false;
  await stopProcess(agent.pid, graceMs);
  withLock(labLock(lab), () => {
    const cfg = readLabConfig(lab);
    delete cfg.hosts[host]!.agent;
    writeLabConfig(lab, cfg);
  });
  return true;
}

export async function labAgentsDown(labDir: string): Promise<string[]> {
  const stopped: string[] = [];
  for (const host of Object.keys(readLabConfig(path.resolve(labDir)).hosts)) {
    if (await stopAgent(labDir, host)) stopped.push(host);
  }
  return stopped;
}
