// The fencing watchdog: a separate process the agent must keep feeding (DESIGN "Leases
// and fencing"; the role a hardware or kernel watchdog plays for SBD). The agent's lease
// keeper fences its zones itself while it runs; this process covers the agent being
// killed, hung or stopped with SIGSTOP. It holds the latest per-zone deadlines on its own
// monotonic clock; when one passes without a newer feed, it halts the zone, force-unmounts
// its mount points and deports its storage by running the commands directly (argv only,
// no shell), so the zone is down and its storage released before the coordinator's lease
// expires plus its margin and the zone may be granted elsewhere (I1, I2). Once every zone
// it watched is fenced, it exits. A clean agent shutdown sends `stand-down`.
//
// Small and dependency-free on purpose: node built-ins only, JSON lines to its own log.
// Usage: node watchdog-main.js --config FILE
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import readline from 'node:readline';
import { raiseEpoch } from '../epoch-files.js';
import { decodeMessage, fencePlan, type WatchdogConfig, type WatchedZone } from './watchdog-protocol.js';

interface Deadline {
  zone: WatchedZone;
  /** performance.now() (this process's monotonic clock) at which to fence. */
  atMono: number;
}

function readConfig(argv: string[]): WatchdogConfig {
  const i = argv.indexOf('--config');
  const file = i >= 0 ? argv[i + 1] : undefined;
  if (!file) throw new Error('usage: watchdog-main.js --config FILE');
  return JSON.parse(fs.readFileSync(file, 'utf8')) as WatchdogConfig;
}

const config = readConfig(process.argv.slice(2));

function log(level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown> = {}): void {
  // Synchronous append: the log must be complete even if the process is killed next.
  fs.appendFileSync(config.logFile, `${JSON.stringify({ time: new Date().toISOString(), level, name: 'watchdog', host: config.host, pid: process.pid, ...fields, msg })}\n`);
}

function run(command: keyof WatchdogConfig['commandPaths'], args: string[]): Promise<{ exitCode: number; stderr: string }> {
  const file = config.commandPaths[command];
  return new Promise((resolve) => {
    execFile(file, args, { env: { ...process.env, ...config.commandEnv }, timeout: config.commandTimeoutMs, killSignal: 'SIGKILL', encoding: 'utf8' }, (err, _stdout, stderr) => {
      const code = err ? (typeof (err as NodeJS.ErrnoException & { code?: unknown }).code === 'number' ? Number((err as { code: number }).code) : -1) : 0;
      resolve({ exitCode: code, stderr: String(stderr ?? '').trim() || (err && code === -1 ? err.message : '') });
    });
  });
}

/**
 * Every step runs even when an earlier one failed: a halt that reports "not running"
 * (the agent halted it just before it stopped) must not keep the storage imported. Each
 * failure is logged for the operator.
 */
async function fence(zone: WatchedZone): Promise<boolean> {
  log('warn', 'self-fencing: lease deadline passed without a feed from the agent', { zone: zone.zone, epoch: zone.epoch });
  let ok = true;
  try {
    const fence = raiseEpoch(config.epochDir, zone.zone, zone.epoch + 1);
    log('info', 'epoch retired: this host refuses calls under it from now on', { zone: zone.zone, epoch: zone.epoch, fence });
  } catch (err) {
    // The halt matters more than the record: fence regardless, and say so.
    ok = false;
    log('error', 'could not retire the epoch; fencing regardless', { zone: zone.zone, epoch: zone.epoch, error: String(err) });
  }
  for (const step of fencePlan(zone)) {
    const started = performance.now();
    const r = await run(step.command, step.args);
    const fields = { zone: zone.zone, argv: [config.commandPaths[step.command], ...step.args], exitCode: r.exitCode, durationMs: Math.round(performance.now() - started) };
    if (r.exitCode === 0) log('info', 'fencing command finished', fields);
    else {
      ok = false;
      log('error', 'fencing command failed', { ...fields, stderr: r.stderr.slice(-500) });
    }
  }
  log(ok ? 'warn' : 'error', ok ? 'zone self-fenced' : 'zone self-fencing finished with failures', { zone: zone.zone, epoch: zone.epoch });
  return ok;
}

const deadlines = new Map<string, Deadline>();
/** Zones being fenced now; the process exits once nothing is watched or being fenced. */
const fencingNow = new Set<string>();
/** Failed fences so far, by zone: a failed fence is tried again, a few times. */
const failedFences = new Map<string, number>();
/**
 * A halt killed at its timeout on a loaded host, or a deport refused because that halt
 * had not finished, leaves the zone running with its lease gone: try again soon rather
 * than exit with the zone up. Bounded, so a fence that cannot work (a command missing)
 * ends in an error for the operator instead of a loop.
 */
