// Simulated zonecfg(1M), Solaris 10 (onnv_86 zonecfg.c). Messages carry no program
// prefix; in command-file mode the first message of a line is preceded by
// "On line <n> of <file>:". Reference: solaris-commands.md section 2.
import fs from 'node:fs';
import path from 'node:path';
import type { SimCommand, SimContext } from '../command.js';
import { hostPath } from '../env.js';
import {
  cloneConfig,
  deleteZoneConfig,
  DETACHED_MANIFEST,
  InvalidZoneDocument,
  NATIVE_BRAND,
  parseManifest,
  readZoneConfig,
  TEMPLATES,
  writeZoneConfig,
  type FsResource,
  type NetResource,
  type RctlResource,
  type ZoneConfig,
} from '../state/zone-config.js';
import { addIndexEntry, findIndexEntry, removeIndexEntry, updateZoneIndex, withZonesLock } from '../state/zone-index.js';
import { effectiveState, STATE_ORDER, type ZoneState } from '../state/zone-runtime.js';
import { errnoText, resolveReadPath, resolveWritePath } from './sim-paths.js';
import { getopt } from './zone-getopt.js';
import {
  HELP_FLAGS,
  LONG_HELP,
  META_TEXT,
  PROPS_TEXT,
  RESOURCES_TEXT,
  resourceScopeText,
  SHORT_USAGE,
  subcommandsText,
  syntaxText,
  usageText,
} from './zonecfg-help.js';
import { GLOBAL_PROPERTIES, parseCommands, type ParsedCmd, type PropValue } from './zonecfg-parser.js';

const Z_OK = 0;
const Z_ERR = 1;
const Z_USAGE = 2;

const ERR = {
  NO_ZONE: 'No such zone configured',
  NO_RESOURCE_TYPE: 'No such resource type',
  NO_RESOURCE_ID: 'No such resource with that id',
  NO_PROPERTY_TYPE: 'No such property type',
  NO_PROPERTY_ID: 'No such property with that id',
  INSUFFICIENT_SPEC: 'Insufficient specification',
  BOGUS_ZONE_NAME: 'Bogus zone name',
  REQD_RESOURCE_MISSING: 'Required resource missing',
  REQD_PROPERTY_MISSING: 'Required property missing',
  BAD_ZONE_STATE: 'Zone state is invalid for the requested operation',
  CLEAR_DISALLOW: 'Clearing this property is not allowed',
  INVAL: 'Invalid argument',
  NO_ENTRY: 'No such entry',
  INCOMPATIBLE: 'Incompatible settings',
} as const;

/** The rctl aliases of the global scope and the rctl each one stands for. */
const RCTL_ALIASES: Record<string, { rctl: string; action: string }> = {
  'max-lwps': { rctl: 'zone.max-lwps', action: 'deny' },
  'max-shm-memory': { rctl: 'zone.max-shm-memory', action: 'deny' },
  'max-shm-ids': { rctl: 'zone.max-shm-ids', action: 'deny' },
  'max-msg-ids': { rctl: 'zone.max-msg-ids', action: 'deny' },
  'max-sem-ids': { rctl: 'zone.max-sem-ids', action: 'deny' },
  'cpu-shares': { rctl: 'zone.cpu-shares', action: 'none' },
};

/** Resource types the configuration model holds; the resource-management ones are not simulated. */
const MODELLED_RESOURCES = ['fs', 'inherit-pkg-dir', 'net', 'device', 'rctl', 'attr', 'dataset'] as const;
type Res = (typeof MODELLED_RESOURCES)[number];

const KNOWN_BRANDS = ['native', 'solaris8', 'solaris9', 'lx', 'cluster'];

export function validZoneName(name: string): boolean {
  return name !== 'global' && name.length < 64 && /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name);
}

/** The in-progress resource of the resource scope; one shape per modelled type. */
type InProgress =
  | { res: 'fs'; v: FsResource }
  | { res: 'inherit-pkg-dir'; v: { dir: string } }
  | { res: 'net'; v: NetResource }
  | { res: 'device'; v: { match: string } }
  | { res: 'rctl'; v: RctlResource }
  | { res: 'attr'; v: { name: string; type: string; value: string } }
  | { res: 'dataset'; v: { name: string } };

function emptyResource(res: Res): InProgress {
  switch (res) {
    case 'fs':
      return { res, v: { dir: '', special: '', raw: '', type: '', options: [] } };
    case 'inherit-pkg-dir':
      return { res, v: { dir: '' } };
    case 'net':
      return { res, v: { address: '', physical: '', defrouter: '' } };
    case 'device':
      return { res, v: { match: '' } };
    case 'rctl':
      return { res, v: { name: '', values: [] } };
    case 'attr':
      return { res, v: { name: '', type: '', value: '' } };
    case 'dataset':
      return { res, v: { name: '' } };
  }
}

function listOf(config: ZoneConfig, res: Res): object[] {
  switch (res) {
    case 'fs':
      return config.fs;
    case 'inherit-pkg-dir':
      return config.inheritPkgDir;
    case 'net':
      return config.net;
    case 'device':
      return config.device;
    case 'rctl':
      return config.rctl;
    case 'attr':
      return config.attr;
    case 'dataset':
      return config.dataset;
  }
}

/** The properties a qualifier (select/remove/info ... prop=value) may name, per resource. */
const QUALIFIERS: Record<Res, string[]> = {
  fs: ['dir', 'special', 'raw', 'type'],
  'inherit-pkg-dir': ['dir'],
  net: ['address', 'physical', 'defrouter'],
  device: ['match'],
  rctl: ['name'],
  attr: ['name', 'type', 'value'],
  dataset: ['name'],
};

function fieldOf(res: Res, prop: string): string {
  return res === 'inherit-pkg-dir' ? 'dir' : prop;
}

function quoteit(s: string): string {
  return s.includes(' ') ? `"${s}"` : s;
}

/** Thrown by handlers that end the program on the spot (exit(Z_ERR) in the C code). */
class Exit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

class Session {
  private readonly execname: string;
  private zone: string;
  private revertZone: string;
  /** The name the configuration has on disk, or null while it is new. */
  private savedName: string | null = null;
  private handle: ZoneConfig | null = null;
  private gotHandle = false;
  private needToCommit = false;
  private sawError = false;
  private globalScope = true;
  private inProgress: InProgress | null = null;
  private old: object | null = null;
  private endOp: 'add' | 'select' | null = null;
  private timeToExit = false;
  private forceExit = false;
  private interactiveMode = false;
  private cmdFileMode = false;
  private cmdFileName = '';
  private line = 0;
  private lastErrLine = 0;

  constructor(
    private readonly ctx: SimContext,
    zone: string,
  ) {
    this.execname = path.basename(ctx.name);
    this.zone = zone;
    this.revertZone = zone;
  }

  // ---- output -------------------------------------------------------------------------

  /** zerr(): the "On line" prefix once per line in command-file mode. */
  private zerr(msg: string): void {
    if (this.cmdFileMode && this.line > this.lastErrLine) {
      this.ctx.err(this.cmdFileName === '-' ? `On line ${this.line}:\n` : `On line ${this.line} of ${this.cmdFileName}:\n`);
      this.lastErrLine = this.line;
    }
    this.ctx.err(msg + '\n');
  }

  private perror(prefix: string, err: string, setSaw = true): void {
    this.zerr(`${prefix}: ${err}`);
    if (setSaw) this.sawError = true;
  }

