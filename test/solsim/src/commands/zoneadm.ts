// Simulated zoneadm(1M), Solaris 10 (onnv_86 zoneadm.c). Texts, option handling and
// exit codes follow the source; reference: solaris-commands.md section 1.
import fs from 'node:fs';
import path from 'node:path';
import type { SimCommand, SimContext } from '../command.js';
import { hostPath } from '../env.js';
import { readHostConfig } from '../state/host-config.js';
import { readMnttab } from '../state/mounts.js';
import {
  ATTACHED_MANIFEST,
  DEFAULT_DEV_PERMS,
  DETACHED_MANIFEST,
  hostInventory,
  InvalidZoneDocument,
  NATIVE_BRAND,
  parseManifest,
  readZoneConfig,
  serializeManifest,
  type DetachManifest,
  type ZoneConfig,
} from '../state/zone-config.js';
import { findIndexEntry, readZoneIndex, setIndexState, type IndexState } from '../state/zone-index.js';
import { bootZone, haltZone, readyZone, type LifecycleResult } from '../state/zone-lifecycle.js';
import {
  effectiveState,
  emitZoneState,
  kernelZone,
  kernelZones,
  STATE_ORDER,
  tryZoneOpLock,
  type ZoneState,
} from '../state/zone-runtime.js';
import { compareSoftware, comparePackageVersions } from './sw-compare.js';
import { errnoText, resolveReadPath } from './sim-paths.js';
import { getopt, getoptDiagnostic } from './zone-getopt.js';
import { verifyResources, verifyZone, type VerifyCommand } from './zone-verify.js';

const Z_OK = 0;
const Z_ERR = 1;
const Z_USAGE = 2;

const SUBCOMMANDS: { name: string; short: string | null; long: string }[] = [
  { name: 'help', short: 'help', long: 'Print usage message.' },
  { name: 'boot', short: 'boot [-- boot_arguments]', long: 'Activates (boots) specified zone.  See zoneadm(1m) for valid boot\n\targuments.' },
  { name: 'halt', short: 'halt', long: 'Halts specified zone, bypassing shutdown scripts and removing runtime\n\tresources of the zone.' },
  { name: 'ready', short: 'ready', long: 'Prepares a zone for running applications but does not start any user\n\tprocesses in the zone.' },
  {
    name: 'reboot',
    short: 'reboot [-- boot_arguments]',
    long: 'Restarts the zone (equivalent to a halt / boot sequence).\n\tFails if the zone is not active.  See zoneadm(1m) for valid boot\n\targuments.',
  },
  {
    name: 'list',
    short: 'list [-cipv]',
    long:
      'Lists the current zones, or a specific zone if indicated.  By default,\n\tall running zones are listed, though this can be expanded to all\n\t' +
      'installed zones with the -i option or all configured zones with the\n\t-c option.  When used with the general -z <zone> and/or -u <uuid-match>\n\t' +
      'options, lists only the specified matching zone, but lists it\n\tregardless of its state, and the -i and -c options are disallowed.  The\n\t' +
      '-v option can be used to display verbose information: zone name, id,\n\tcurrent state, root directory and options.  The -p option can be used\n\t' +
      'to request machine-parsable output.  The -v and -p options are mutually\n\texclusive.  If neither -v nor -p is used, just the zone name is listed.',
  },
  { name: 'verify', short: 'verify', long: 'Check to make sure the configuration can safely be instantiated\n\ton the machine: physical network interfaces exist, etc.' },
  {
    name: 'install',
    short: 'install [-x nodataset] [brand-specific args]',
    long:
      'Install the configuration on to the system.  The -x nodataset option\n\tcan be used to prevent the creation of a new ZFS file system for the\n\t' +
      'zone (assuming the zonepath is within a ZFS file system).\n\tAll other arguments are passed to the brand installation function;\n\tsee brand(4) for more information.',
  },
  { name: 'uninstall', short: 'uninstall [-F]', long: 'Uninstall the configuration from the system.  The -F flag can be used\n\tto force the action.' },
  { name: 'mount', short: null, long: '' },
  { name: 'unmount', short: null, long: '' },
  {
    name: 'clone',
    short: 'clone [-m method] [-s <ZFS snapshot>] zonename',
    long:
      "Clone the installation of another zone.  The -m option can be used to\n\tspecify 'copy' which forces a copy of the source zone.  The -s option\n\t" +
      'can be used to specify the name of a ZFS snapshot that was taken from\n\ta previous clone command.  The snapshot will be used as the source\n\t' +
      'instead of creating a new ZFS snapshot.',
  },
  { name: 'move', short: 'move zonepath', long: 'Move the zone to a new zonepath.' },
  {
    name: 'detach',
    short: 'detach [-n]',
    long:
      "Detach the zone from the system. The zone state is changed to\n\t'configured' (but the files under the zonepath are untouched).\n\t" +
      'The zone can subsequently be attached, or can be moved to another\n\tsystem and attached there.  The -n option can be used to specify\n\t' +
      "'no-execute' mode.  When -n is used, the information needed to attach\n\tthe zone is sent to standard output but the zone is not actually\n\tdetached.",
  },
  {
    name: 'attach',
    short: 'attach [-F] [-n <path>] [-u]',
    long:
      "Attach the zone to the system.  The zone state must be 'configured'\n\tprior to attach; upon successful completion, the zone state will be\n\t" +
      "'installed'.  The system software on the current system must be\n\tcompatible with the software on the zone's original system or use\n\t" +
      'the -u option to update the zone to the current system software.\n\tSpecify -F to force the attach and skip software compatibility tests.\n\t' +
      "The -n option can be used to specify 'no-execute' mode.  When -n is\n\tused, the information needed to attach the zone is read from the\n\t" +
      "specified path and the configuration is only validated.  The path can\n\tbe '-' to specify standard input.  The -F, -n and -u options are\n\tmutually exclusive.",
  },
  {
    name: 'mark',
    short: 'mark incomplete',
    long:
      "Set the state of the zone.  This can be used to force the zone\n\tstate to 'incomplete' administratively if some activity has rendered\n\t" +
      "the zone permanently unusable.  The only valid state that may be\n\tspecified is 'incomplete'.",
  },
  { name: 'apply', short: null, long: '' },
];

