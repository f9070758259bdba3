// zonecfg: argument vectors, the `export` parser, the host-remap command file and the
// failure classifier. PURE: no I/O.
// Reference: shared/reference/solaris-commands.md section 2 (cited below as "ref 2.x").
import { TwinzoneError } from '../../shared/errors/twinzone-error.js';
import { pathProblem } from '../../shared/validate/paths.js';
import type { Classified } from '../ops/command-errors.js';
import { completeLines, quoteLine, unreadableOutput } from './command-output.js';
import type { RunResult } from '../platform/command-runner.js';

export interface ZoneFs {
  dir: string;
  special: string;
  raw: string;
  type: string;
  options: string[];
}

export interface ZoneNet {
  address: string;
  physical: string;
  defrouter: string;
}

export interface ZoneAttr {
  name: string;
  type: string;
  value: string;
}

/** The zone configuration as agent.proto's ZoneConfig carries it. */
export interface ZoneConfig {
  zonepath: string;
  /** "native" when export prints no brand (ref 2.4 line 3). */
  brand: string;
  autoboot: boolean;
  /** As export prints it: "shared" or "exclusive" (ref 2.4 line 9). */
  ipType: string;
  bootargs: string;
  pool: string;
  limitpriv: string;
  schedulingClass: string;
  fs: ZoneFs[];
  net: ZoneNet[];
  deviceMatches: string[];
  attrs: ZoneAttr[];
  datasets: string[];
  inheritPkgDirs: string[];
}

export interface NetRemap {
  /** Which net resource, by its physical interface in the configuration as it is. */
  fromPhysical: string;
  /** Empty: the interface stays. */
  toPhysical: string;
  /** Empty: unchanged. */
  address: string;
  /** Empty: unchanged. */
  defrouter: string;
}

export interface DeviceRemap {
  fromMatch: string;
  toMatch: string;
}

export interface Remaps {
  netRemaps: readonly NetRemap[];
  deviceRemaps: readonly DeviceRemap[];
}

export interface RemapPlan {
  /** The zonecfg command file (ref 2.7); empty when every remap already holds. */
  text: string;
  /** One line per change the file makes, for the reply. */
  changes: string[];
  /** Remaps found already applied (a repeated call after a successful one). */
  alreadyHeld: string[];
}

export const zonecfgArgs = {
  export: (zone: string): string[] => ['-z', zone, 'export'],
  /**
   * zonecfg joins its trailing words into one command line and `;` separates commands
   * (ref 2.1), so the path is checked here even though it is still one argv element.
   */
  createFromDetached: (zone: string, zonepath: string): string[] => ['-z', zone, `create -a ${commandPath('zonepath', zonepath)}`],
  fromFile: (zone: string, file: string): string[] => ['-z', zone, '-f', commandPath('command file', file)],
  /** `-F`: no terminal to confirm on (ref 2.8). */
  deleteForce: (zone: string): string[] => ['-z', zone, 'delete -F'],
};

function commandPath(field: string, p: string): string {
  const problem = pathProblem(p);
  if (problem) throw new TwinzoneError('INVALID_ARGUMENT', `${field} ${JSON.stringify(p)} ${problem}`, { fields: { field } });
  return p;
}

// ---------------------------------------------------------------- export parser

function emptyConfig(): ZoneConfig {
  return {
    zonepath: '',
    brand: 'native',
    autoboot: false,
    ipType: 'shared',
    bootargs: '',
    pool: '',
    limitpriv: '',
    schedulingClass: '',
    fs: [],
    net: [],
    deviceMatches: [],
    attrs: [],
    datasets: [],
    inheritPkgDirs: [],
  };
}

/** export wraps values containing blanks in double quotes (quoteit(), ref 2.4). */
function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

/** `add options logging`, `add options "k=v"`, and the list form `[a,"k=v"]`. */
function parseOptions(value: string): string[] {
  const v = value.trim();
  if (v.startsWith('[') && v.endsWith(']')) {
    return v
      .slice(1, -1)
      .split(',')
      .map((o) => unquote(o.trim()))
      .filter((o) => o !== '');
  }
  return [unquote(v)];
}

type Scope =
  | { kind: 'global' }
  | { kind: 'fs'; res: ZoneFs }
  | { kind: 'net'; res: ZoneNet }
  | { kind: 'device'; res: { match: string } }
  | { kind: 'attr'; res: ZoneAttr }
  | { kind: 'dataset'; res: { name: string } }
  | { kind: 'inherit-pkg-dir'; res: { dir: string } }
  /** rctl, dedicated-cpu, capped-memory...: not part of ZoneConfig, skipped to `end`. */
  | { kind: 'other' };