  private shortUsage(cmd: string): void {
    if (this.cmdFileMode) {
      this.ctx.err(this.cmdFileName === '-' ? `syntax error on line ${this.line}\n` : `syntax error on line ${this.line} of ${this.cmdFileName}\n`);
    }
    this.ctx.err(`usage:\n${SHORT_USAGE[cmd]}\n`);
    this.sawError = true;
  }

  private longUsage(cmd: string, setSaw: boolean): void {
    const text = `usage:\n${SHORT_USAGE[cmd]}\n\t${LONG_HELP[cmd]}\n`;
    if (setSaw) {
      this.ctx.err(text);
      this.sawError = true;
    } else {
      this.ctx.out(text);
    }
  }

  private longerUsage(cmd: string): void {
    this.longUsage(cmd, false);
    const flags = HELP_FLAGS[cmd];
    if (flags) {
      this.ctx.out('\n');
      if (flags.resources) this.ctx.out(RESOURCES_TEXT);
      if (flags.props) this.ctx.out(PROPS_TEXT);
    }
  }

  private scopeUsage(cmd: string): void {
    this.zerr(`The ${cmd} command only makes sense in the ${this.globalScope ? 'resource' : 'global'} scope.`);
    this.sawError = true;
  }

  /** Option parsing shared by the commands that take only flags. Returns null after a usage message. */
  private flags(cmd: ParsedCmd, optstring: string): Set<string> | null {
    const res = getopt(cmd.argv, optstring);
    if (res.bad) {
      if (res.bad.reason === 'help') this.longerUsage(cmd.name);
      else this.shortUsage(cmd.name);
      return null;
    }
    if (res.optind !== cmd.argv.length) {
      this.shortUsage(cmd.name);
      return null;
    }
    return new Set(res.opts.map((o) => o.opt));
  }

  // ---- state --------------------------------------------------------------------------

  private state(): ZoneState | undefined {
    return effectiveState(this.ctx.env, this.zone);
  }

  private stateAtLeast(s: ZoneState): boolean {
    const st = this.state();
    return st !== undefined && STATE_ORDER[st] >= STATE_ORDER[s];
  }

  private loadConfig(name: string): ZoneConfig | null {
    try {
      return readZoneConfig(this.ctx.env, name);
    } catch (err) {
      if (err instanceof InvalidZoneDocument) return null;
      throw err;
    }
  }

  /** initialize(): loads the zone's configuration on first use. */
  private initialize(handleExpected: boolean): boolean {
    if (this.handle) return true;
    const config = this.loadConfig(this.zone);
    if (config) {
      this.handle = config;
      this.savedName = this.zone;
      this.gotHandle = true;
      return true;
    }
    this.perror(this.zone, ERR.NO_ZONE, handleExpected || this.gotHandle);
    if (!this.gotHandle && this.interactiveMode) this.ctx.out("Use 'create' to begin configuring a new zone.\n");
    return false;
  }

  private readOnly(): boolean {
    if (this.zone.startsWith('SUNW')) {
      this.zerr(`${this.zone}: zones beginning with SUNW are read-only.`);
      this.sawError = true;
      return true;
    }
    return false;
  }

  // ---- driver -------------------------------------------------------------------------

  /** read_input() over a whole input; returns the exit status cleanup() gives. */
  runInput(text: string, opts: { fileMode: boolean; fileName: string; interactive: boolean; bailOnError: boolean }): number {
    this.cmdFileMode = opts.fileMode;
    this.cmdFileName = opts.fileName;
    this.interactiveMode = opts.interactive;
    try {
      if (opts.interactive && !opts.fileMode) this.initialize(false);
      for (const parsed of parseCommands(text)) {
        this.line = parsed.line;
        if (parsed.kind === 'syntax-error') {
          this.sawError = true;
          this.ctx.err(
            this.cmdFileMode ? `syntax error on line ${parsed.line} at '${parsed.at}'\n` : `syntax error at '${parsed.at}'\n`,
          );
          this.ctx.err(subcommandsText(false));
        } else if (parsed.kind === 'usage') {
          this.shortUsage(parsed.command);
          this.ctx.err('\n' + RESOURCES_TEXT + PROPS_TEXT);
        } else {
          this.dispatch(parsed.cmd);
        }
        if (this.sawError && opts.bailOnError) this.timeToExit = true;
        if (this.timeToExit) break;
      }
      return this.cleanup();
    } catch (err) {
      if (err instanceof Exit) return err.code;
      throw err;
    }
  }

  private cleanup(): number {
    if (!this.globalScope) {
      if (!this.timeToExit) {
        this.zerr('Resource incomplete.');
        return Z_ERR;
      }
      this.sawError = true;
    }
    if (this.needToCommit && this.handle) {
      this.commit({ name: 'commit', argv: [], resType: null, props: [] });
      if (this.needToCommit) {
        this.zerr('Configuration not saved.');
        return Z_ERR;
      }
    }
    return this.needToCommit || this.sawError ? Z_ERR : Z_OK;
  }

  private dispatch(cmd: ParsedCmd): void {
    switch (cmd.name) {
      case 'add':
        return this.add(cmd);
      case 'cancel':
        return this.cancel(cmd);
      case 'clear':
        return this.clear(cmd);
      case 'commit':
        return this.commit(cmd);
      case 'create':
        return this.create(cmd);
      case 'delete':
        return this.delete(cmd);
      case 'end':
        return this.end(cmd);
      case 'exit':
        return this.exit(cmd);
      case 'export':
        return this.export(cmd);
      case 'help':
        return this.help(cmd);
      case 'info':
        return this.info(cmd);
      case 'remove':
        return this.remove(cmd);
      case 'revert':
        return this.revert(cmd);
      case 'select':
        return this.select(cmd);
      case 'set':
        return this.set(cmd);
      case 'verify':
        return this.verify(cmd, false);
    }
  }

  // ---- create / delete / revert / exit --------------------------------------------------

  private create(cmd: ParsedCmd): void {
    const res = getopt(cmd.argv, '?a:bFt:');
    if (res.bad) {
      if (res.bad.reason === 'help') this.longerUsage('create');
      else this.shortUsage('create');
      return;
    }
    let template = 'SUNWdefault';
    let attachPath: string | null = null;
    let force = false;
    for (const { opt, arg } of res.opts) {
      if (opt === 'a') attachPath = arg;
      if (opt === 'b') template = 'SUNWblank';
      if (opt === 'F') force = true;
      if (opt === 't') template = arg;
    }
    if (res.optind !== cmd.argv.length) {
      this.shortUsage('create');
      return;
    }
    if (this.readOnly()) return;
    if (!this.checkIfZoneAlreadyExists(force)) return;

    let config: ZoneConfig;
    if (attachPath !== null) {
      const loaded = this.attachHandle(attachPath);
      if (loaded === null) return;
      config = loaded;
    } else {
      const tmpl = this.loadConfig(template);
      if (!tmpl) {
        this.perror(template, ERR.NO_ZONE);
        return;
      }
      config = { ...cloneConfig(tmpl), zonename: this.zone, zonepath: '' };
    }
    this.needToCommit = true;
    this.handle = config;
    this.gotHandle = true;
  }