/** A subcommand's own exit, e.g. a usage error found deep in its option parsing. */
class Exit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

interface ListEntry {
  zoneid: number | null;
  name: string;
  state: ZoneState;
  zonepath: string;
  uuid: string;
  brand: string;
  ipType: 'shared' | 'excl';
}

class Zoneadm {
  private readonly execname: string;
  private target: string | null = null;

  constructor(private readonly ctx: SimContext) {
    this.execname = path.basename(ctx.name);
  }

  // ---- message helpers (zoneadm.c zerror/zperror) -------------------------------------

  private zerror(msg: string): void {
    const zone = this.target !== null ? `zone '${this.target}': ` : '';
    this.ctx.err(`${this.execname}: ${zone}${msg}\n`);
  }

  private zperror(str: string, reason: string): void {
    this.ctx.err(`${this.execname}: ${str}: ${reason}\n`);
  }

  private usage(explicit: boolean): number {
    const lines =
      `usage:\t${this.execname} help\n` +
      `\t${this.execname} [-z <zone>] [-u <uuid-match>] list\n` +
      `\t${this.execname} {-z <zone>|-u <uuid-match>} <subcommand>\n` +
      '\nSubcommands:\n\n' +
      SUBCOMMANDS.filter((c) => c.short !== null)
        .map((c) => `${c.short}\n` + (explicit ? `\t${c.long}\n\n` : ''))
        .join('') +
      (explicit ? '' : '\n');
    if (explicit) this.ctx.out(lines);
    else this.ctx.err(lines);
    return Z_USAGE;
  }

  private subUsage(name: string): void {
    const cmd = SUBCOMMANDS.find((c) => c.name === name)!;
    this.ctx.err(`usage:\t${cmd.short}\n\t${cmd.long}\n`);
  }

  /** Parses a subcommand's options the way each *_func() does; throws Exit on '?'. */
  private subopts(name: string, argv: readonly string[], optstring: string) {
    const res = getopt(argv, optstring);
    if (res.bad) {
      this.subUsage(name);
      throw new Exit(res.bad.reason === 'help' ? Z_OK : Z_USAGE);
    }
    return res;
  }