function openScope(type: string): Scope {
  switch (type) {
    case 'fs':
      return { kind: 'fs', res: { dir: '', special: '', raw: '', type: '', options: [] } };
    case 'net':
      return { kind: 'net', res: { address: '', physical: '', defrouter: '' } };
    case 'device':
      return { kind: 'device', res: { match: '' } };
    case 'attr':
      return { kind: 'attr', res: { name: '', type: '', value: '' } };
    case 'dataset':
      return { kind: 'dataset', res: { name: '' } };
    case 'inherit-pkg-dir':
      return { kind: 'inherit-pkg-dir', res: { dir: '' } };
    default:
      return { kind: 'other' };
  }
}

function closeScope(config: ZoneConfig, scope: Scope): void {
  switch (scope.kind) {
    case 'fs':
      config.fs.push(scope.res);
      break;
    case 'net':
      config.net.push(scope.res);
      break;
    case 'device':
      config.deviceMatches.push(scope.res.match);
      break;
    case 'attr':
      config.attrs.push(scope.res);
      break;
    case 'dataset':
      config.datasets.push(scope.res.name);
      break;
    case 'inherit-pkg-dir':
      config.inheritPkgDirs.push(scope.res.dir);
      break;
    default:
      break;
  }
}

function setGlobal(config: ZoneConfig, prop: string, value: string): void {
  switch (prop) {
    case 'zonepath':
      config.zonepath = value;
      break;
    case 'brand':
      config.brand = value;
      break;
    case 'autoboot':
      config.autoboot = value === 'true';
      break;
    case 'ip-type':
      config.ipType = value;
      break;
    case 'bootargs':
      config.bootargs = value;
      break;
    case 'pool':
      config.pool = value;
      break;
    case 'limitpriv':
      config.limitpriv = value;
      break;
    case 'scheduling-class':
      config.schedulingClass = value;
      break;
    default:
      // rctl aliases (max-lwps, cpu-shares, ...) are not part of ZoneConfig
      break;
  }
}

function setInScope(scope: Scope, prop: string, value: string): void {
  switch (scope.kind) {
    case 'fs':
      if (prop === 'dir' || prop === 'special' || prop === 'raw' || prop === 'type') scope.res[prop] = value;
      break;
    case 'net':
      if (prop === 'address' || prop === 'physical' || prop === 'defrouter') scope.res[prop] = value;
      break;
    case 'device':
      if (prop === 'match') scope.res.match = value;
      break;
    case 'attr':
      if (prop === 'name' || prop === 'type' || prop === 'value') scope.res[prop] = value;
      break;
    case 'dataset':
      if (prop === 'name') scope.res.name = value;
      break;
    case 'inherit-pkg-dir':
      if (prop === 'dir') scope.res.dir = value;
      break;
    default:
      break;
  }
}

