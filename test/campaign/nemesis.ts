// The nemesis: faults planned from the seed before an operation starts (what, where,
// when, for how long) and injected from outside the product at that moment: signals to
// daemons and zone applications, modes of the fault proxies, rules in a host's
// faults.json, a tmpfs too small for an extract, and the coordinator's database made
// read-only. Each fault has its heal; healAll() ends whatever is still in force.
//
// The read-only database: root ignores file modes, and a read-only remount of a file
// system (or of a bind mount) is refused while the daemon holds the file open for
// writing. The immutable attribute (chattr +i, ext4) is honoured for root and for file
// descriptors already open: every write to the database, its WAL and its shared-memory
// file fails with EPERM until chattr -i, as on a disk that went read-only underneath.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { labEnv } from '../lab/create-lab.js';
import { hostPath } from '../solsim/src/env.js';
import type { FaultRule } from '../solsim/src/faults.js';
import { kernelZones } from '../solsim/src/state/zone-runtime.js';
import { processAlive } from '../solsim/src/app/app-control.js';
import { isPoweredOff } from '../solsim/src/state/power.js';
import { writeFaults } from '../support/crash-lab.js';
import { COORDINATOR, agentRunning, coordinatorPid, type CampaignLab } from './campaign-lab.js';
import type { PlannedOp } from './operations.js';
import type { Rng } from './prng.js';

export type FaultKind =
  | 'agent-kill'
  | 'agent-stop'
  | 'coordinator-kill'
  | 'coordinator-stop'
  | 'app-kill'
  | 'app-stop'
  | 'net-cut-agent'
  | 'net-drop-agent'
  | 'net-delay-agent'
  | 'net-cut-coordinator'
  | 'net-cut-stream'
  | 'cmd-fail'
  | 'cmd-hang'
  | 'cmd-slow'
  | 'disk-full'
  | 'db-readonly';

export const FAULT_KINDS: FaultKind[] = [
  'agent-kill', 'agent-stop', 'coordinator-kill', 'coordinator-stop', 'app-kill', 'app-stop',
  'net-cut-agent', 'net-drop-agent', 'net-delay-agent', 'net-cut-coordinator', 'net-cut-stream',
  'cmd-fail', 'cmd-hang', 'cmd-slow', 'disk-full', 'db-readonly',
];

export interface PlannedFault {
  kind: FaultKind;
  /** Milliseconds after the operation starts (or after its trigger appears in the output). */
  atMs: number;
  durationMs: number;
  /** A host (agents, proxies, faults.json), a zone (applications), or '' (coordinator). */
  target: string;
  /** For command faults: the rule written into the host's faults.json. */
  rule?: FaultRule;
  /** The output line that starts the clock (the stream cut waits for the archive step). */
  trigger?: string;
  /** For the full disk: the zone whose zonepath fills up. */
  zone?: string;
}

/** The commands a run changes hosts with: the ones worth failing, hanging or slowing. */
const MUTATING: { command: string; argsRegex: string }[] = [
  { command: 'zoneadm', argsRegex: ' attach' },
  { command: 'zoneadm', argsRegex: ' boot' },
  { command: 'zoneadm', argsRegex: ' detach$' },
  { command: 'zoneadm', argsRegex: ' halt$' },
  { command: 'zlogin', argsRegex: ' shutdown ' },
  { command: 'vxdg', argsRegex: 'import ' },
  { command: 'vxdg', argsRegex: '^deport ' },
  { command: 'mount', argsRegex: ' /data/' },
  { command: 'umount', argsRegex: '/data/' },
  { command: 'symrdf', argsRegex: ' failover| swap| establish' },
];