  private config(zone: string): ZoneConfig | null {
    try {
      return readZoneConfig(this.ctx.env, zone);
    } catch (err) {
      if (err instanceof InvalidZoneDocument) return null;
      throw err;
    }
  }

  // ---- main -----------------------------------------------------------------------------

  run(): number {
    const argv = this.ctx.argv;
    const global = getopt(argv, '?u:z:');
    if (global.bad) {
      this.ctx.err(getoptDiagnostic(this.execname, global.bad));
      return this.usage(true);
    }
    let uuid: string | null = null;
    for (const { opt, arg } of global.opts) {
      if (opt === 'z') this.target = arg;
      if (opt === 'u') uuid = arg;
    }
    if (global.optind >= argv.length) return this.usage(false);

    if (uuid !== null && uuid !== '') {
      if (!/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(uuid)) {
        this.zerror('illegal UUID value specified');
        return Z_ERR;
      }
      const byUuid = readZoneIndex(this.ctx.env).find((e) => e.uuid.toLowerCase() === uuid!.toLowerCase());
      if (byUuid) this.target = byUuid.name;
    }
    if (this.target !== null && !this.zoneExists(this.target)) {
      this.zperror(this.target, 'No such zone configured');
      return Z_ERR;
    }
    const byId = this.target !== null && !findIndexEntry(this.ctx.env, this.target) && this.runningById(this.target) !== null;
    if (this.target !== null && this.target !== 'global' && !byId) {
      if (this.config(this.target) === null) {
        this.zerror('missing or invalid brand');
        return Z_ERR;
      }
    }

    const [sub, ...rest] = argv.slice(global.optind);
    const cmd = SUBCOMMANDS.find((c) => c.name === sub);
    if (!cmd) return this.usage(false);
    try {
      switch (cmd.name) {
        case 'help':
          return this.help(rest);
        case 'list':
          return this.list(rest);
        case 'boot':
          return this.boot(rest);
        case 'halt':
          return this.halt(rest);
        case 'ready':
          return this.ready(rest);
        case 'reboot':
          return this.reboot(rest);
        case 'verify':
          return this.verify(rest);
        case 'detach':
          return this.detach(rest);
        case 'attach':
          return this.attach(rest);
        case 'mark':
          return this.mark(rest);
        case 'uninstall':
          return this.uninstall(rest);
        default:
          // install, clone, move and the private mount/unmount/apply build or rebuild
          // zone images; the lab lays images down itself, so the simulator has no
          // model for them and says so rather than pretending to succeed.
          this.zerror(`${cmd.name} is not supported by the simulator`);
          return Z_ERR;
      }
    } catch (err) {
      if (err instanceof Exit) return err.code;
      throw err;
    }
  }

  /** zone_get_id(): configured zones, the global zone, or the numeric id of a running zone. */
  private zoneExists(name: string): boolean {
    if (name === 'global') return true;
    if (findIndexEntry(this.ctx.env, name)) return true;
    return this.runningById(name) !== null;
  }

  private runningById(str: string): string | null {
    const zones = kernelZones(this.ctx.env);
    if (zones.some(([n]) => n === str)) return str;
    if (!/^[0-9]+$/.test(str)) return null;
    const id = Number(str);
    return zones.find(([, kz]) => kz.zoneid === id)?.[0] ?? null;
  }

  // ---- help / list ------------------------------------------------------------------------

  private help(argv: readonly string[]): number {
    if (argv.length === 0) {
      this.usage(true);
      return Z_OK;
    }
    const res = this.subopts('help', argv, '?');
    for (const word of argv.slice(res.optind)) {
      const cmd = SUBCOMMANDS.find((c) => c.name === word && c.short !== null);
      if (!cmd) {
        this.subUsage('help');
        return Z_USAGE;
      }
      this.subUsage(cmd.name);
    }
    return Z_OK;
  }

  private lookupZoneInfo(name: string): ListEntry | null {
    const env = this.ctx.env;
    const entry = findIndexEntry(env, name);
    if (!entry) return null;
    const config = this.config(name);
    if (!config) {
      this.ctx.err(`${this.execname}: ${name}: could not get brand name: No such zone configured\n`);
      return null;
    }
    const kz = kernelZone(env, name);
    return {
      zoneid: kz ? kz.zoneid : null,
      name,
      state: kz ? kz.state : entry.state,
      zonepath: entry.zonepath,
      uuid: entry.uuid,
      brand: config.brand,
      ipType: config.ipType === 'exclusive' ? 'excl' : 'shared',
    };
  }