  /**
   * zonecfg_get_attach_handle() for create -a: the configuration of a detached zone,
   * inventory dropped. Its two errors go straight to stderr without setting saw_error,
   * so the command still exits 0 (as zonecfg.c does).
   */
  private attachHandle(zonepath: string): ZoneConfig | null {
    const real = zonepath.startsWith('/') ? hostPath(this.ctx.env, zonepath) : zonepath;
    const manifest = path.join(real, DETACHED_MANIFEST);
    if (!fs.existsSync(path.join(real, 'root')) || !fs.existsSync(manifest)) {
      this.ctx.err('invalid path to detached zone\n');
      return null;
    }
    try {
      const { config } = parseManifest(fs.readFileSync(manifest, 'utf8'));
      return { ...config, zonename: this.zone, zonepath };
    } catch (err) {
      if (!(err instanceof InvalidZoneDocument)) throw err;
      this.ctx.err('Cannot attach to an earlier release of the operating system\n');
      return null;
    }
  }

  private checkIfZoneAlreadyExists(force: boolean): boolean {
    if (!this.loadConfig(this.zone)) return true;
    if (this.stateAtLeast('installed')) {
      this.zerr(`Zone ${this.zone} already installed; create not allowed.`);
      return false;
    }
    if (force) {
      this.ctx.out(`Zone ${this.zone} already exists; overwriting.\n`);
      return true;
    }
    // never a terminal to ask on in the simulator
    this.sawError = true;
    this.zerr('Zone exists, input not from terminal and -F not specified:\ncreate command ignored, exiting.');
    throw new Exit(Z_ERR);
  }

  private delete(cmd: ParsedCmd): void {
    const flags = this.flags(cmd, '?F');
    if (!flags) return;
    if (this.readOnly()) return;
    const force = flags.has('F');
    if (!force) {
      if (!this.initialize(true)) return;
      this.zerr('Input not from terminal and -F not specified:\ndelete command ignored, exiting.');
      throw new Exit(Z_ERR);
    }
    const env = this.ctx.env;
    const existed = withZonesLock(env, () => {
      const had = findIndexEntry(env, this.zone) !== undefined || this.loadConfig(this.zone) !== null;
      removeIndexEntry(env, this.zone);
      deleteZoneConfig(env, this.zone);
      return had;
    });
    if (!existed) this.perror(this.zone, ERR.NO_ZONE);
    this.needToCommit = false;
    if (this.gotHandle) {
      this.handle = null;
      this.savedName = null;
      this.gotHandle = false;
    }
  }

  private revert(cmd: ParsedCmd): void {
    const flags = this.flags(cmd, '?F');
    if (!flags) return;
    if (this.readOnly()) return;
    if (!this.handle) {
      this.zerr('No changes to revert.');
      this.sawError = true;
      return;
    }
    if (!flags.has('F')) {
      this.zerr('Input not from terminal and -F not specified:\nrevert command ignored, exiting.');
      throw new Exit(Z_ERR);
    }
    const config = this.loadConfig(this.revertZone);
    this.handle = config;
    this.gotHandle = config !== null;
    this.savedName = config ? this.revertZone : null;
    this.needToCommit = false;
    if (!config) {
      this.sawError = true;
      this.zerr(`${this.revertZone}: no such saved zone to revert to.`);
    }
    this.zone = this.revertZone;
  }

  private exit(cmd: ParsedCmd): void {
    const flags = this.flags(cmd, '?F');
    if (!flags) return;
    if (flags.has('F')) this.forceExit = true;
    if (this.globalScope || this.forceExit) {
      this.timeToExit = true;
      return;
    }
    this.zerr('Resource incomplete, input not from terminal and -F not specified:\nexit command ignored, but exiting anyway.');
    throw new Exit(Z_ERR);
  }

  // ---- add / select / end / cancel / remove ---------------------------------------------

  private resOf(name: string | null): Res | null {
    return name !== null && (MODELLED_RESOURCES as readonly string[]).includes(name) ? (name as Res) : null;
  }

  private add(cmd: ParsedCmd): void {
    const res = getopt(cmd.argv, '?');
    if (res.bad) {
      if (res.bad.reason === 'help') this.longerUsage('add');
      else this.shortUsage('add');
      return;
    }
    if (res.optind !== cmd.argv.length) {
      this.shortUsage('add');
      return;
    }
    if (this.readOnly()) return;
    if (!this.initialize(true)) return;
    if (!this.globalScope) {
      this.addProperty(cmd);
      return;
    }
    const type = this.resOf(cmd.resType);
    if (type === null) {
      this.perror(cmd.resType ?? '', ERR.NO_RESOURCE_TYPE);
      this.longUsage('add', true);
      this.ctx.err(RESOURCES_TEXT);
      return;
    }
    if (type === 'inherit-pkg-dir' && this.stateAtLeast('installed')) {
      this.zerr(`Zone ${this.zone} already installed; add inherit-pkg-dir not allowed.`);
      return;
    }
    this.globalScope = false;
    this.endOp = 'add';
    this.inProgress = emptyResource(type);
    this.old = null;
  }

  private addProperty(cmd: ParsedCmd): void {
    const prop = cmd.props[0];
    const ip = this.inProgress!;
    if (!prop) {
      this.longUsage('add', true);
      return;
    }
    if (ip.res === 'fs') {
      if (prop.name !== 'options') return this.noSuchProperty(prop.name, 'add');
      if (prop.value.kind === 'complex') {
        this.zerr('A simple or list value was expected here.');
        this.sawError = true;
        return;
      }
      const values = prop.value.kind === 'simple' ? [prop.value.value] : prop.value.items.flatMap((i) => (i.kind === 'simple' ? [i.value] : []));
      ip.v.options.push(...values);
      return;
    }
    if (ip.res === 'rctl') {
      if (prop.name !== 'value') return this.noSuchProperty(prop.name, 'add');
      if (prop.value.kind === 'simple') {
        this.zerr('A complex or list value was expected here.');
        this.sawError = true;
        return;
      }
      const complexes = prop.value.kind === 'complex' ? [prop.value.pairs] : prop.value.items.flatMap((i) => (i.kind === 'complex' ? [i.pairs] : []));
      for (const pairs of complexes) this.addRctlValue(ip.v, pairs);
      return;
    }
    this.perror(ip.res, ERR.NO_RESOURCE_TYPE);
    this.longUsage('add', true);
    this.ctx.err(RESOURCES_TEXT);
  }

  private addRctlValue(rctl: RctlResource, pairs: { name: string; value: string }[]): void {
    const v = { priv: '', limit: '', action: '' };
    for (const { name, value } of pairs) {
      if (name !== 'priv' && name !== 'limit' && name !== 'action') {
        this.perror('value', ERR.NO_PROPERTY_TYPE);
        this.longUsage('add', true);
        return;
      }
      if (v[name] !== '') {
        this.zerr(`${name} already specified`);
        return;
      }
      v[name] = value;
    }
    for (const k of ['priv', 'limit', 'action'] as const) if (v[k] === '') this.zerr(`${k} not specified`);
    if (v.priv === '' || v.limit === '' || v.action === '') return;
    const okPriv = ['basic', 'privileged', 'system'].includes(v.priv);
    const okAction = /^(none|deny|signal=\w+)$/.test(v.action);
    if (!okPriv || !okAction || !/^[0-9]+$/.test(v.limit)) {
      this.zerr('Invalid rctl value specification');
      return;
    }
    rctl.values.push(v);
  }

  private noSuchProperty(prop: string, cmd: string): void {
    this.perror(prop, ERR.NO_PROPERTY_TYPE);
    this.longUsage(cmd, true);
    this.ctx.err(PROPS_TEXT);
  }

