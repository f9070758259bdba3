// Helpers for fault tests on a whole lab: agents that keep leases, a coordinator with a
// short lease policy, the twinzone CLI run asynchronously (a failover may wait for a
// lease to expire), and signals sent from outside to a host's agent.
import { freeLoopbackPort } from '../lab/free-port.js';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { ZonePolicy } from '../../coordinator/inventory/inventory-schema.js';
import { labEnv } from '../lab/create-lab.js';
import { labUp, startCoordinator, TWINZONE_CLI, type LabCoordinatorLeases, type StartedAgent, type StartedCoordinator } from '../lab/processes.js';
import { readLabConfig } from '../solsim/src/state/lab-config.js';
import { processAlive } from '../solsim/src/app/app-control.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}


/** labUpWithCoordinator with the inventory's policy overridden (short leases). */
export async function labUpWithLeases(dir: string, policy: Partial<ZonePolicy>, leases?: LabCoordinatorLeases): Promise<{ agents: StartedAgent[]; coordinator: StartedCoordinator }> {
  const address = `127.0.0.1:${await freeLoopbackPort()}`;
  const agents = await labUp(dir, { coordinator: address });
  const coordinator = await startCoordinator(dir, { listen: address, inventory: { policy }, ...(leases && { leases }) });
  return { agents, coordinator };
}

/** Runs `twinzone ARGS` against the lab's coordinator without blocking the test's event loop. */
export function twinzoneAsync(dir: string, args: string[], timeoutMs = 120_000): Promise<CliResult> {
  const coordinator = readLabConfig(path.resolve(dir)).coordinator;
  if (!coordinator) throw new Error(`no coordinator in ${dir}/lab.json`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TWINZONE_CLI(), ...args], {
      env: { ...process.env, TWINZONE_COORDINATOR: coordinator.address },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`twinzone ${args.join(' ')} did not finish within ${timeoutMs} ms\n${stdout}${stderr}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface LeaseView {
  zone: string;
  holder: string;
  epoch: number;
  state: string;
  expiresInMs: number;
}

export async function leaseShow(dir: string, zone: string): Promise<LeaseView> {
  const r = await twinzoneAsync(dir, ['lease', 'show', zone, '--json'], 20_000);
  if (r.code !== 0) throw new Error(`twinzone lease show ${zone} exited ${r.code}: ${r.stderr}`);
  const v = JSON.parse(r.stdout) as Record<string, unknown>;
  return { zone, holder: String(v.holder ?? ''), epoch: Number(v.epoch ?? 0), state: String(v.state ?? ''), expiresInMs: Number(v.expiresInMs ?? 0) };
}

/** Polls fn until it returns a value (not undefined), or fails after timeoutMs. */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs: number, pollMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

export function agentPid(dir: string, host: string): number {
  const agent = readLabConfig(path.resolve(dir)).hosts[host]?.agent;
  if (!agent) throw new Error(`no agent for ${host} in ${dir}/lab.json`);
  return agent.pid;
}

/** Sends SIG to HOST's agent process (from outside, as an operator or the kernel would). */
export function signalAgent(dir: string, host: string, sig: NodeJS.Signals): number {
  const pid = agentPid(dir, host);
  process.kill(pid, sig);
  return pid;
}

export async function waitExited(pid: number, timeoutMs = 10_000): Promise<void> {
  await waitFor(`pid ${pid} to exit`, () => (processAlive(pid) ? undefined : true), timeoutMs, 50);
}

/** The fencing watchdog's log of HOST's agent (agent stateDir/watchdog.log). */
export function watchdogLogPath(dir: string, host: string): string {
  return path.join(labEnv(path.resolve(dir), host).root, 'var', 'twinzone', 'agent', 'watchdog.log');
}

export function readJsonLines(file: string): Record<string, unknown>[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
}