  private globalEntry(): ListEntry {
    return { zoneid: 0, name: 'global', state: 'running', zonepath: '/', uuid: '', brand: NATIVE_BRAND, ipType: 'shared' };
  }

  private printEntries(entries: ListEntry[], verbose: boolean, parsable: boolean): void {
    let text = '';
    if (verbose) text += `${'ID'.padStart(4)} ${'NAME'.padEnd(16)} ${'STATUS'.padEnd(10)} ${'PATH'.padEnd(30)} ${'BRAND'.padEnd(8)} ${'IP'.padEnd(6)}\n`;
    for (const e of entries) {
      const id = e.zoneid === null ? '-' : String(e.zoneid);
      if (verbose) {
        text += `${id.padStart(4)} ${e.name.padEnd(16)} ${e.state.padEnd(10)} ${e.zonepath.padEnd(30)} ${e.brand.padEnd(8)} ${e.ipType.padEnd(6)}\n`;
      } else if (parsable) {
        text += `${id}:${e.name}:${e.state}:${e.zonepath.replace(/:/g, '\\:')}:${e.uuid}:${e.brand}:${e.ipType}\n`;
      } else {
        text += `${e.name}\n`;
      }
    }
    this.ctx.out(text);
  }

  private list(argv: readonly string[]): number {
    let verbose = false;
    let parsable = false;
    if (this.target === null) {
      let minState: ZoneState = 'running';
      const res = this.subopts('list', argv, '?cipv');
      for (const { opt } of res.opts) {
        if (opt === 'c') minState = 'configured';
        if (opt === 'i' && STATE_ORDER[minState] > STATE_ORDER.installed) minState = 'installed';
        if (opt === 'p') parsable = true;
        if (opt === 'v') verbose = true;
      }
      if (parsable && verbose) {
        this.zerror('list -p and -v are mutually exclusive.');
        return Z_ERR;
      }
      const entries: ListEntry[] = [this.globalEntry()];
      const inKernel = new Set<string>();
      for (const [name] of kernelZones(this.ctx.env)) {
        const info = this.lookupZoneInfo(name);
        if (!info) continue;
        entries.push(info);
        inKernel.add(name);
      }
      if (STATE_ORDER[minState] < STATE_ORDER.running) {
        for (const idx of readZoneIndex(this.ctx.env)) {
          if (inKernel.has(idx.name)) continue;
          const info = this.lookupZoneInfo(idx.name);
          if (info && STATE_ORDER[info.state] >= STATE_ORDER[minState]) entries.push(info);
        }
      }
      this.printEntries(entries, verbose, parsable);
      return Z_OK;
    }
    const res = this.subopts('list', argv, '?pv');
    for (const { opt } of res.opts) {
      if (opt === 'p') parsable = true;
      if (opt === 'v') verbose = true;
    }
    if (parsable && verbose) {
      this.zerror('list -p and -v are mutually exclusive.');
      return Z_ERR;
    }
    if (argv.length > res.optind) {
      this.subUsage('list');
      return Z_USAGE;
    }
    let entry: ListEntry | null;
    if (this.target === 'global' || this.target === '0') entry = this.globalEntry();
    else entry = this.lookupZoneInfo(this.runningById(this.target) ?? this.target);
    if (!entry) return Z_ERR;
    this.printEntries([entry], verbose, parsable);
    return Z_OK;
  }

  // ---- sanity_check -------------------------------------------------------------------------