  /** zonecfg_lookup_*(): exactly one resource whose given properties all match. */
  private lookup(res: Res, props: ParsedCmd['props']): { found: object } | { error: string } {
    const crit: [string, string][] = [];
    for (const p of props) {
      if (p.value.kind !== 'simple') {
        this.zerr('A simple value was expected here.');
        this.sawError = true;
        return { error: '' };
      }
      if (!QUALIFIERS[res].includes(p.name)) {
        this.perror(p.name, ERR.NO_PROPERTY_TYPE);
        return { error: '' };
      }
      crit.push([fieldOf(res, p.name), p.value.value]);
    }
    const matches = listOf(this.handle!, res).filter((r) =>
      crit.every(([k, v]) => v === '' || (r as Record<string, unknown>)[k] === v),
    );
    if (matches.length === 0) return { error: ERR.NO_RESOURCE_ID };
    if (matches.length > 1) return { error: ERR.INSUFFICIENT_SPEC };
    return { found: matches[0]! };
  }

  private select(cmd: ParsedCmd): void {
    if (this.readOnly()) return;
    if (!this.globalScope) {
      this.scopeUsage('select');
      return;
    }
    const type = this.resOf(cmd.resType);
    if (!this.initialize(true)) return;
    if (type === null) {
      this.perror(cmd.resType ?? '', ERR.NO_RESOURCE_TYPE);
      this.longUsage('select', true);
      this.ctx.err(RESOURCES_TEXT);
      return;
    }
    if (type === 'inherit-pkg-dir' && this.stateAtLeast('incomplete')) {
      this.zerr(`Zone ${this.zone} not in configured state; select inherit-pkg-dir not allowed.`);
      return;
    }
    const found = this.lookup(type, cmd.props);
    if ('error' in found) {
      if (found.error !== '') this.perror(`select ${type}`, found.error);
      return;
    }
    this.globalScope = false;
    this.endOp = 'select';
    this.old = found.found;
    this.inProgress = { res: type, v: structuredClone(found.found) } as InProgress;
  }

  private cancel(cmd: ParsedCmd): void {
    if (!this.flags(cmd, '?')) return;
    if (this.globalScope) this.scopeUsage('cancel');
    this.globalScope = true;
    this.inProgress = null;
    this.old = null;
    this.endOp = null;
  }

  private end(cmd: ParsedCmd): void {
    if (!this.flags(cmd, '?')) return;
    if (this.globalScope) {
      this.scopeUsage('end');
      return;
    }
    const ip = this.inProgress!;
    const config = this.handle!;
    let failed = false;
    const reqd = (value: string, prop: string): boolean => {
      if (value !== '') return true;
      failed = true;
      this.zerr(`${prop} not specified`);
      return false;
    };
    const duplicate = (res: Res, pred: (r: Record<string, unknown>) => boolean): boolean =>
      listOf(config, res).some((r) => r !== this.old && pred(r as Record<string, unknown>));
    switch (ip.res) {
      case 'fs':
        if (reqd(ip.v.dir, 'dir') && !ip.v.dir.startsWith('/')) {
          this.zerr(`dir ${ip.v.dir} is not an absolute path.`);
          failed = true;
        }
        reqd(ip.v.special, 'special');
        if (ip.v.raw !== '' && !ip.v.raw.startsWith('/')) {
          this.zerr(`raw ${ip.v.raw} is not an absolute path.`);
          failed = true;
        }
        reqd(ip.v.type, 'type');
        if (failed) break;
        if (this.endOp === 'add' && duplicate('fs', (r) => r.dir === ip.v.dir)) {
          this.zerr(`A fs resource with the dir '${ip.v.dir}' already exists.`);
          failed = true;
        }
        break;
      case 'inherit-pkg-dir':
        if (reqd(ip.v.dir, 'dir') && !ip.v.dir.startsWith('/')) {
          this.zerr(`dir ${ip.v.dir} is not an absolute path.`);
          failed = true;
        }
        if (failed) break;
        if (this.endOp === 'add' && duplicate('inherit-pkg-dir', (r) => r.dir === ip.v.dir)) {
          this.zerr(`An inherit-pkg-dir resource with the dir '${ip.v.dir}' already exists.`);
          failed = true;
        }
        break;
      case 'net':
        reqd(ip.v.physical, 'physical');
        if (failed) break;
        if (this.endOp === 'add' && duplicate('net', (r) => r.physical === ip.v.physical && r.address === ip.v.address)) {
          this.zerr(`A net resource with the physical '${ip.v.physical}', and address '${ip.v.address}' already exists.`);
          failed = true;
        }
        break;
      case 'device':
        reqd(ip.v.match, 'match');
        if (failed) break;
        if (this.endOp === 'add' && duplicate('device', (r) => r.match === ip.v.match)) {
          this.zerr(`A device resource with the match '${ip.v.match}' already exists.`);
          failed = true;
        }
        break;
      case 'rctl':
        reqd(ip.v.name, 'name');
        if (ip.v.values.length === 0) {
          this.zerr('no value specified');
          failed = true;
        }
        if (failed) break;
        if (this.endOp === 'add' && duplicate('rctl', (r) => r.name === ip.v.name)) {
          this.zerr(`A rctl resource with the name '${ip.v.name}' already exists.`);
          failed = true;
        }
        break;
      case 'attr':
        reqd(ip.v.name, 'name');
        reqd(ip.v.type, 'type');
        reqd(ip.v.value, 'value');
        if (!this.validAttr(ip.v)) failed = true;
        if (failed) break;
        if (this.endOp === 'add' && duplicate('attr', (r) => r.name === ip.v.name)) {
          this.zerr(`An attr resource with the name '${ip.v.name}' already exists.`);
          failed = true;
        }
        break;
      case 'dataset':
        if (ip.v.name === '') {
          this.zerr('name not specified');
          failed = true;
          break;
        }
        if (this.endOp === 'add' && duplicate('dataset', (r) => r.name === ip.v.name)) {
          this.zerr(`A dataset resource with the name '${ip.v.name}' already exists.`);
          failed = true;
        }
        break;
    }
    if (failed) {
      this.sawError = true;
      return;
    }
    const list = listOf(config, ip.res) as object[];
    if (this.endOp === 'select' && this.old) list.splice(list.indexOf(this.old), 1, ip.v);
    else list.push(ip.v);
    this.needToCommit = true;
    this.globalScope = true;
    this.inProgress = null;
    this.old = null;
    this.endOp = null;
  }

  private validAttr(v: { name: string; type: string; value: string }): boolean {
    if (v.name !== '' && !/^[A-Za-z0-9]/.test(v.name)) {
      this.zerr(`Invalid attr name ${v.name}: must start with an alpha-numeric character.`);
      return false;
    }
    if (v.name !== '' && !/^.[A-Za-z0-9.-]*$/.test(v.name)) {
      this.zerr(`Invalid attr name ${v.name}: can only contain alpha-numeric characters, plus '-' and '.'.`);
      return false;
    }
    const checks: Record<string, RegExp> = { boolean: /^(true|false)$/, int: /^-?[0-9]+$/, uint: /^[0-9]+$/, string: /^.*$/ };
    const re = checks[v.type];
    if (!re) {
      this.zerr(`invalid attr type '${v.type}'`);
      return false;
    }
    if (!re.test(v.value)) {
      this.zerr(`invalid attr value for type=${v.type}`);
      return false;
    }
    return true;
  }