const FENCE_ATTEMPTS = 5;
const FENCE_RETRY_MS = 1_000;

function onFeed(zones: WatchedZone[]): void {
  const now = performance.now();
  const seen = new Set<string>();
  for (const z of zones) {
    seen.add(z.zone);
    if (!fencingNow.has(z.zone)) deadlines.set(z.zone, { zone: z, atMono: now + z.remainingMs });
  }
  for (const zone of [...deadlines.keys()]) if (!seen.has(zone)) deadlines.delete(zone);
}

/**
 * Every due zone is fenced at once, each on its own: the coordinator may grant the lease
 * elsewhere one safety margin after expiry, and fencing five zones one after another
 * took longer than that on a loaded host (npm run campaign: a deport 80 ms after the
 * new holder's import, I2). Zones share no command state, so nothing orders them.
 */
function check(): void {
  const now = performance.now();
  for (const d of [...deadlines.values()]) {
    if (d.atMono > now) continue;
    deadlines.delete(d.zone.zone);
    fencingNow.add(d.zone.zone);
    void fence(d.zone).then((ok) => {
      fencingNow.delete(d.zone.zone);
      if (!ok) retryLater(d.zone);
      if (deadlines.size === 0 && fencingNow.size === 0) {
        log('warn', 'every watched zone is fenced; exiting');
        process.exit(3);
      }
    });
  }
}

/**
 * A stand-down (the agent's clean exit) or SIGTERM (a restarted agent retiring its
 * predecessor once its own keeper renews and feeds what it holds) ends the watch of the
 * zones not yet due: whoever sent it covers them. A zone already due is another matter:
 * its lease is running out at the coordinator, which grants it elsewhere one margin
 * later, and nobody else will fence it (a restarted agent lists only leases still held).
 * Its fence is finished, never abandoned halfway, and the process exits after it.
 */
function standDown(why: string): void {
  check();
  // A fence that failed and waits for its next attempt is one under way: it stays.
  const notDue = [...deadlines.keys()].filter((z) => !failedFences.has(z));
  for (const z of notDue) deadlines.delete(z);
  if (fencingNow.size === 0 && deadlines.size === 0) {
    log('info', `${why}; exiting without fencing`, { watched: notDue });
    process.exit(0);
  }
  log('warn', `${why} while fencing: finishing those zones first, then exiting`, { fencing: [...fencingNow, ...deadlines.keys()], watched: notDue });
}

function retryLater(zone: WatchedZone): void {
  const failed = (failedFences.get(zone.zone) ?? 0) + 1;
  failedFences.set(zone.zone, failed);
  if (failed >= FENCE_ATTEMPTS) {
    log('error', `fencing failed ${failed} times; giving up: halt the zone and deport its storage by hand before it runs anywhere else`, { zone: zone.zone, epoch: zone.epoch });
    return;
  }
  log('warn', 'fencing failed; trying again', { zone: zone.zone, epoch: zone.epoch, attempt: failed + 1, inMs: FENCE_RETRY_MS });
  deadlines.set(zone.zone, { zone, atMono: performance.now() + FENCE_RETRY_MS });
}

log('info', 'watchdog started', { agentPid: process.ppid, checkIntervalMs: config.checkIntervalMs });
setInterval(check, config.checkIntervalMs);

// The agent's death closes this pipe; that is NOT a stand-down (a killed agent is exactly
// the case to cover), so the deadlines keep running.
const input = readline.createInterface({ input: process.stdin });
input.on('line', (line) => {
  const m = decodeMessage(line);
  if (!m) log('warn', 'ignored a line that is not a watchdog message', { line: line.slice(0, 200) });
  else if (m.type === 'stand-down') standDown('stand-down from the agent');
  else onFeed(m.zones);
});
input.on('close', () => {
  // Nothing watched: nothing can ever be due, and a restarted agent starts its own.
  if (deadlines.size === 0 && fencingNow.size === 0) {
    log('info', 'the agent closed the feed pipe with nothing watched; exiting');
    process.exit(0);
  }
  log('warn', 'the agent closed the feed pipe; deadlines keep running', { watched: [...deadlines.keys()] });
});
process.stdin.on('error', () => undefined);
// The agent's process group may be signalled on its way down; only stand-down or the
// deadlines end the watchdog.
for (const sig of ['SIGINT', 'SIGHUP', 'SIGPIPE'] as const) process.on(sig, () => log('warn', 'ignored signal', { signal: sig }));
process.on('SIGTERM', () => standDown('SIGTERM'));