  /**
   * sanity_check(): privileges are not modelled (the simulator always runs as the
   * global zone's root). Returns false after printing the refusal.
   */
  private sanityCheck(cmd: string, running: boolean, unsafeWhenRunning: boolean, force = false): boolean {
    const zone = this.target;
    if (zone === null) {
      this.zerror('no zone specified');
      return false;
    }
    if (zone === 'global') {
      this.zerror(`${cmd} operation is invalid for the global zone.`);
      return false;
    }
    if (zone.startsWith('SUNW')) {
      this.zerror(`${cmd} operation is invalid for zones starting with SUNW.`);
      return false;
    }
    const kz = kernelZone(this.ctx.env, zone);
    if (running && !force) {
      if (!kz) {
        this.zerror('not running');
        return false;
      }
      return true;
    }
    if (unsafeWhenRunning && kz) {
      this.zerror(`${cmd} operation is invalid for ${kz.state} zones.`);
      return false;
    }
    const state = effectiveState(this.ctx.env, zone);
    if (state === undefined) {
      this.ctx.err(`${this.execname}: ${zone}: could not get state: No such zone configured\n`);
      return false;
    }
    switch (cmd) {
      case 'uninstall':
        if (state === 'configured') {
          this.zerror("is already in state 'configured'.");
          return false;
        }
        break;
      case 'attach':
        if (state === 'installed') {
          this.zerror('is already installed.');
          return false;
        }
        if (state === 'incomplete') {
          this.zerror('zone is incomplete; uninstall required.');
          return false;
        }
        break;
      case 'detach':
      case 'ready':
      case 'boot':
      case 'mark': {
        const min: ZoneState = cmd === 'boot' && force ? 'incomplete' : 'installed';
        if (force && cmd === 'boot' && this.config(zone)?.brand === NATIVE_BRAND) {
          this.zerror('Only branded zones may be force-booted.');
          return false;
        }
        if (STATE_ORDER[state] < STATE_ORDER[min]) {
          this.zerror(`must be ${min} before ${cmd}.`);
          return false;
        }
        break;
      }
      case 'verify':
        if (state === 'incomplete') {
          this.zerror('zone is incomplete; uninstall required.');
          return false;
        }
        break;
    }
    return true;
  }

  private verifyDetails(cmd: VerifyCommand): boolean {
    const zone = this.target!;
    const config = this.config(zone)!;
    return verifyZone(this.ctx.env, zone, config, cmd, this.ctx);
  }

  /** Runs fn under the zone's operation lock, or refuses like a second zoneadm does. */
  private withOpLock(fn: () => number): number {
    const release = tryZoneOpLock(this.ctx.env, this.target!);
    if (!release) {
      this.zerror('another zoneadm may have an operation in progress.');
      return Z_ERR;
    }
    try {
      return fn();
    } finally {
      release();
    }
  }

  // ---- zoneadmd ---------------------------------------------------------------------------

  /**
   * What zoneadmd answers (zoneadmd.c server()). Messages come back through zerror(),
   * i.e. with the zone prefix. Returns whether zoneadmd reported success.
   */
  private zoneadmd(request: 'ready' | 'boot' | 'halt' | 'reboot'): boolean {
    const env = this.ctx.env;
    const zone = this.target!;
    const state = effectiveState(env, zone)!;
    if (state === 'configured' || state === 'incomplete') {
      // zoneadmd refuses to start for such a zone and says so on its own stderr
      this.ctx.err(`cannot manage a zone which is in state '${state}'\n`);
      this.zerror('could not start zoneadmd');
      return false;
    }
    const config = this.config(zone)!;
    const report = (result: LifecycleResult): boolean => {
      if (!result.ok) for (const line of result.errors) this.zerror(line);
      return result.ok;
    };
    switch (request) {
      case 'ready':
        if (state === 'ready') {
          this.zerror('zone is already ready');
          return true;
        }
        if (state !== 'installed') haltZone(env, zone, config.zonepath);
        return report(readyZone(env, zone, config));
      case 'boot':
        if (state === 'running' || state === 'shutting_down' || state === 'down') {
          this.zerror('zone is already booted');
          return true;
        }
        return report(bootZone(env, zone, config));
      case 'halt':
        if (state === 'installed') {
          this.zerror('zone is already halted');
          return true;
        }
        haltZone(env, zone, config.zonepath);
        return true;
      case 'reboot':
        if (state === 'installed' || state === 'ready') {
          this.zerror(`reboot operation is invalid for zones in state '${state}'`);
          return false;
        }
        haltZone(env, zone, config.zonepath);
        return report(bootZone(env, zone, config));
    }
  }

  private bootArgs(argv: readonly string[], from: number): string | null {
    const args = argv.slice(from).join(' ');
    // BOOTARGS_MAX is 256 including the terminating NUL
    if (args.length >= 256) {
      this.zerror('Boot argument list too long');
      return null;
    }
    return args;
  }

