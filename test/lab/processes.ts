// Real daemons for a lab: one twinzone agent per simulated host, started from the
// compiled CLI, each with its configuration inside its host root (/etc/twinzone), its
// command paths pointing into test/solsim/bin (pax stays Debian's), its file-system root
// at the host root, and its log under the lab. Readiness is the agent's "listening" log
// line, never a sleep; lab.json records each agent's address and pid.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { COMMAND_NAMES } from '../../agent/platform/command-runner.js';
import { repoRoot, solsimBinDir } from '../solsim/src/repo-paths.js';
import { readLabConfig, writeLabConfig } from '../solsim/src/state/lab-config.js';
import { withLock } from '../solsim/src/locks.js';
import { processAlive } from '../solsim/src/app/app-control.js';
import { isPoweredOff } from '../solsim/src/state/power.js';
import { LabError, labEnv } from './create-lab.js';

export const TWINZONE_CLI = () => path.join(repoRoot(), 'dist', 'coordinator', 'cli', 'twinzone.js');

export function agentConfigPath(lab: string, host: string): string {
  return path.join(labEnv(lab, host).root, 'etc', 'twinzone', 'agent.json');
}

export function writeAgentConfig(lab: string, host: string): string {
  const env = labEnv(lab, host);
  const bin = solsimBinDir();
  const commandPaths: Record<string, string> = {};
  for (const name of COMMAND_NAMES) commandPaths[name] = name === 'pax' ? '/usr/bin/pax' : path.join(bin, name);
  const config = {
    host,
    listen: '127.0.0.1:0',
    fsRoot: env.root,
    stateDir: path.join(env.root, 'var', 'twinzone', 'agent'),
    commandPaths,
    commandEnv: { SOLSIM_ROOT: env.root, SOLSIM_LAB: env.lab, SOLSIM_HOST: host },
    storage: [],
    timeouts: { defaultMs: 30_000 },
    logLevel: 'debug',
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

/** Starts the agent of one host and waits until it listens. */
export function startAgent(labDir: string, host: string, opts: { timeoutMs?: number; keepConfig?: boolean } = {}): Promise<StartedAgent> {
  const lab = path.resolve(labDir);
  const timeoutMs = opts.timeoutMs ?? 20_000;
  // A test may have edited the configuration (shorter timeouts, say): keep it then.
  const config = opts.keepConfig && fs.existsSync(agentConfigPath(lab, host)) ? agentConfigPath(lab, host) : writeAgentConfig(lab, host);
  const logFile = path.join(lab, 'logs', `agent-${host}.log`);
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const logStream = fs.createWriteStream(logFile, { flags: 'a' });
  const child = spawn(process.execPath, [TWINZONE_CLI(), 'agent', 'run', '--config', config], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr.pipe(logStream);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new LabError(`agent on ${host} did not report listening within ${timeoutMs} ms (log: ${logFile})`)), timeoutMs);
    const lines = readline.createInterface({ input: child.stdout });
    let settled = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(err);
    };
    child.once('exit', (code) => fail(new LabError(`agent on ${host} exited ${code} before listening (log: ${logFile})`)));
    lines.on('line', (line) => {
      logStream.write(line + '\n');
      if (settled) return;
      try {
        const rec = JSON.parse(line) as { msg?: string; address?: string };
        if (rec.msg === 'listening' && rec.address) {
          settled = true;
          clearTimeout(timer);
          child.removeAllListeners('exit');
          // The agent outlives this process when started from the lab CLI.
          child.unref();
          (child.stdout as unknown as { unref?: () => void }).unref?.();
          (child.stderr as unknown as { unref?: () => void }).unref?.();
          const agent = { address: rec.address, pid: child.pid!, log: logFile };
          withLock(labLock(lab), () => {
            const cfg = readLabConfig(lab);
            cfg.hosts[host]!.agent = agent;
            writeLabConfig(lab, cfg);
          });
          resolve({ host, ...agent });
        }
      } catch {
        /* not a JSON line */
      }
    });
  });
}

/** Starts an agent for every host that is powered on. */
export async function labUp(labDir: string): Promise<StartedAgent[]> {
  const lab = path.resolve(labDir);
  const hosts = Object.keys(readLabConfig(lab).hosts);
  const started: StartedAgent[] = [];
  for (const host of hosts) {
    const existing = readLabConfig(lab).hosts[host]?.agent;
    if (existing && processAlive(existing.pid)) continue;
    // A host without power runs nothing, its agent included.
    if (isPoweredOff(labEnv(lab, host))) continue;
    started.push(await startAgent(lab, host));
  }
  return started;
}

/** Stops one host's agent (SIGTERM, then SIGKILL after the grace period). */
export async function stopAgent(labDir: string, host: string, graceMs = 10_000): Promise<boolean> {
  const lab = path.resolve(labDir);
  const agent = readLabConfig(lab).hosts[host]?.agent;
  if (!agent) return false;
  if (processAlive(agent.pid)) {
    process.kill(agent.pid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (processAlive(agent.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    if (processAlive(agent.pid)) process.kill(agent.pid, 'SIGKILL');
  }
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