/** Plans zero to two faults for one operation. */
export function planFaults(rng: Rng, op: PlannedOp, lab: CampaignLab, faultRate: number): PlannedFault[] {
  const faults: PlannedFault[] = [];
  const count = rng.chance(faultRate) ? (rng.chance(0.3) ? 2 : 1) : 0;
  for (let i = 0; i < count; i++) {
    const kinds = FAULT_KINDS.filter((k) => (k === 'net-cut-stream' || k === 'disk-full' ? op.kind === 'migrate' : true));
    const kind = rng.pick(kinds);
    const host = rng.pick(op.hosts.length > 0 ? op.hosts : lab.hosts);
    const atMs = rng.int(0, 8_000);
    // Shorter than the lease's TTL minus the agent's safety slice, so a healed fault
    // should not cost a lease; the kills and the long cuts may, and that is the point.
    const durationMs = rng.int(300, 4_000);
    const m = rng.pick(MUTATING);
    switch (kind) {
      case 'app-kill':
      case 'app-stop':
        faults.push({ kind, atMs, durationMs, target: rng.pick(op.zones) });
        break;
      case 'coordinator-kill':
      case 'coordinator-stop':
      case 'net-cut-coordinator':
      case 'db-readonly':
        faults.push({ kind, atMs, durationMs, target: '' });
        break;
      case 'cmd-fail':
        faults.push({ kind, atMs: 0, durationMs: 0, target: host, rule: { ...m, action: 'fail', exitCode: 1, stderr: `${m.command}: injected failure (campaign)`, times: 1 } });
        break;
      case 'cmd-hang':
        faults.push({ kind, atMs: 0, durationMs: 0, target: host, rule: { ...m, action: 'hang', times: 1 } });
        break;
      case 'cmd-slow':
        faults.push({ kind, atMs: 0, durationMs: 0, target: host, rule: { ...m, action: 'delay', ms: rng.int(500, 3_000), times: 2 } });
        break;
      case 'net-cut-stream':
        faults.push({ kind, atMs: rng.int(0, 300), durationMs, target: op.source ?? host, trigger: 'pull-zonepath on' });
        break;
      case 'disk-full':
        faults.push({ kind, atMs: 0, durationMs: 0, target: op.target ?? host, zone: op.zones[0] });
        break;
      default:
        faults.push({ kind, atMs, durationMs, target: host });
    }
  }
  return faults;
}

export interface InjectedFault extends PlannedFault {
  injectedAtMs?: number;
  healedAtMs?: number;
  /** Why it did nothing (target gone, trigger never seen): counted apart. */
  skipped?: string;
}

function signal(pid: number | null, sig: NodeJS.Signals): boolean {
  if (pid === null || !processAlive(pid)) return false;
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
}

function appPid(lab: CampaignLab, zone: string): number | null {
  for (const host of lab.hosts) {
    const env = labEnv(lab.dir, host);
    if (isPoweredOff(env)) continue;
    const kz = kernelZones(env).find(([z]) => z === zone)?.[1];
    if (kz?.appPid) return kz.appPid;
  }
  return null;
}

function chattr(flag: '+i' | '-i', files: string[]): void {
  for (const f of files) {
    if (fs.existsSync(f)) execFileSync('chattr', [flag, f]);
  }
}

function dbFiles(lab: CampaignLab): string[] {
  return [lab.db, `${lab.db}-wal`, `${lab.db}-shm`, path.dirname(lab.db)];
}

/** The real directory of a Solaris path on a lab host (mounts are symbolic links there). */
function realHostPath(lab: CampaignLab, host: string, solarisPath: string): string {
  const p = hostPath(labEnv(lab.dir, host), solarisPath);
  const parent = fs.realpathSync(path.dirname(p));
  return path.join(parent, path.basename(p));
}

/**
 * Everything the nemesis may leave behind, undone: used between operations and at the
 * end (a stopped daemon is continued, a proxy passes again, faults.json is emptied, the
 * database is writable, a tmpfs is unmounted). Killed daemons are restarted by the
 * convergence loop, which owns restarts.
 */
export class Nemesis {
  private readonly stopped = new Set<number>();
  private readonly tmpfs = new Set<string>();
  private readonly faultHosts = new Set<string>();
  private dbLocked = false;
  /** App pids killed, by zone: the convergence loop reboots such zones in place. */
  readonly killedApps = new Map<string, number>();

  constructor(private readonly lab: CampaignLab) {}

  inject(f: InjectedFault): void {
    try {
      this.injectNow(f);
    } catch (err) {
      // chattr and mount need root; without it these faults cannot be had here.
      f.skipped = `could not inject: ${(err as Error).message.split('\n')[0]}`;
    }
  }