  // ---- boot / ready / halt / reboot ---------------------------------------------------

  private boot(argv: readonly string[]): number {
    const res = this.subopts('boot', argv, '?fs');
    const force = res.opts.some((o) => o.opt === 'f');
    const args = this.bootArgs(argv, res.optind);
    if (args === null) return Z_ERR;
    if (!this.sanityCheck('boot', false, false, force)) return Z_ERR;
    if (!this.verifyDetails('boot')) return Z_ERR;
    return this.withOpLock(() => {
      if (!this.zoneadmd('boot')) {
        this.zerror('call to zoneadmd failed');
        return Z_ERR;
      }
      return Z_OK;
    });
  }

  private ready(argv: readonly string[]): number {
    const res = this.subopts('ready', argv, '?');
    if (argv.length > res.optind) {
      this.subUsage('ready');
      return Z_USAGE;
    }
    if (!this.sanityCheck('ready', false, false)) return Z_ERR;
    if (!this.verifyDetails('ready')) return Z_ERR;
    return this.withOpLock(() => {
      if (!this.zoneadmd('ready')) {
        this.zerror('call to zoneadmd failed');
        return Z_ERR;
      }
      return Z_OK;
    });
  }

  private halt(argv: readonly string[]): number {
    const res = this.subopts('halt', argv, '?');
    if (argv.length > res.optind) {
      this.subUsage('halt');
      return Z_USAGE;
    }
    if (!this.sanityCheck('halt', false, false)) return Z_ERR;
    return this.withOpLock(() => (this.zoneadmd('halt') ? Z_OK : Z_ERR));
  }

  private reboot(argv: readonly string[]): number {
    const res = this.subopts('reboot', argv, '?');
    if (this.bootArgs(argv, res.optind) === null) return Z_ERR;
    if (!this.sanityCheck('reboot', true, false)) return Z_ERR;
    if (!this.verifyDetails('reboot')) return Z_ERR;
    return this.withOpLock(() => (this.zoneadmd('reboot') ? Z_OK : Z_ERR));
  }

  private verify(argv: readonly string[]): number {
    const res = this.subopts('verify', argv, '?');
    if (argv.length > res.optind) {
      this.subUsage('verify');
      return Z_USAGE;
    }
    if (!this.sanityCheck('verify', false, false)) return Z_ERR;
    return this.verifyDetails('verify') ? Z_OK : Z_ERR;
  }

  // ---- persistent state changes ---------------------------------------------------------

  /** zone_set_state() plus the observer event for the effective state change. */
  private setState(state: IndexState): void {
    const env = this.ctx.env;
    const zone = this.target!;
    const before = effectiveState(env, zone)!;
    setIndexState(env, zone, state);
    emitZoneState(env, zone, before, effectiveState(env, zone)!);
  }

  /** zonecfg_find_mounts(): mnttab entries below the path, .zfs snapshots excepted. */
  private mountsBelow(dir: string): string[] {
    return readMnttab(this.ctx.env)
      .map((e) => e.mountPoint)
      .filter((mp) => mp.startsWith(dir + '/') && !mp.slice(dir.length + 1).startsWith('.zfs'));
  }

  private refuseMountsBelow(dir: string): boolean {
    const mounts = this.mountsBelow(dir);
    if (mounts.length === 0) return false;
    this.zerror(`These file systems are mounted on subdirectories of ${dir}.\n`);
    for (const mp of mounts) this.zerror(`  ${mp}\n`);
    return true;
  }

  private manifestFor(config: ZoneConfig): DetachManifest {
    return { config, packages: hostInventory(readHostConfig(this.ctx.env)), devPerms: DEFAULT_DEV_PERMS };
  }