/** The line forms export prints (ref 2.4); a `#` comment is tolerated. */
const EXPORT_LINE = /^(create(\s.*)?|end|add\s+\S+(\s+.*)?|set\s+[A-Za-z-]+=.*|#.*)$/;

/**
 * `zonecfg -z Z export` text (ref 2.4) into a ZoneConfig. Unknown resources and
 * properties are skipped, so a newer zonecfg's extra lines do not break the agent; but
 * output that is not a whole export (cut short, garbled, a resource left open, no
 * `create` first or no ip-type, which export always prints) throws COMMAND_OUTPUT: a
 * configuration missing its file systems or networks would be copied to another host.
 */
export function parseZonecfgExport(text: string): ZoneConfig {
  const command = 'zonecfg export';
  const lines = completeLines(command, text, { mayBeEmpty: false }).map((l) => l.trim());
  if (!/^create(\s|$)/.test(lines[0]!)) throw unreadableOutput(command, `it starts with ${quoteLine(lines[0]!)}, not create`);
  const config = emptyConfig();
  let scope: Scope = { kind: 'global' };
  let openedBy = '';
  let sawIpType = false;
  for (const line of lines) {
    if (!EXPORT_LINE.test(line)) throw unreadableOutput(command, `line ${quoteLine(line)} is not create, add, set or end`);
    if (line.startsWith('#')) continue;
    if (line === 'end') {
      closeScope(config, scope);
      scope = { kind: 'global' };
      openedBy = '';
      continue;
    }
    const add = /^add\s+(\S+)(?:\s+(.*))?$/.exec(line);
    if (add) {
      const [, what, rest] = add as unknown as [string, string, string | undefined];
      if (openedBy === '') {
        scope = openScope(what);
        openedBy = line;
      } else if (scope.kind === 'fs' && what === 'options' && rest !== undefined) scope.res.options.push(...parseOptions(rest));
      // `add value (...)` inside rctl: not part of ZoneConfig
      continue;
    }
    const set = /^set\s+([A-Za-z-]+)=(.*)$/.exec(line);
    if (set) {
      const [, prop, value] = set as unknown as [string, string, string];
      if (openedBy === '') {
        if (prop === 'ip-type') sawIpType = true;
        setGlobal(config, prop, unquote(value));
      } else setInScope(scope, prop, unquote(value));
    }
    // `create -b`: nothing to record
  }
  if (openedBy !== '') throw unreadableOutput(command, `it ends inside a resource (${quoteLine(openedBy)} has no end), so it was cut short`);
  if (!sawIpType) throw unreadableOutput(command, 'it has no ip-type, which export always prints');
  return config;
}

// ---------------------------------------------------------------- remap command file

/**
 * Values written into a zonecfg command file: no blanks, quotes, `;` or `#`, which the
 * zonecfg lexer would read as syntax (ref 2.7 reads the file with the interactive grammar).
 */
const COMMAND_FILE_VALUE = /^[A-Za-z0-9_.,:/*?[\]@+=%-]+$/;

function fileValue(field: string, value: string): string {
  if (!COMMAND_FILE_VALUE.test(value)) {
    throw new TwinzoneError('INVALID_ARGUMENT', `${field} ${JSON.stringify(value)} contains characters zonecfg would misread`, { fields: { field } });
  }
  return value;
}

function missing(what: string, have: string[]): TwinzoneError {
  return new TwinzoneError(
    'PRECONDITION_FAILED',
    `the zone configuration has no ${what} to remap (it has: ${have.length > 0 ? have.join(', ') : 'none'})`,
    { fields: { remap: what } },
  );
}

function netSelector(nets: readonly ZoneNet[], index: number): string {
  const net = nets[index]!;
  const samePhysical = nets.filter((n) => n.physical === net.physical);
  if (samePhysical.length === 1) return `select net physical=${net.physical}`;
  // Two resources on one interface: the address tells them apart (ref 2.6 qualifiers).
  const same = samePhysical.filter((n) => n.address === net.address);
  if (net.address === '' || same.length > 1) {
    throw new TwinzoneError('PRECONDITION_FAILED', `net resources on ${net.physical} cannot be told apart to remap them`, {
      fields: { remap: `net physical=${net.physical}` },
    });
  }
  return `select net address=${net.address} physical=${net.physical}`;
}

function netMatches(n: ZoneNet, remap: NetRemap): boolean {
  return (remap.address === '' || n.address === remap.address) && (remap.defrouter === '' || n.defrouter === remap.defrouter);
}

/** A repeated call: the remap's result is already in the configuration. */
function netRemapHolds(nets: readonly ZoneNet[], remap: NetRemap): boolean {
  if (remap.toPhysical === '' || remap.toPhysical === remap.fromPhysical) {
    const onIt = nets.filter((n) => n.physical === remap.fromPhysical);
    return onIt.length > 0 && onIt.every((n) => netMatches(n, remap));
  }
  if (nets.some((n) => n.physical === remap.fromPhysical)) return false;
  return nets.some((n) => n.physical === remap.toPhysical && netMatches(n, remap));
}

function describeNet(remap: NetRemap): string {
  const parts = [`net ${remap.fromPhysical}`];
  if (remap.toPhysical !== '' && remap.toPhysical !== remap.fromPhysical) parts.push(`-> ${remap.toPhysical}`);
  if (remap.address !== '') parts.push(`address ${remap.address}`);
  if (remap.defrouter !== '') parts.push(`defrouter ${remap.defrouter}`);
  return parts.join(' ');
}

/**
 * The zonecfg command file that adapts a configuration to this host (ref 2.6, 2.7):
 * `select net ...` / `set physical=` / `set address=` / `set defrouter=` / `end` per net
 * remap, `select device match=X` / `set match=Y` / `end` per device remap. Selections are
 * computed against the configuration as the earlier lines leave it, so swapping two
 * interfaces works. A remap whose source is gone but whose target is present already
 * held (a repeated call); one whose source never existed is PRECONDITION_FAILED.
 */
export function renderRemapCommands(config: ZoneConfig, remaps: Remaps): RemapPlan {
  const lines: string[] = [];
  const changes: string[] = [];
  const alreadyHeld: string[] = [];
  const nets = config.net.map((n) => ({ ...n }));
  const devices = [...config.deviceMatches];

  for (const remap of remaps.netRemaps) {
    fileValue('from_physical', remap.fromPhysical);
    for (const [field, value] of [['to_physical', remap.toPhysical], ['address', remap.address], ['defrouter', remap.defrouter]] as const) {
      if (value !== '') fileValue(field, value);
    }
    if (remap.address !== '' && config.ipType === 'exclusive') {
      // ref 2.6: an exclusive-IP zone's net resources must not have an address
      throw new TwinzoneError('PRECONDITION_FAILED', `cannot set address ${remap.address} on ${remap.fromPhysical}: the zone is exclusive-IP`, {
        fields: { remap: `net physical=${remap.fromPhysical}` },
      });
    }
    if (netRemapHolds(nets, remap)) {
      alreadyHeld.push(describeNet(remap));
      continue;
    }
    const targets = config.net.map((n, i) => (n.physical === remap.fromPhysical ? i : -1)).filter((i) => i >= 0);
    if (targets.length === 0) throw missing(`net physical=${remap.fromPhysical}`, config.net.map((n) => `net physical=${n.physical}`));
    if (targets.length > 1 && remap.address !== '') {
      throw new TwinzoneError('PRECONDITION_FAILED', `${targets.length} net resources use ${remap.fromPhysical}; one new address cannot replace them all`, {
        fields: { remap: `net physical=${remap.fromPhysical}` },
      });
    }
    for (const i of targets) {
      lines.push(netSelector(nets, i));
      const net = nets[i]!;
      if (remap.toPhysical !== '') {
        lines.push(`set physical=${remap.toPhysical}`);
        net.physical = remap.toPhysical;
      }
      if (remap.address !== '') {
        lines.push(`set address=${remap.address}`);
        net.address = remap.address;
      }
      if (remap.defrouter !== '') {
        lines.push(`set defrouter=${remap.defrouter}`);
        net.defrouter = remap.defrouter;
      }
      lines.push('end');
    }
    changes.push(describeNet(remap));
  }

  for (const remap of remaps.deviceRemaps) {
    fileValue('from_match', remap.fromMatch);
    fileValue('to_match', remap.toMatch);
    const index = devices.indexOf(remap.fromMatch);
    if (index < 0) {
      if (devices.includes(remap.toMatch)) {
        alreadyHeld.push(`device ${remap.fromMatch} -> ${remap.toMatch}`);
        continue;
      }
      throw missing(`device match=${remap.fromMatch}`, config.deviceMatches.map((d) => `device match=${d}`));
    }
    lines.push(`select device match=${remap.fromMatch}`, `set match=${remap.toMatch}`, 'end');
    devices[index] = remap.toMatch;
    changes.push(`device ${remap.fromMatch} -> ${remap.toMatch}`);
  }

  return { text: lines.length > 0 ? `${lines.join('\n')}\n` : '', changes, alreadyHeld };
}

// ---------------------------------------------------------------- failures

/**
 * Known zonecfg failures (ref 2.1-2.8) mapped to domain codes; null for anything else.
 * zonecfg prints these without a program prefix, and `create -a` reports its two errors
 * without setting the exit status (zonecfg.c), so callers check the text even on exit 0.
 */
export function classifyZonecfgFailure(result: RunResult): Classified | null {
  const text = `${result.stderr}\n${result.stdout}`;
  const zone = zoneOf(result);
  if (/No such zone configured/.test(text)) return { code: 'ZONE_NOT_FOUND', message: `zone ${zone} is not configured on this host` };
  if (/Bogus zone name/.test(text)) return { code: 'INVALID_ARGUMENT', message: `zonecfg refused the zone name ${zone}` };
  if (/invalid path to detached zone/.test(text)) {
    return { code: 'PRECONDITION_FAILED', message: `no detached zone at the zonepath of ${zone} (it needs root/ and SUNWdetached.xml)` };
  }
  if (/Cannot attach to an earlier release of the operating system/.test(text)) {
    return { code: 'PRECONDITION_FAILED', message: `the detach manifest of ${zone} is not valid for this release` };
  }
  if (/Zone exists, input not from terminal and -F not specified/.test(text)) {
    return { code: 'ZONE_WRONG_STATE', message: `zone ${zone} is already configured` };
  }
  if (/already installed; (create|set zonepath) not allowed/.test(text)) {
    return { code: 'ZONE_WRONG_STATE', message: `zone ${zone} is installed; its configuration cannot be recreated` };
  }
  if (/not in configured state; delete not allowed/.test(text)) {
    return { code: 'ZONE_WRONG_STATE', message: `zone ${zone} is not in configured state` };
  }
  if (/No such resource with that id|There are multiple instances of this resource/.test(text)) {
    return { code: 'PRECONDITION_FAILED', message: `a resource the zonecfg commands select for ${zone} does not exist or is ambiguous` };
  }
  if (/failed to verify/.test(text)) return { code: 'PRECONDITION_FAILED', message: `the configuration of ${zone} failed to verify` };
  return null;
}

/** zonecfg reported an error, whatever its exit status (see classifyZonecfgFailure). */
export function zonecfgFailed(result: RunResult): boolean {
  if (result.record.exitCode !== 0 || result.timedOut || result.cancelled) return true;
  // On exit 0 only stderr counts: stdout is the command's data (export text, notices).
  return classifyZonecfgFailure({ ...result, stdout: '' }) !== null;
}

function zoneOf(result: RunResult): string {
  const argv = result.record.argv;
  const i = argv.indexOf('-z');
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : 'the zone';
}
