// The agent's side of the fencing watchdog: writes its configuration, spawns it (from
// dist/, like every process the repository starts), feeds it and stands it down. The
// watchdog is spawned detached, in its own process group, so a signal to the agent's
// group (a Ctrl-C, a kill of the group) does not take the watchdog down with it: it is
// there for exactly the moment the agent is gone (DESIGN "Leases and fencing").
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeMessage, type WatchdogConfig, type WatchedZone } from './watchdog-protocol.js';

/** What the lease keeper needs of a watchdog: feeds, and a clean stand-down. */
export interface WatchdogFeeder {
  feed(zones: WatchedZone[]): void;
  standDown(): Promise<void>;
  /**
   * Called once this agent's leases were renewed and fed to this watchdog: the watchdog
   * a previous (killed) agent left behind is no longer the last line and is retired.
   */
  retirePredecessor?(): void;
}

/**
 * The compiled watchdog script. This module runs from dist/ in the agent, but from the
 * TypeScript source under vitest; the watchdog itself always runs compiled.
 */
export function watchdogScriptPath(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const compiled = path.join(here, 'watchdog-main.js');
  if (fs.existsSync(compiled)) return compiled;
  const repo = path.resolve(here, '..', '..', '..');
  return path.join(repo, 'dist', 'agent', 'fencing', 'watchdog', 'watchdog-main.js');
}

export interface WatchdogProcessOptions {
  config: WatchdogConfig;
  /** Where the configuration file is written (the agent's state directory). */
  configFile: string;
  /** Called when the watchdog exits other than by stand-down (the keeper restarts it). */
  onExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
  /** Told the pid of a predecessor's watchdog when it is retired. */
  onRetired?: (pid: number) => void;
}

/**
 * The watchdog a killed agent left running, from the pid file beside the configuration:
 * alive and still running the watchdog script (a recycled pid is someone else's).
 */
export function leftoverWatchdog(pidFile: string): number | null {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
  } catch {
    return null;
  }
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('watchdog-main') ? pid : null;
  } catch {
    // No /proc (Solaris has one, without cmdline in this form): signal 0 says alive only.
    try {
      process.kill(pid, 0);
      return pid;
    } catch {
      return null;
    }
  }
}

export class WatchdogProcess implements WatchdogFeeder {
  private child: ChildProcess | null = null;
  private standingDown = false;
  /**
   * The watchdog of a killed predecessor agent: it keeps the old deadlines and would
   * fence zones this agent has since renewed, so it is retired after the first renewal
   * fed here (until then it is the only cover the zones have).
   */
  private predecessor: number | null = null;

  constructor(private readonly opts: WatchdogProcessOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  private get pidFile(): string {
    return path.join(path.dirname(this.opts.configFile), 'watchdog.pid');
  }

  start(): void {
    fs.mkdirSync(path.dirname(this.opts.configFile), { recursive: true, mode: 0o700 });
    if (!this.child) this.predecessor ??= leftoverWatchdog(this.pidFile);
    fs.writeFileSync(this.opts.configFile, JSON.stringify(this.opts.config, null, 2), { mode: 0o600 });
    const child = spawn(process.execPath, [watchdogScriptPath(), '--config', this.opts.configFile], {
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    // The agent must not wait for the watchdog to exit, nor die on a broken pipe to it.
    child.unref();
    child.stdin?.on('error', () => undefined);
    child.on('exit', (code, signal) => {
      if (this.child === child) this.child = null;
      if (!this.standingDown) this.opts.onExit?.(code, signal);
    });
    this.child = child;
    this.standingDown = false;
    if (child.pid) fs.writeFileSync(this.pidFile, `${child.pid}\n`, { mode: 0o600 });
  }

  retirePredecessor(): void {
    const pid = this.predecessor;
    if (pid === null || !this.running) return;
    this.predecessor = null;
    try {
      // SIGTERM: the watchdog exits without fencing.
      process.kill(pid, 'SIGTERM');
      this.opts.onRetired?.(pid);
    } catch {
      /* it fenced and exited meanwhile */
    }
  }

  feed(zones: WatchedZone[]): void {
    if (!this.running) return;
    this.child!.stdin?.write(encodeMessage({ type: 'feed', zones }));
  }

  /** Tells the watchdog to exit without fencing, and waits (briefly) until it has. */
  async standDown(timeoutMs = 5000): Promise<void> {
    const child = this.child;
    this.standingDown = true;
    if (!child || !this.running) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.stdin?.end(encodeMessage({ type: 'stand-down' }));
    const timer = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref());
    await Promise.race([exited, timer]);
    if (this.running) child.kill('SIGTERM');
  }
}