  private remove(cmd: ParsedCmd): void {
    if (this.readOnly()) return;
    if (!this.globalScope) {
      this.removeProperty(cmd);
      return;
    }
    const res = getopt(cmd.argv, '?F');
    if (res.bad) {
      if (res.bad.reason === 'help') this.longerUsage('remove');
      else this.shortUsage('remove');
      return;
    }
    const force = res.opts.some((o) => o.opt === 'F');
    if (!this.initialize(true)) return;
    const type = this.resOf(cmd.resType);
    if (type === null) {
      this.perror(cmd.resType ?? '', ERR.NO_RESOURCE_TYPE);
      this.longUsage('remove', true);
      this.ctx.err(RESOURCES_TEXT);
      return;
    }
    if (type === 'inherit-pkg-dir' && this.stateAtLeast('installed')) {
      this.zerr(`Zone ${this.zone} already installed; remove inherit-pkg-dir not allowed.`);
      return;
    }
    const list = listOf(this.handle!, type) as object[];
    if (cmd.props.length > 0) {
      const found = this.lookup(type, cmd.props);
      if ('error' in found) {
        if (found.error !== '') this.perror(`remove ${type}`, found.error);
        return;
      }
      list.splice(list.indexOf(found.found), 1);
      this.needToCommit = true;
      return;
    }
    if (list.length === 0) {
      this.perror(`remove ${type}`, ERR.NO_ENTRY);
      return;
    }
    if (list.length > 1 && !force) {
      this.zerr(
        'There are multiple instances of this resource.  Either qualify the resource to\n' +
          'remove a single instance or use the -F option to remove all instances.',
      );
      this.sawError = true;
      return;
    }
    list.splice(0, list.length);
    this.needToCommit = true;
  }

  private removeProperty(cmd: ParsedCmd): void {
    const ip = this.inProgress!;
    const prop = cmd.props[0];
    if (!prop) {
      this.longUsage('remove', true);
      return;
    }
    if (!this.initialize(true)) return;
    if (ip.res === 'fs' && prop.name === 'options') {
      if (prop.value.kind === 'complex') {
        this.zerr('A simple or list value was expected here.');
        this.sawError = true;
        return;
      }
      const values = prop.value.kind === 'simple' ? [prop.value.value] : prop.value.items.flatMap((i) => (i.kind === 'simple' ? [i.value] : []));
      for (const v of values) {
        const at = ip.v.options.indexOf(v);
        if (at < 0) this.perror('options', ERR.NO_PROPERTY_ID);
        else ip.v.options.splice(at, 1);
      }
      return;
    }
    if (ip.res === 'rctl' && prop.name === 'value') {
      if (prop.value.kind !== 'complex') {
        this.zerr('A complex value was expected here.');
        this.sawError = true;
        return;
      }
      const want = Object.fromEntries(prop.value.pairs.map((p) => [p.name, p.value]));
      const at = ip.v.values.findIndex((v) => v.priv === want.priv && v.limit === want.limit && v.action === want.action);
      if (at < 0) this.perror('value', ERR.NO_PROPERTY_ID);
      else ip.v.values.splice(at, 1);
      return;
    }
    if (ip.res === 'net' && prop.name === 'defrouter') {
      ip.v.defrouter = '';
      return;
    }
    this.noSuchProperty(prop.name, 'remove');
  }

  // ---- set / clear --------------------------------------------------------------------

  private set(cmd: ParsedCmd): void {
    if (this.readOnly()) return;
    const opts = getopt(cmd.argv, 'F');
    if (opts.bad || (cmd.argv.length > 0 && cmd.props.length === 0)) {
      if (opts.bad?.optopt === '?') this.longerUsage('set');
      else this.shortUsage('set');
      return;
    }
    const forceSet = opts.opts.some((o) => o.opt === 'F');
    const prop = cmd.props[0]!;
    const global = (GLOBAL_PROPERTIES as readonly string[]).includes(prop.name);
    if (this.globalScope && !global) {
      this.zerr('Cannot set a resource-specific property from the global scope.');
      this.sawError = true;
      return;
    }
    if (forceSet) {
      this.zerr(this.globalScope && prop.name === 'zonepath' ? 'Zonepath is changeable only in an alternate root.' : 'Only zonepath setting can be forced.');
      this.sawError = true;
      return;
    }
    const listOk = !this.globalScope && ((this.inProgress!.res === 'fs' && prop.name === 'options') || (this.inProgress!.res === 'rctl' && prop.name === 'value'));
    if (!listOk && prop.value.kind !== 'simple') {
      this.zerr('A simple value was expected here.');
      this.sawError = true;
      return;
    }
    const value = prop.value.kind === 'simple' ? prop.value.value : '';

    if (this.globalScope && prop.name === 'zonename' && !this.gotHandle && !this.stateAtLeast('configured')) {
      if (!validZoneName(value)) {
        this.perror(value, ERR.BOGUS_ZONE_NAME);
        this.ctx.err(syntaxText(false));
        return;
      }
      this.zone = value;
      return;
    }
    if (!this.initialize(true)) return;
    if (this.globalScope) this.setGlobal(prop.name, value);
    else this.setResourceProperty(prop.name, prop.value, value);
  }

  private setGlobal(prop: string, value: string): void {
    const config = this.handle!;
    const changed = (): void => {
      this.needToCommit = true;
    };
    switch (prop) {
      case 'zonename':
        if (!validZoneName(value)) {
          this.perror(value, ERR.BOGUS_ZONE_NAME);
          this.ctx.err(syntaxText(false));
          return;
        }
        if (this.stateAtLeast('installed')) {
          this.perror(value, ERR.BAD_ZONE_STATE);
          return;
        }
        if (value !== this.zone && this.loadConfig(value)) {
          this.perror(value, 'Zone name already in use');
          return;
        }
        config.zonename = value;
        this.zone = value;
        return changed();
      case 'zonepath':
        if (this.stateAtLeast('installed')) {
          // zonecfg.c reports this without setting saw_error: the exit status stays 0
          this.zerr(`Zone ${this.zone} already installed; set zonepath not allowed.`);
          return;
        }
        if (!value.startsWith('/')) {
          this.zerr(`${value} is not an absolute path.`);
          this.sawError = true;
          return;
        }
        if (value === '/') {
          this.zerr('/ is not allowed as a zonepath.');
          this.sawError = true;
          return;
        }
        config.zonepath = value;
        return changed();
      case 'brand':
        if (this.stateAtLeast('installed')) {
          this.zerr(`Zone ${this.zone} already installed; set brand not allowed.`);
          return;
        }
        if (!KNOWN_BRANDS.includes(value)) {
          this.perror(this.zone, 'Brand-specific error');
          return;
        }
        config.brand = value;
        return changed();
      case 'autoboot':
        if (value !== 'true' && value !== 'false') {
          this.zerr("autoboot value must be 'true' or 'false'.");
          this.sawError = true;
          return;
        }
        config.autoboot = value === 'true';
        return changed();
      case 'pool':
        if (value.startsWith('SUNW')) {
          this.zerr('pool names starting with SUNW are reserved.');
          this.sawError = true;
          return;
        }
        config.pool = value;
        return changed();
      case 'limitpriv':
        config.limitpriv = value;
        return changed();
      case 'bootargs':
        config.bootargs = value;
        return changed();
      case 'scheduling-class':
        config.schedulingClass = value;
        return changed();
      case 'ip-type':
        if (value !== 'shared' && value !== 'exclusive') {
          this.zerr("ip-type value must be 'shared' or 'exclusive'.");
          this.sawError = true;
          return;
        }
        config.ipType = value;
        return changed();
      default: {
        const alias = RCTL_ALIASES[prop]!;
        const limit = prop === 'max-shm-memory' ? memoryLimit(value) : /^[0-9]+$/.test(value) ? value : null;
        if (limit === null) {
          this.zerr(
            prop === 'max-shm-memory'
              ? 'A non-negative number with a required scale suffix (K, M, G or T) was expected\nhere.'
              : `${prop} property is out of range.`,
          );
          this.sawError = true;
          return;
        }
        const existing = config.rctl.find((r) => r.name === alias.rctl);
        const values = [{ priv: 'privileged', limit, action: alias.action }];
        if (existing) existing.values = values;
        else config.rctl.push({ name: alias.rctl, values });
        return changed();
      }
    }
  }