  private detach(argv: readonly string[]): number {
    const res = this.subopts('detach', argv, '?n');
    const execute = !res.opts.some((o) => o.opt === 'n');
    if (execute) {
      if (!this.sanityCheck('detach', false, true)) return Z_ERR;
      if (!this.verifyDetails('detach')) return Z_ERR;
    } else {
      // a dry run works for anyone and checks only what it must
      if (this.target === null) {
        this.zerror('no zone specified');
        return Z_ERR;
      }
      if (this.target === 'global') {
        this.zerror('detach operation is invalid for the global zone.');
        return Z_ERR;
      }
    }
    const config = this.config(this.target!)!;
    if (execute && this.refuseMountsBelow(config.zonepath)) return Z_ERR;
    const manifest = serializeManifest(this.manifestFor(config));
    if (!execute) {
      this.ctx.out(manifest);
      return Z_OK;
    }
    return this.withOpLock(() => {
      const file = path.join(hostPath(this.ctx.env, config.zonepath), DETACHED_MANIFEST);
      try {
        fs.writeFileSync(file, manifest, { mode: 0o644 });
        fs.chmodSync(file, 0o644);
      } catch (err) {
        this.zperror('saving the detach manifest failed', (err as Error).message);
        return Z_ERR;
      }
      this.setState('configured');
      return Z_OK;
    });
  }

  private attach(argv: readonly string[]): number {
    const res = this.subopts('attach', argv, '?Fn:u');
    // onnv_86 reads only the first option here; later updates loop over all of them, as this does
    const force = res.opts.some((o) => o.opt === 'F');
    const dryRun = res.opts.find((o) => o.opt === 'n')?.arg ?? null;
    const update = res.opts.some((o) => o.opt === 'u');
    if (dryRun !== null && update) {
      this.zerror('-n and -u flags are mutually exclusive');
      return Z_ERR;
    }
    if (dryRun !== null) return this.dryRunAttach(dryRun);
    if (!this.sanityCheck('attach', false, true)) return Z_ERR;
    if (!this.verifyDetails('attach')) return Z_ERR;
    const config = this.config(this.target!)!;
    const zonepath = hostPath(this.ctx.env, config.zonepath);
    return this.withOpLock(() => {
      if (!force) {
        const loaded = this.loadDetachedManifest(zonepath);
        if (loaded === null) return Z_ERR;
        if (loaded.config.brand !== config.brand) {
          this.zerror(`Trying to attach a '${loaded.config.brand}' zone to a '${config.brand}' configuration.`);
          return Z_ERR;
        }
        const local = hostInventory(readHostConfig(this.ctx.env));
        if (update) {
          if (!this.updateOnAttach(loaded, local)) return Z_ERR;
        } else {
          const cmp = compareSoftware(loaded.packages, local);
          if (!cmp.ok) {
            this.ctx.err(cmp.report);
            return Z_ERR;
          }
        }
        // dev_fix() readies and halts the zone to rebuild /dev; /dev is not simulated,
        // and a ready zone that never ran would only add noise to the observer log.
      }
      this.removeManifests(zonepath, force);
      this.setState('installed');
      return Z_OK;
    });
  }

