// zoneadm: argument vectors, the `list -p` parser and the failure classifier. PURE: no
// I/O; agent/ops runs the argv through the CommandRunner.
// Reference: shared/reference/solaris-commands.md section 1 (cited below as "ref 1.x").
import { TwinzoneError } from '../../shared/errors/twinzone-error.js';
import type { Classified } from '../ops/command-errors.js';
import { completeLines, quoteLine, unreadableOutput } from './command-output.js';
import { ZONE_STATES, type ZoneStateName } from '../ops/op-result.js';
import type { RunResult } from '../platform/command-runner.js';

/** One zone as `zoneadm list -p` prints it (ref 1.5). */
export interface ZoneRecord {
  /** -1 when the zone is not in the kernel (zoneadm prints "-"). */
  zoneId: number;
  name: string;
  state: ZoneStateName;
  /** With `\:` unescaped. */
  zonepath: string;
  /** Empty for the global zone and zones never installed. */
  uuid: string;
  brand: string;
  /** "shared" or "excl" (ref 1.5: not "exclusive"). */
  ipType: string;
}

export const zoneadmArgs = {
  /** Every zone, configured and up, parsable (ref 1.5). */
  list: (): string[] => ['list', '-cp'],
  /** One zone whatever its state; `-c`/`-i` are refused together with `-z` (ref 1.5). */
  listZone: (zone: string): string[] => ['-z', zone, 'list', '-p'],
  halt: (zone: string): string[] => ['-z', zone, 'halt'],
  ready: (zone: string): string[] => ['-z', zone, 'ready'],
  /** Boot arguments go after `--` (ref 1.6 "boot argument handling"). */
  boot: (zone: string, bootArgs: readonly string[] = []): string[] =>
    bootArgs.length > 0 ? ['-z', zone, 'boot', '--', ...bootArgs] : ['-z', zone, 'boot'],
  detach: (zone: string): string[] => ['-z', zone, 'detach'],
  /** `-F` skips the software comparison; required for solaris8 twins on other patch levels (ref 1.9, 4). */
  attach: (zone: string, opts: { force: boolean }): string[] => ['-z', zone, 'attach', ...(opts.force ? ['-F'] : [])],
  /** `attach -n PATH`: validates a manifest against this host, changes nothing (ref 1.9). */
  attachDryRun: (zone: string, manifestPath: string): string[] => ['-z', zone, 'attach', '-n', manifestPath],
};