  private injectNow(f: InjectedFault): void {
    const lab = this.lab;
    f.injectedAtMs = Date.now();
    const stop = (pid: number | null) => {
      if (signal(pid, 'SIGSTOP')) this.stopped.add(pid!);
      else f.skipped = 'process not running';
    };
    switch (f.kind) {
      case 'agent-kill':
        if (!signal(agentRunning(lab, f.target), 'SIGKILL')) f.skipped = 'agent not running';
        break;
      case 'agent-stop':
        stop(agentRunning(lab, f.target));
        break;
      case 'coordinator-kill':
        if (!signal(coordinatorPid(lab), 'SIGKILL')) f.skipped = 'coordinator not running';
        break;
      case 'coordinator-stop':
        stop(coordinatorPid(lab));
        break;
      case 'app-kill': {
        const pid = appPid(lab, f.target);
        if (signal(pid, 'SIGKILL')) this.killedApps.set(f.target, pid!);
        else f.skipped = 'application not running';
        break;
      }
      case 'app-stop':
        stop(appPid(lab, f.target));
        break;
      case 'net-cut-agent':
      case 'net-cut-stream':
        lab.proxies.get(f.target)!.setMode({ kind: 'cut' });
        break;
      case 'net-drop-agent':
        lab.proxies.get(f.target)!.setMode({ kind: 'drop' });
        break;
      case 'net-delay-agent':
        lab.proxies.get(f.target)!.setMode({ kind: 'delay', delayMs: 200 });
        break;
      case 'net-cut-coordinator':
        lab.proxies.get(COORDINATOR)!.setMode({ kind: 'cut' });
        break;
      case 'cmd-fail':
      case 'cmd-hang':
      case 'cmd-slow':
        writeFaults(lab.dir, f.target, [f.rule!]);
        this.faultHosts.add(f.target);
        break;
      case 'disk-full':
        this.fillDisk(f);
        break;
      case 'db-readonly':
        chattr('+i', dbFiles(lab));
        this.dbLocked = true;
        break;
    }
  }

  /** A zonepath on a 256 KiB tmpfs: the archive's extract runs out of space. */
  private fillDisk(f: InjectedFault): void {
    const dir = realHostPath(this.lab, f.target, `/zones/${f.zone}`);
    if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0) {
      f.skipped = `${dir} is not empty`;
      return;
    }
    fs.mkdirSync(dir, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k,mode=700', 'tmpfs', dir]);
    this.tmpfs.add(dir);
  }

  heal(f: InjectedFault): void {
    if (f.healedAtMs || f.skipped) return;
    f.healedAtMs = Date.now();
    const lab = this.lab;
    switch (f.kind) {
      case 'agent-stop':
      case 'coordinator-stop':
      case 'app-stop':
        for (const pid of this.stopped) signal(pid, 'SIGCONT');
        this.stopped.clear();
        break;
      case 'net-cut-agent':
      case 'net-cut-stream':
      case 'net-drop-agent':
      case 'net-delay-agent':
        lab.proxies.get(f.target)!.heal();
        break;
      case 'net-cut-coordinator':
        lab.proxies.get(COORDINATOR)!.heal();
        break;
      case 'cmd-fail':
      case 'cmd-hang':
      case 'cmd-slow':
        writeFaults(lab.dir, f.target, []);
        break;
      case 'disk-full':
        this.unmountTmpfs();
        break;
      case 'db-readonly':
        chattr('-i', dbFiles(lab));
        this.dbLocked = false;
        break;
      default:
        // Kills are healed by restarts in the convergence loop.
        break;
    }
  }

  private unmountTmpfs(): void {
    for (const dir of this.tmpfs) {
      try {
        execFileSync('umount', ['-l', dir]);
      } catch {
        /* already gone */
      }
    }
    this.tmpfs.clear();
  }

  healAll(): void {
    for (const pid of this.stopped) signal(pid, 'SIGCONT');
    this.stopped.clear();
    for (const p of this.lab.proxies.values()) p.heal();
    for (const host of this.faultHosts) writeFaults(this.lab.dir, host, []);
    this.faultHosts.clear();
    if (this.dbLocked) chattr('-i', dbFiles(this.lab));
    this.dbLocked = false;
    this.unmountTmpfs();
  }
}