  private setResourceProperty(prop: string, raw: PropValue, value: string): void {
    const ip = this.inProgress!;
    const bad = (): void => this.noSuchProperty(prop, 'set');
    switch (ip.res) {
      case 'fs':
        if (prop === 'dir' || prop === 'special' || prop === 'raw') ip.v[prop] = value;
        else if (prop === 'type') {
          if (value.includes('/') || value === '.' || value === '..' || value === '') {
            this.zerr(`"${value}" is not a valid type.`);
            this.sawError = true;
            return;
          }
          ip.v.type = value;
        } else if (prop === 'options') {
          ip.v.options = [];
          if (!(raw.kind === 'list' && raw.items.length === 0)) {
            const values = raw.kind === 'simple' ? [raw.value] : raw.kind === 'list' ? raw.items.flatMap((i) => (i.kind === 'simple' ? [i.value] : [])) : [];
            ip.v.options.push(...values);
          }
        } else return bad();
        return;
      case 'inherit-pkg-dir':
        if (prop !== 'dir') return bad();
        ip.v.dir = value;
        return;
      case 'net':
        if (prop === 'address' || prop === 'defrouter') {
          if (!this.validNetAddress(value)) {
            this.sawError = true;
            return;
          }
          ip.v[prop] = value;
        } else if (prop === 'physical') {
          if (value.includes(':')) {
            this.zerr(`${value}: physical interface name required; logical interface name not allowed`);
            this.sawError = true;
            return;
          }
          ip.v.physical = value;
        } else return bad();
        return;
      case 'device':
        if (prop !== 'match') return bad();
        ip.v.match = value;
        return;
      case 'rctl':
        if (prop === 'name') {
          if (!/^zone\.[a-z-]+$/.test(value)) {
            this.zerr(`'${value}' is not a valid zone rctl name.`);
            return;
          }
          ip.v.name = value;
        } else if (prop === 'value') {
          if (raw.kind === 'simple') {
            this.zerr('A complex or list value was expected here.');
            this.sawError = true;
            return;
          }
          ip.v.values = [];
          const complexes = raw.kind === 'complex' ? [raw.pairs] : raw.items.flatMap((i) => (i.kind === 'complex' ? [i.pairs] : []));
          for (const pairs of complexes) this.addRctlValue(ip.v, pairs);
        } else return bad();
        return;
      case 'attr':
        if (prop !== 'name' && prop !== 'type' && prop !== 'value') return bad();
        ip.v[prop] = value;
        return;
      case 'dataset':
        if (prop !== 'name') return bad();
        ip.v.name = value;
        return;
    }
  }

  /** validate_net_address_syntax(). */
  private validNetAddress(address: string): boolean {
    const slash = address.indexOf('/');
    const part1 = slash < 0 ? address : address.slice(0, slash);
    const prefix = slash < 0 ? null : Number.parseInt(address.slice(slash + 1), 10) || 0;
    if (part1.includes(':')) {
      if (prefix === null) {
        this.zerr(`${address}: IPv6 addresses require /prefix-length suffix.`);
        return false;
      }
      if (prefix < 0 || prefix > 128) {
        this.zerr(`${address}: IPv6 address prefix lengths must be 0 - 128.`);
        return false;
      }
      return true;
    }
    if (prefix !== null && (prefix < 0 || prefix > 32)) {
      this.zerr(`${address}: IPv4 address prefix lengths must be 0 - 32.`);
      return false;
    }
    if (/^[0-9]+(\.[0-9]+){3}$/.test(part1) && part1.split('.').every((o) => Number(o) <= 255)) return true;
    if (!/^[A-Za-z0-9][A-Za-z0-9.-]*$/.test(part1)) {
      this.zerr(`${part1}: bogus host name or network address syntax`);
      return false;
    }
    return true;
  }

  private clear(cmd: ParsedCmd): void {
    if (this.readOnly()) return;
    const prop = cmd.resType;
    if (prop === null) {
      this.longUsage('clear', true);
      return;
    }
    if (!this.initialize(true)) return;
    const config = this.handle!;
    if (!this.globalScope) {
      const ip = this.inProgress!;
      if (ip.res === 'fs' && prop === 'raw') {
        ip.v.raw = '';
        this.needToCommit = true;
        return;
      }
      this.perror(prop, ERR.CLEAR_DISALLOW);
      return;
    }
    switch (prop) {
      case 'zonename':
      case 'zonepath':
      case 'brand':
        this.perror(prop, ERR.CLEAR_DISALLOW);
        return;
      case 'autoboot':
        config.autoboot = false;
        break;
      case 'pool':
        config.pool = '';
        break;
      case 'limitpriv':
        config.limitpriv = '';
        break;
      case 'bootargs':
        config.bootargs = '';
        break;
      case 'scheduling-class':
        config.schedulingClass = '';
        break;
      case 'ip-type':
        config.ipType = 'shared';
        break;
      default: {
        const alias = RCTL_ALIASES[prop];
        if (!alias) {
          this.noSuchProperty(prop, 'clear');
          return;
        }
        const at = config.rctl.findIndex((r) => r.name === alias.rctl);
        if (at < 0) {
          this.zerr(`clear ${prop}: ${ERR.NO_ENTRY}`);
          this.sawError = true;
          return;
        }
        config.rctl.splice(at, 1);
      }
    }
    this.needToCommit = true;
  }

  // ---- verify / commit ----------------------------------------------------------------

  private commit(cmd: ParsedCmd): void {
    if (!this.flags(cmd, '?')) return;
    if (this.readOnly()) return;
    this.verify(cmd, true);
  }

  /** verify_func(): required properties; with save, writes the configuration. */
  private verify(cmd: ParsedCmd, save: boolean): void {
    if (!save && !this.flags(cmd, '?')) return;
    if (this.readOnly()) return;
    if (!this.initialize(true)) return;
    const config = this.handle!;
    let ret: string | null = null;
    const fail = (msg: string, code: string): void => {
      this.zerr(msg);
      this.sawError = true;
      if (ret === null) ret = code;
    };
    if (config.zonepath === '') fail('zonepath cannot be empty.', ERR.REQD_RESOURCE_MISSING);
    const reqd = (value: string, res: string, prop: string): void => {
      if (value === '') fail(`${res}: ${prop} not specified`, ERR.REQD_PROPERTY_MISSING);
    };
    for (const r of config.inheritPkgDir) reqd(r.dir, 'inherit-pkg-dir', 'dir');
    for (const r of config.fs) {
      reqd(r.dir, 'fs', 'dir');
      reqd(r.special, 'fs', 'special');
      reqd(r.type, 'fs', 'type');
    }
    for (const r of config.net) {
      reqd(r.physical, 'net', 'physical');
      if (config.ipType === 'shared') reqd(r.address, 'net', 'address');
      else {
        if (r.address !== '') fail('net: address cannot be specified for an exclusive IP type', ERR.INVAL);
        if (r.defrouter !== '') fail('net: defrouter cannot be specified for an exclusive IP type', ERR.INVAL);
      }
    }
    for (const r of config.rctl) {
      reqd(r.name, 'rctl', 'name');
      if (r.values.length === 0) fail('rctl: no value specified', ERR.REQD_PROPERTY_MISSING);
    }
    for (const r of config.attr) {
      reqd(r.name, 'attr', 'name');
      reqd(r.type, 'attr', 'type');
      reqd(r.value, 'attr', 'value');
    }
    for (const r of config.dataset) if (r.name === '') fail('dataset: name not specified', ERR.REQD_PROPERTY_MISSING);
    if (!this.globalScope) fail('resource specification incomplete', ERR.INSUFFICIENT_SPEC);
    if (save) {
      if (ret === null) {
        this.save();
        this.needToCommit = false;
        this.revertZone = this.zone;
      } else {
        this.zerr(`Zone ${this.zone} failed to verify`);
      }
    }
    if (ret !== null) this.perror(this.zone, ret);
  }