/** Splits on ':' except the `\:` escape, which only the zonepath can carry (ref 1.5). */
function splitParsable(line: string): string[] {
  const fields: string[] = [];
  let current = '';
  for (let i = 0; i < line.length; i += 1) {
    const ch = line[i]!;
    if (ch === '\\' && line[i + 1] === ':') {
      current += ':';
      i += 1;
    } else if (ch === ':') {
      fields.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  fields.push(current);
  return fields;
}

function isZoneState(value: string): value is ZoneStateName {
  return (ZONE_STATES as readonly string[]).includes(value);
}

const IP_TYPES = ['shared', 'excl'];

function unparsable(command: string, line: string, why: string): TwinzoneError {
  return unreadableOutput(command, `line ${quoteLine(line)} ${why}`);
}

function parseListLine(command: string, line: string): ZoneRecord {
  const fields = splitParsable(line);
  if (fields.length < 7) throw unparsable(command, line, `has ${fields.length} fields, not 7`);
  const [id, name, state, zonepath, uuid, brand, ipType] = fields as [string, string, string, string, string, string, string];
  if (!isZoneState(state)) throw unparsable(command, line, `has the unknown state ${JSON.stringify(state)}`);
  if (name === '' || brand === '') throw unparsable(command, line, 'has no zone name or no brand');
  // The last field a Solaris 10 zoneadm prints: a line cut inside it still has 7 fields.
  if (!IP_TYPES.includes(ipType)) throw unparsable(command, line, `has the ip-type ${JSON.stringify(ipType)}, not shared or excl`);
  let zoneId = -1;
  if (id !== '-') {
    if (!/^[0-9]+$/.test(id)) throw unparsable(command, line, `has the zone id ${JSON.stringify(id)}, not a number`);
    zoneId = Number(id);
  }
  return { zoneId, name, state, zonepath, uuid, brand, ipType };
}

/**
 * `zoneadm list -cp` output: zoneid:zonename:state:zonepath:uuid:brand:ip-type, one line
 * per zone, the global zone first (ref 1.5). Solaris 11 appends fields; they are ignored
 * (ref 1.5: parsers must tolerate them). Output that is not whole throws COMMAND_OUTPUT
 * rather than giving a shorter list: a zone missing from it would look "not configured",
 * and the coordinator would look for it elsewhere.
 */
export function parseZoneadmListCp(stdout: string): ZoneRecord[] {
  const command = 'zoneadm list -cp';
  const records = completeLines(command, stdout, { mayBeEmpty: false }).map((line) => parseListLine(command, line));
  if (records[0]?.name !== 'global') throw unreadableOutput(command, 'its first line is not the global zone');
  return records;
}

/** `zoneadm -z ZONE list -p`: the one line for that zone (ref 1.5), whole, or COMMAND_OUTPUT. */
export function parseZoneadmListZone(zone: string, stdout: string): ZoneRecord {
  const command = `zoneadm -z ${zone} list -p`;
  const lines = completeLines(command, stdout, { mayBeEmpty: false });
  if (lines.length !== 1) throw unreadableOutput(command, `it printed ${lines.length} lines, not one`);
  return parseListLine(command, lines[0]!);
}

/** The `-z` operand of a zoneadm argv, for messages. */
function zoneOf(result: RunResult): string {
  const argv = result.record.argv;
  const i = argv.indexOf('-z');
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : 'the zone';
}

/** The subcommand of a zoneadm argv (the word after the global options). */
function subcommandOf(result: RunResult): string {
  const args = result.record.argv.slice(1);
  for (let i = 0; i < args.length; i += 1) {
    if (args[i] === '-z' || args[i] === '-u' || args[i] === '-R') i += 1;
    else return args[i]!;
  }
  return 'run';
}

/** Lines of the sw_cmp report (ref 1.9); their presence means a software mismatch. */
const SW_CMP_HEADER = /^These (packages|patches) installed on (the source system|this system) (are inconsistent with|were not installed on)/m;

/**
 * Known zoneadm failures (ref 1.6-1.10) mapped to domain codes; null for anything else,
 * which the caller reports as COMMAND_FAILED with the stderr. Order matters: the most
 * specific texts first (a failed boot prints its cause and then "call to zoneadmd failed").
 */
export function classifyZoneadmFailure(result: RunResult): Classified | null {
  const text = `${result.stderr}\n${result.stdout}`;
  const zone = zoneOf(result);
  const cmd = subcommandOf(result);
  if (/No such zone configured/.test(text)) {
    return { code: 'ZONE_NOT_FOUND', message: `zone ${zone} is not configured on this host` };
  }
  if (/another zoneadm may have an operation in progress\./.test(text)) {
    return { code: 'ZONE_BUSY', message: `another zoneadm operation on ${zone} is in progress` };
  }
  const invalidFor = /operation is invalid for (\S+) zones\./.exec(text);
  if (invalidFor) {
    return { code: 'ZONE_WRONG_STATE', message: `cannot ${cmd} ${zone}: it is ${invalidFor[1]}; halt it first` };
  }
  if (/must be installed before/.test(text)) {
    return { code: 'ZONE_WRONG_STATE', message: `cannot ${cmd} ${zone}: it is not installed (attach it first)` };
  }
  if (/is already installed\./.test(text)) {
    return { code: 'ZONE_WRONG_STATE', message: `cannot ${cmd} ${zone}: it is already installed` };
  }
  if (/zone is incomplete; uninstall required\./.test(text)) {
    return { code: 'ZONE_WRONG_STATE', message: `cannot ${cmd} ${zone}: it is incomplete and must be uninstalled first` };
  }
  const cannotManage = /cannot manage a zone which is in state '([^']+)'/.exec(text);
  if (cannotManage) {
    return { code: 'ZONE_WRONG_STATE', message: `cannot ${cmd} ${zone}: it is ${cannotManage[1]}` };
  }
  // ref 4: a migrated solaris8 zone boots only after s8_p2v ran on this host (simulator text UNVERIFIED).
  if (/run \/usr\/lib\/brand\/solaris8\/s8_p2v/.test(text)) {
    return { code: 'PRECONDITION_FAILED', message: `${zone} has not been converted for this host; run ConvertZone (s8_p2v) before booting it` };
  }
  if (/These file systems are mounted on subdirectories/.test(text)) {
    return { code: 'PRECONDITION_FAILED', message: `cannot ${cmd} ${zone}: file systems are still mounted below its zonepath; unmount them first` };
  }
  if (/Not a detached zone\.|The zone was not properly detached|Cannot generate the information needed to attach this zone/.test(text)) {
    return { code: 'PRECONDITION_FAILED', message: `cannot attach ${zone}: its zonepath holds no detach manifest (SUNWdetached.xml)` };
  }
  if (/Cannot attach to an earlier release of the operating system/.test(text)) {
    return { code: 'PRECONDITION_FAILED', message: `cannot attach ${zone}: its detach manifest is not valid for this release` };
  }
  const brandMismatch = /Trying to attach a '([^']*)' zone to a '([^']*)' configuration\./.exec(text);
  if (brandMismatch) {
    return { code: 'PRECONDITION_FAILED', message: `cannot attach ${zone}: the manifest is a ${brandMismatch[1]} zone but the configuration says ${brandMismatch[2]}` };
  }
  if (SW_CMP_HEADER.test(text)) {
    return { code: 'PRECONDITION_FAILED', message: `cannot attach ${zone}: the software on this host differs from the source host` };
  }
  if (/failed to verify/.test(text)) {
    return { code: 'PRECONDITION_FAILED', message: `${zone} failed zoneadm verify (zonepath owner and mode, network, file systems)` };
  }
  return null;
}
