// Simulated zlogin(1): runs a command "inside" a running zone, i.e. through /bin/sh with
// the zone root as the working directory, and passes its output and exit status through.
// A zone's own shutdown/init is not a shell command here: it is the zone's graceful stop
// (Solaris 10 has no "zoneadm shutdown"), so it drives the zone state machine instead.
import { dateCommandFormat } from './solaris-time.js';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import type { SimCommand, SimContext } from '../command.js';
import { hostPath } from '../env.js';
import { sleepSync } from '../sync-sleep.js';
import { InvalidZoneDocument, readZoneConfig, type ZoneConfig } from '../state/zone-config.js';
import { bootZone, haltZone } from '../state/zone-lifecycle.js';
import { effectiveState, STATE_ORDER, tryZoneOpLock } from '../state/zone-runtime.js';
import { getopt } from './zone-getopt.js';

const OP_LOCK_WAIT_MS = 30_000;

function usage(ctx: SimContext, pname: string): number {
  ctx.err(`usage: ${pname} [ -CES ] [ -e cmdchar ] [-l user] zonename [command [args ...] ]\n`);
  return 2;
}

/** The init state a shutdown/init command line asks for, or null when it is something else. */
export function requestedInitState(words: readonly string[]): '0' | '5' | '6' | null {
  const [cmd, ...args] = words;
  if (cmd === undefined) return null;
  const base = path.posix.basename(cmd);
  if (!['init', 'shutdown'].includes(base) || !['', '/sbin', '/usr/sbin', '/etc'].includes(path.posix.dirname(cmd).replace(/^\.$/, ''))) {
    return null;
  }
  if (base === 'init') {
    const level = args[0];
    return level === '0' || level === '5' || level === '6' ? level : null;
  }
  // shutdown [-y] [-g grace] [-i state]: the default state is s (single user)
  const res = getopt(args, 'yg:i:');
  if (res.bad) return null;
  const level = res.opts.filter((o) => o.opt === 'i').pop()?.arg ?? 's';
  return level === '0' || level === '5' || level === '6' ? level : null;
}

/** The process runs as test/solsim/bin/zlogin (not in-process): let the shell use the real stdio. */
function runningAsExecutable(ctx: SimContext): boolean {
  return path.basename(process.argv[1] ?? '') === ctx.name;
}

/** The shell's exit status as zlogin passes it on: 128 + the signal number for a killed command. */
export function shellStatus(r: Pick<SpawnSyncReturns<unknown>, 'status' | 'signal'>): number {
  if (r.status !== null) return r.status;
  return 128 + (r.signal ? os.constants.signals[r.signal] : 0);
}

function runShell(ctx: SimContext, cwd: string, command: string | null): number {
  const args = command === null ? [] : ['-c', command];
  if (runningAsExecutable(ctx)) {
    const r = spawnSync('/bin/sh', args, { cwd, stdio: 'inherit' });
    return shellStatus(r);
  }
  const r = spawnSync('/bin/sh', args, { cwd, input: command === null ? ctx.readStdin() : '', encoding: 'utf8' });
  if (r.stdout) ctx.out(r.stdout);
  if (r.stderr) ctx.err(r.stderr);
  return shellStatus(r);
}

function gracefulStop(ctx: SimContext, zone: string, config: ZoneConfig, level: '0' | '5' | '6', viaShutdown: boolean): number {
  const env = ctx.env;
  const deadline = Date.now() + OP_LOCK_WAIT_MS;
  let release = tryZoneOpLock(env, zone);
  while (!release && Date.now() < deadline) {
    sleepSync(50);
    release = tryZoneOpLock(env, zone);
  }
  if (!release) {
    ctx.err(`zlogin: zone '${zone}': another zoneadm may have an operation in progress.\n`);
    return 1;
  }
  try {
    if (viaShutdown) {
      ctx.out(`\nShutdown started.    ${dateCommandFormat(Date.now())}\n\nChanging to init state ${level} - please wait\n`);
    }
    if (effectiveState(env, zone) !== 'running') return 0;
    haltZone(env, zone, config.zonepath);
    if (level === '6') {
      const booted = bootZone(env, zone, config);
      if (!booted.ok) for (const line of booted.errors) ctx.err(`zoneadm: zone '${zone}': ${line}\n`);
    }
    return 0;
  } finally {
    release();
  }
}

function main(ctx: SimContext): number {
  const pname = path.basename(ctx.name);
  const argv = ctx.argv;
  const res = getopt(argv, 'CESe:l:Qn');
  if (res.bad) return usage(ctx, pname);
  if (res.opts.some((o) => o.opt === 'C')) {
    // the zone console needs a pty and zoneadmd's console door, neither of which exists here
    ctx.err(`${pname}: console login is not supported by the simulator\n`);
    return 1;
  }
  const operands = argv.slice(res.optind);
  if (operands.length === 0) return usage(ctx, pname);
  const [zone, ...command] = operands as [string, ...string[]];
  if (zone === 'global') {
    ctx.err(`${pname}: '${pname}' not applicable to the global zone\n`);
    return 1;
  }
  const state = effectiveState(ctx.env, zone);
  if (state === undefined) {
    ctx.err(`${pname}: zone '${zone}' unknown\n`);
    return 1;
  }
  if (STATE_ORDER[state] < STATE_ORDER.installed) {
    ctx.err(`${pname}: cannot login to a zone which is '${state}'\n`);
    return 1;
  }
  if (state !== 'running') {
    ctx.err(`${pname}: login allowed only to running zones (${zone} is '${state}').\n`);
    return 1;
  }
  let config: ZoneConfig | null;
  try {
    config = readZoneConfig(ctx.env, zone);
  } catch (err) {
    if (!(err instanceof InvalidZoneDocument)) throw err;
    config = null;
  }
  if (!config) {
    ctx.err(`${pname}: could not get brand for zone ${zone}\n`);
    return 1;
  }
  const joined = command.join(' ');
  const words = joined.split(/\s+/).filter((w) => w !== '');
  const level = requestedInitState(words);
  if (level !== null) return gracefulStop(ctx, zone, config, level, path.posix.basename(words[0]!) === 'shutdown');
  return runShell(ctx, path.join(hostPath(ctx.env, config.zonepath), 'root'), command.length === 0 ? null : joined);
}

export const zlogin: SimCommand = (ctx) => main(ctx);