  /** zonecfg_save(): the XML file and the index entry, renamed or moved as needed. */
  private save(): void {
    const env = this.ctx.env;
    const config = this.handle!;
    withZonesLock(env, () => {
      writeZoneConfig(env, config);
      if (this.savedName !== null && this.savedName !== config.zonename) {
        const from = this.savedName;
        updateZoneIndex(env, (entries) => {
          const e = entries.find((x) => x.name === from);
          if (e) {
            e.name = config.zonename;
            e.zonepath = config.zonepath;
          }
        });
        deleteZoneConfig(env, from);
      } else {
        addIndexEntry(env, config.zonename, config.zonepath);
      }
    });
    this.savedName = config.zonename;
  }

  // ---- export / info / help -----------------------------------------------------------

  private export(cmd: ParsedCmd): void {
    const res = getopt(cmd.argv, '?f:');
    if (res.bad) {
      if (res.bad.reason === 'help') this.longerUsage('export');
      else this.shortUsage('export');
      return;
    }
    if (res.optind !== cmd.argv.length) {
      this.shortUsage('export');
      return;
    }
    const outfile = res.opts.find((o) => o.opt === 'f')?.arg ?? '';
    if (!this.initialize(true)) return;
    const text = exportConfig(this.handle!);
    if (outfile === '') {
      this.ctx.out(text);
      return;
    }
    try {
      fs.writeFileSync(resolveWritePath(this.ctx.env, outfile), text);
    } catch (err) {
      this.zerr(`opening file ${outfile}: ${errnoText(err)}`);
    }
  }

  private info(cmd: ParsedCmd): void {
    if (!this.initialize(true)) return;
    const config = this.handle!;
    if (!this.globalScope) {
      this.ctx.out(infoResource(this.inProgress!));
      return;
    }
    if (cmd.resType === null) {
      if (cmd.argv.length > 0) {
        this.perror(cmd.argv[0]!, ERR.NO_RESOURCE_TYPE);
        return;
      }
      this.ctx.out(infoAll(config));
      return;
    }
    const type = this.resOf(cmd.resType);
    if (type !== null) {
      const crit = cmd.props.filter((p) => p.value.kind === 'simple').map((p) => [fieldOf(type, p.name), (p.value as { value: string }).value] as const);
      const matches = listOf(config, type).filter((r) => crit.every(([k, v]) => v === '' || (r as Record<string, unknown>)[k] === v));
      this.ctx.out(matches.map((r) => infoResource({ res: type, v: r } as InProgress)).join(''));
      if (matches.length === 0 && cmd.props.length > 0) this.ctx.out(`No such ${type} resource.\n`);
      return;
    }
    const line = infoGlobal(config, cmd.resType);
    if (line === null) this.perror(cmd.resType, ERR.NO_RESOURCE_TYPE);
    else this.ctx.out(line);
  }

  private help(cmd: ParsedCmd): void {
    const topic = cmd.argv[0];
    if (topic === undefined) {
      this.ctx.out(this.globalScope ? subcommandsText(true) : resourceScopeText(this.inProgress!.res));
      return;
    }
    if (topic === 'usage') return this.ctx.out(usageText(this.execname));
    if (topic === 'commands') return this.ctx.out(subcommandsText(true));
    if (topic === 'syntax') return this.ctx.out(syntaxText(true) + RESOURCES_TEXT + PROPS_TEXT);
    if (topic === '-?') return this.longerUsage('help');
    if (SHORT_USAGE[topic] !== undefined) return this.longerUsage(topic);
    this.ctx.err(`Unknown help subject ${topic}.  ` + META_TEXT);
  }
}

/** max-shm-memory takes a scale suffix; the rctl stores bytes. */
function memoryLimit(value: string): string | null {
  const m = /^([0-9]+)([KMGT])$/i.exec(value);
  if (!m) return null;
  const scale = { K: 1n << 10n, M: 1n << 20n, G: 1n << 30n, T: 1n << 40n }[m[2]!.toUpperCase() as 'K' | 'M' | 'G' | 'T'];
  return (BigInt(m[1]!) * scale).toString();
}

/** An aliased rctl is shown as such only when it has the single value the alias sets. */
function aliasValue(config: ZoneConfig, alias: string): string | null {
  const { rctl, action } = RCTL_ALIASES[alias]!;
  const r = config.rctl.find((x) => x.name === rctl);
  if (!r || r.values.length !== 1 || r.values[0]!.priv !== 'privileged' || r.values[0]!.action !== action) return null;
  return r.values[0]!.limit;
}

function bytesToUnits(num: bigint): string {
  if (num < 1024n) return num.toString();
  const units = 'BKMGT';
  let up = 0;
  let save = 0n;
  while (num >= 1024n && units[up] !== 'T') {
    up += 1;
    save = num;
    num = (num + 512n) >> 10n;
  }
  if (save % 1024n !== 0n && save >> 10n < 10n) return `${(Number(save) / 1024).toFixed(1)}${units[up]}`;
  return `${num}${units[up]}`;
}

/** export_func(): a command file that recreates the configuration (reference 2.4). */
export function exportConfig(c: ZoneConfig): string {
  const lines = ['create -b'];
  const prop = (name: string, value: string): void => {
    if (value !== '') lines.push(`set ${name}=${quoteit(value)}`);
  };
  if (c.zonepath !== '') lines.push(`set zonepath=${c.zonepath}`);
  if (c.brand !== NATIVE_BRAND) lines.push(`set brand=${c.brand}`);
  lines.push(`set autoboot=${c.autoboot ? 'true' : 'false'}`);
  if (c.bootargs !== '') lines.push(`set bootargs=${c.bootargs}`);
  if (c.pool !== '') lines.push(`set pool=${c.pool}`);
  if (c.limitpriv !== '') lines.push(`set limitpriv=${c.limitpriv}`);
  if (c.schedulingClass !== '') lines.push(`set scheduling-class=${c.schedulingClass}`);
  lines.push(`set ip-type=${c.ipType}`);
  for (const r of c.inheritPkgDir) {
    lines.push('add inherit-pkg-dir');
    prop('dir', r.dir);
    lines.push('end');
  }
  for (const r of c.fs) {
    lines.push('add fs');
    prop('dir', r.dir);
    prop('special', r.special);
    prop('raw', r.raw);
    prop('type', r.type);
    for (const o of r.options) lines.push(o.includes('=') ? `add options "${o}"` : `add options ${o}`);
    lines.push('end');
  }
  for (const r of c.net) {
    lines.push('add net');
    prop('address', r.address);
    prop('physical', r.physical);
    prop('defrouter', r.defrouter);
    lines.push('end');
  }
  for (const r of c.device) {
    lines.push('add device');
    prop('match', r.match);
    lines.push('end');
  }
  for (const r of c.rctl) {
    lines.push('add rctl');
    prop('name', r.name);
    for (const v of r.values) lines.push(`add value (priv=${v.priv},limit=${v.limit},action=${v.action})`);
    lines.push('end');
  }
  for (const r of c.attr) {
    lines.push('add attr');
    prop('name', r.name);
    prop('type', r.type);
    prop('value', r.value);
    lines.push('end');
  }
  for (const r of c.dataset) {
    lines.push('add dataset');
    prop('name', r.name);
    lines.push('end');
  }
  return lines.map((l) => l + '\n').join('');
}