  /** zonecfg_get_attach_handle() for attach: null after printing why there is none. */
  private loadDetachedManifest(zonepath: string): DetachManifest | null {
    const file = path.join(zonepath, DETACHED_MANIFEST);
    const detached = fs.existsSync(path.join(zonepath, 'root')) && fs.existsSync(file);
    if (!detached) {
      if (this.config(this.target!)!.brand !== NATIVE_BRAND) {
        this.zerror('Not a detached zone.');
      } else {
        // gen_detach_info() would mount the zone and run detach -n inside it; the
        // simulated zone image has no package database to produce one from.
        this.zerror('The zone was not properly detached.\n\tAttempting to attach anyway.');
        this.zerror('Cannot generate the information needed to attach this zone.');
      }
      return null;
    }
    try {
      return parseManifest(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      if (!(err instanceof InvalidZoneDocument)) throw err;
      this.zerror('Cannot attach to an earlier release of the operating system');
      return null;
    }
  }

  /** zonecfg_rm_detached(): a forced attach keeps the manifest as SUNWattached.xml. */
  private removeManifests(zonepath: string, force: boolean): void {
    const detached = path.join(zonepath, DETACHED_MANIFEST);
    const attached = path.join(zonepath, ATTACHED_MANIFEST);
    if (force) {
      if (fs.existsSync(detached)) fs.renameSync(detached, attached);
      return;
    }
    fs.rmSync(detached, { force: true });
    fs.rmSync(attached, { force: true });
  }

  /**
   * attach -u: the zone may move up to this host's package versions, never down
   * (sw_up_to_date()). The package operations themselves are not simulated; the
   * progress lines of attach_update.ksh are printed with zero counts.
   */
  private updateOnAttach(manifest: DetachManifest, local: ReturnType<typeof hostInventory>): boolean {
    let ok = true;
    for (const src of manifest.packages) {
      const dst = local.find((p) => p.name === src.name);
      if (dst && comparePackageVersions(src.version, dst.version) > 0) {
        this.zerror(`ERROR: attempt to downgrade package ${src.name} ${src.version} to version ${dst.version}`);
        ok = false;
      }
    }
    if (!ok) return false;
    if (!compareSoftware(manifest.packages, local).ok) {
      this.ctx.out(
        'Getting the list of files to remove\nRemoving 0 files\nInstalling 0 files\nUpdating editable files\n' +
          'The file </var/sadm/system/logs/update_log> within the zone contains a log of the zone update.\n',
      );
    }
    return true;
  }

  private dryRunAttach(manifestPath: string): number {
    let text: string;
    if (manifestPath === '-') {
      text = this.ctx.readStdin();
    } else {
      const file = resolveReadPath(this.ctx.env, manifestPath);
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch (err) {
        this.zperror('could not open manifest path', errnoText(err));
        return Z_ERR;
      }
    }
    let manifest: DetachManifest;
    try {
      manifest = parseManifest(text);
    } catch (err) {
      if (!(err instanceof InvalidZoneDocument)) throw err;
      if (manifestPath === '-') this.zerror('Input is not a valid XML file');
      else if (!text.startsWith('<?xml')) this.zerror(`${manifestPath} is not an XML file`);
      else this.zerror('Cannot attach to an earlier release of the operating system');
      return Z_ERR;
    }
    let ok = verifyResources(this.ctx.env, manifest.config, this.ctx, false);
    const cmp = compareSoftware(manifest.packages, hostInventory(readHostConfig(this.ctx.env)));
    if (!cmp.ok) {
      this.ctx.err(cmp.report);
      ok = false;
    }
    return ok ? Z_OK : Z_ERR;
  }

  private mark(argv: readonly string[]): number {
    if (argv.length !== 1 || argv[0] !== 'incomplete') {
      this.subUsage('mark');
      return Z_USAGE;
    }
    if (!this.sanityCheck('mark', false, false)) return Z_ERR;
    return this.withOpLock(() => {
      this.setState('incomplete');
      return Z_OK;
    });
  }

  private uninstall(argv: readonly string[]): number {
    const res = this.subopts('uninstall', argv, '?F');
    if (argv.length > res.optind) {
      this.subUsage('uninstall');
      return Z_USAGE;
    }
    const force = res.opts.some((o) => o.opt === 'F');
    if (!this.sanityCheck('uninstall', false, true)) return Z_ERR;
    if (!force) {
      // the simulator never has a terminal to ask on
      this.zerror('Input not from terminal and -F not specified: uninstall not done.');
      return Z_ERR;
    }
    const config = this.config(this.target!)!;
    return this.withOpLock(() => {
      const rootpath = path.posix.join(config.zonepath, 'root');
      if (this.refuseMountsBelow(rootpath)) return Z_ERR;
      this.setState('incomplete');
      this.cleanupZonepath(config.zonepath);
      this.setState('configured');
      return Z_OK;
    });
  }

  /**
   * cleanup_zonepath(): removes the standard entries; anything else is user data and
   * stays. The zonepath directory itself is kept because here it is usually a mount point.
   */
  private cleanupZonepath(zonepath: string): void {
    const real = hostPath(this.ctx.env, zonepath);
    const std = ['dev', 'lu', 'root'];
    let entries: string[] = [];
    try {
      entries = fs.readdirSync(real);
    } catch {
      return;
    }
    for (const name of std) fs.rmSync(path.join(real, name), { recursive: true, force: true });
    if (entries.some((e) => !std.includes(e))) {
      this.ctx.err(
        `WARNING: Unable to completely remove ${zonepath}\nbecause it contains additional user data.  ` +
          'Only the standard directory\nentries have been removed.\n',
      );
    }
  }
}

export const zoneadm: SimCommand = (ctx) => new Zoneadm(ctx).run();