function infoProp(name: string, value: string): string {
  return value !== '' ? `\t${name}: ${quoteit(value)}\n` : `\t${name} not specified\n`;
}

function infoResource(ip: InProgress): string {
  switch (ip.res) {
    case 'fs': {
      const opts = ip.v.options.map((o) => (o.includes('=') ? `"${o}"` : o)).join(',');
      return 'fs:\n' + infoProp('dir', ip.v.dir) + infoProp('special', ip.v.special) + infoProp('raw', ip.v.raw) + infoProp('type', ip.v.type) + `\toptions: [${opts}]\n`;
    }
    case 'inherit-pkg-dir':
      return 'inherit-pkg-dir:\n' + infoProp('dir', ip.v.dir);
    case 'net':
      return 'net:\n' + infoProp('address', ip.v.address) + infoProp('physical', ip.v.physical) + infoProp('defrouter', ip.v.defrouter);
    case 'device':
      return 'device:\n' + infoProp('match', ip.v.match);
    case 'rctl':
      return (
        'rctl:\n' +
        infoProp('name', ip.v.name) +
        ip.v.values.map((v) => `\tvalue: (priv=${v.priv},limit=${v.limit},action=${v.action})\n`).join('')
      );
    case 'attr':
      return 'attr:\n' + infoProp('name', ip.v.name) + infoProp('type', ip.v.type) + infoProp('value', ip.v.value);
    case 'dataset':
      return 'dataset:\n' + infoProp('name', ip.v.name);
  }
}

function infoAlias(c: ZoneConfig, alias: string): string {
  const v = aliasValue(c, alias);
  if (v === null) return '';
  return alias === 'max-shm-memory' ? `[${alias}: ${bytesToUnits(BigInt(v))}]\n` : `[${alias}: ${v}]\n`;
}

function infoGlobal(c: ZoneConfig, prop: string): string | null {
  switch (prop) {
    case 'zonename':
      return `zonename: ${c.zonename}\n`;
    case 'zonepath':
      return `zonepath: ${c.zonepath}\n`;
    case 'brand':
      return `brand: ${c.brand}\n`;
    case 'autoboot':
      return `autoboot: ${c.autoboot ? 'true' : 'false'}\n`;
    case 'bootargs':
      return `bootargs: ${c.bootargs}\n`;
    case 'pool':
      return `pool: ${c.pool}\n`;
    case 'limitpriv':
      return `limitpriv: ${c.limitpriv}\n`;
    case 'scheduling-class':
      return `scheduling-class: ${c.schedulingClass}\n`;
    case 'ip-type':
      return `ip-type: ${c.ipType}\n`;
    default:
      return RCTL_ALIASES[prop] ? infoAlias(c, prop) : null;
  }
}

/** info_func() with no argument (reference 2.5). */
export function infoAll(c: ZoneConfig): string {
  const each = <T,>(list: T[], res: Res): string => list.map((v) => infoResource({ res, v } as InProgress)).join('');
  return (
    ['zonename', 'zonepath', 'brand', 'autoboot', 'bootargs', 'pool', 'limitpriv', 'scheduling-class', 'ip-type']
      .map((p) => infoGlobal(c, p)!)
      .join('') +
    Object.keys(RCTL_ALIASES)
      .map((a) => infoAlias(c, a))
      .join('') +
    each(c.inheritPkgDir, 'inherit-pkg-dir') +
    each(c.fs, 'fs') +
    each(c.net, 'net') +
    each(c.device, 'device') +
    each(c.attr, 'attr') +
    each(c.dataset, 'dataset') +
    each(c.rctl, 'rctl')
  );
}

// ---------------------------------------------------------------------------------------

function main(ctx: SimContext): number {
  const execname = path.basename(ctx.name);
  const argv = ctx.argv;
  if (argv.length < 1) {
    ctx.err(usageText(execname) + subcommandsText(false));
    return Z_USAGE;
  }
  if (argv[0] === 'help') {
    new Session(ctx, '').runInput(argv.join(' ') + '\n', { fileMode: false, fileName: '', interactive: false, bailOnError: false });
    return Z_OK;
  }
  const res = getopt(argv, '?f:R:z:');
  if (res.bad) {
    if (res.bad.reason === 'help') ctx.out(usageText(execname) + subcommandsText(true));
    else ctx.err(usageText(execname));
    return Z_USAGE;
  }
  let zone = '';
  let cmdFile: string | null = null;
  let altRoot: string | null = null;
  for (const { opt, arg } of res.opts) {
    if (opt === 'f') cmdFile = arg;
    if (opt === 'R') {
      if (!arg.startsWith('/')) {
        ctx.err(`root path must be absolute: ${arg}\n`);
        return Z_USAGE;
      }
      altRoot = arg;
    }
    if (opt === 'z') {
      if (arg !== 'global' && !validZoneName(arg) && !TEMPLATES[arg]) {
        ctx.err(`${arg}: ${ERR.BOGUS_ZONE_NAME}\n` + syntaxText(false));
        return Z_USAGE;
      }
      zone = arg;
    }
  }
  if (zone === '') {
    ctx.err(usageText(execname));
    return Z_USAGE;
  }
  if (altRoot !== null) {
    // a host root holds one Solaris tree; there is no second image to point -R at. The
    // usage checks above still come first, as they do for a real alternate root.
    ctx.err(`${altRoot}: zonecfg -R is not supported by the simulator\n`);
    return Z_ERR;
  }
  if (zone === 'global') {
    // the global zone's own resource settings are not part of the simulated lab
    ctx.err('global: zonecfg -z global is not supported by the simulator\n');
    return Z_ERR;
  }
  const session = new Session(ctx, zone);
  const operands = argv.slice(res.optind);
  if (operands.length > 0) {
    return session.runInput(operands.join(' ') + '\n', { fileMode: false, fileName: '', interactive: false, bailOnError: false });
  }
  if (cmdFile === null) {
    // no terminal in the simulator: interactive mode reads commands from stdin
    return session.runInput(ctx.readStdin(), { fileMode: false, fileName: '', interactive: true, bailOnError: false });
  }
  if (cmdFile === '-') {
    return session.runInput(ctx.readStdin(), { fileMode: true, fileName: '-', interactive: true, bailOnError: false });
  }
  const file = resolveReadPath(ctx.env, cmdFile);
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (err) {
    ctx.err(`could not open file ${cmdFile}: ${errnoText(err)}\n`);
    return Z_ERR;
  }
  if (!st.isFile()) {
    ctx.err(`${cmdFile} is not a regular file.\n`);
    return Z_ERR;
  }
  return session.runInput(fs.readFileSync(file, 'utf8'), { fileMode: true, fileName: cmdFile, interactive: false, bailOnError: true });
}

export const zonecfg: SimCommand = (ctx) => main(ctx);
