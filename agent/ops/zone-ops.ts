// The runbook verbs for zones (DESIGN "Runs"): each validates the zone name, reads the
// zone's state with `zoneadm -z Z list -p`, does nothing when the goal already holds
// (agent.proto: idempotency by state), plans instead of acting on dry run, and re-reads
// the state after a change. Commands are built by agent/commands/*; nothing here builds
// a shell string.
// ("ref" below: shared/reference/solaris-commands.md.)
import fs from 'node:fs';
import path from 'node:path';
import { errors, TwinzoneError } from '../../shared/errors/twinzone-error.js';
import { writeFileDurable } from '../../shared/fs/atomic-file.js';
import { requirePath } from '../../shared/validate/paths.js';
import { describeZoneNameProblem, zoneNameProblem } from '../../shared/validate/zone-name.js';
import { hasAttachDeltas, parseAttachDeltas, type AttachDeltas } from '../commands/attach-deltas.js';
import { classifyS8P2vFailure, parseS8P2vOutput, s8p2vArgs } from '../commands/s8-p2v.js';
import { classifyZloginFailure, zloginArgs } from '../commands/zlogin.js';
import { classifyZoneadmFailure, parseZoneadmListCp, parseZoneadmListZone, zoneadmArgs, type ZoneRecord } from '../commands/zoneadm.js';
import {
  classifyZonecfgFailure,
  parseZonecfgExport,
  renderRemapCommands,
  zonecfgArgs,
  zonecfgFailed,
  type DeviceRemap,
  type NetRemap,
  type ZoneConfig,
} from '../commands/zonecfg.js';
import type { RunResult } from '../platform/command-runner.js';
import { commandError, requireSuccess } from './command-errors.js';
import { exec, realPath, type OpContext } from './op-context.js';
import type { ZoneOpOutcome, ZoneStateName } from './op-result.js';

export interface ZoneRequest {
  zone: string;
}

export interface ShutdownZoneRequest extends ZoneRequest {
  /** How long the zone gets to go down before it is halted (default 60 s, agent.proto). */
  timeoutMs?: number;
  /** Between state reads while waiting (default 1 s). */
  pollIntervalMs?: number;
}

export interface BootZoneRequest extends ZoneRequest {
  /** Arguments after `--` (e.g. "-s", or "-m", "verbose"). */
  bootArgs?: readonly string[];
}

export interface AttachZoneRequest extends ZoneRequest {
  /** `attach -F`: skip the software comparison (only over accepted deltas, DESIGN). */
  force?: boolean;
  /** `attach -n ZONEPATH/SUNWdetached.xml`: compare only, change nothing. */
  validateOnly?: boolean;
}

export interface AttachZoneOutcome extends ZoneOpOutcome {
  /** False when zoneadm refused because of software deltas (see deltas), and for validateOnly. */
  attached: boolean;
  deltas?: AttachDeltas;
}

export interface CreateZoneFromDetachedRequest extends ZoneRequest {
  zonepath: string;
  netRemaps?: readonly NetRemap[];
  deviceRemaps?: readonly DeviceRemap[];
}

export interface CreateZoneOutcome extends ZoneOpOutcome {
  /** The remaps this call applied (or, on dry run, would apply), one line each. */
  remapped: string[];
}

export interface ZoneDetails {
  summary: ZoneRecord;
  config: ZoneConfig;
  /** The `zonecfg export` text the config was parsed from. */
  exportText: string;
  /** <zonepath>/SUNWdetached.xml exists (ref 3: what "detached" means). */
  detachedManifest: boolean;
}

export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 60_000;
const DEFAULT_POLL_INTERVAL_MS = 1_000;
/** BOOTARGS_MAX in sys/zone.h; zoneadm refuses longer lists (ref 1.6). */
const BOOTARGS_MAX = 256;
/** Boot arguments are argv words, but zoneadm joins them into one string for the kernel. */
const BOOT_ARG = /^[A-Za-z0-9_.,:/=+@-]+$/;
const DETACH_MANIFEST = 'SUNWdetached.xml';
const REMAP_DIR = '/var/run/twinzone';

/** States in which the zone has a kernel presence (ref 1.4); detach/attach refuse them (ref 1.6 rule 6). */
const LIVE_STATES: readonly ZoneStateName[] = ['ready', 'running', 'shutting_down', 'down'];

// ---------------------------------------------------------------- shared steps

function requireZoneName(zone: string): void {
  const problem = zoneNameProblem(zone);
  // Checked before anything runs (agent.proto: INVALID_ARGUMENT, nothing ran).
  if (problem) throw errors.invalidArgument(describeZoneNameProblem(zone, problem), { field: 'zone' });
}

function fieldsOf(ctx: OpContext, zone: string): Record<string, string> {
  return { zone, host: ctx.host };
}

function opError(ctx: OpContext, code: TwinzoneError['code'], zone: string, message: string, extra: Record<string, string> = {}): TwinzoneError {
  return new TwinzoneError(code, message, { fields: { ...fieldsOf(ctx, zone), ...extra }, commands: [...ctx.commands] });
}

function wrongState(ctx: OpContext, zone: string, state: ZoneStateName, message: string): TwinzoneError {
  return opError(ctx, 'ZONE_WRONG_STATE', zone, message, { state });
}

function stderrOf(result: RunResult): string {
  return result.stderr.trim().split('\n').slice(-3).join('\n');
}

/** The zone's record, or null when zoneadm says it is not configured here (ref 1.5). */
async function lookupZone(ctx: OpContext, zone: string): Promise<{ record: ZoneRecord | null; result: RunResult }> {
  const result = await exec(ctx, 'zoneadm', zoneadmArgs.listZone(zone), { mutating: false });
  const ok = result.record.exitCode === 0 && !result.timedOut && !result.cancelled;
  if (!ok) {
    if (classifyZoneadmFailure(result)?.code === 'ZONE_NOT_FOUND') return { record: null, result };
    throw commandError(ctx, result, classifyZoneadmFailure, fieldsOf(ctx, zone));
  }
  // `-z` also takes the numeric id of a running zone (ref 1.5): only a line with this
  // name answers for a zone of this name.
  const record = parseZoneadmListZone(zone, result.stdout);
  return { record: record.name === zone ? record : null, result };
}

async function requireZone(ctx: OpContext, zone: string): Promise<ZoneRecord> {
  const { record, result } = await lookupZone(ctx, zone);
  if (record) return record;
  const why = stderrOf(result);
  throw opError(ctx, 'ZONE_NOT_FOUND', zone, `zone ${zone} is not configured on ${ctx.host}${why ? `: ${why}` : ''}`);
}

function manifestPath(zonepath: string): string {
  return path.posix.join(zonepath, DETACH_MANIFEST);
}

function hasManifest(ctx: OpContext, zonepath: string): boolean {
  return zonepath !== '' && fs.existsSync(realPath(ctx, manifestPath(zonepath)));
}

/** After a change: the state as zoneadm now reports it, with a warning when it is not the goal. */
async function settle(ctx: OpContext, zone: string, outcome: string, expected: ZoneStateName, warnings: string[] = []): Promise<ZoneOpOutcome> {
  const after = await requireZone(ctx, zone);
  if (after.state !== expected) warnings.push(`${zone} is ${after.state} after the command, not ${expected}`);
  return { outcome, changed: true, state: after.state, ...(warnings.length > 0 ? { warnings } : {}) };
}

function already(outcome: string, state: ZoneStateName): ZoneOpOutcome {
  return { outcome, changed: false, state };
}

function planned(verb: string, warnings: string[] = []): ZoneOpOutcome {
  return { outcome: `would ${verb}`, changed: false, ...(warnings.length > 0 ? { warnings } : {}) };
}

async function runZoneadm(ctx: OpContext, zone: string, args: string[], timeoutMs?: number): Promise<RunResult> {
  const result = await exec(ctx, 'zoneadm', args, { mutating: true, ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
  return requireSuccess(ctx, result, classifyZoneadmFailure, fieldsOf(ctx, zone));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new TwinzoneError('CANCELLED', 'operation cancelled by the caller'));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new TwinzoneError('CANCELLED', 'operation cancelled by the caller'));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

// ---------------------------------------------------------------- read-only

/** Every zone on the host (`zoneadm list -cp`). */
export async function listZones(ctx: OpContext): Promise<ZoneRecord[]> {
  const result = await exec(ctx, 'zoneadm', zoneadmArgs.list(), { mutating: false });
  requireSuccess(ctx, result, classifyZoneadmFailure);
  return parseZoneadmListCp(result.stdout);
}

/** One zone: state, parsed configuration, and whether a detach manifest is present. */
export async function getZone(ctx: OpContext, zone: string): Promise<ZoneDetails> {
  requireZoneName(zone);
  const summary = await requireZone(ctx, zone);
  const result = await exec(ctx, 'zonecfg', zonecfgArgs.export(zone), { mutating: false });
  if (zonecfgFailed(result)) throw commandError(ctx, result, classifyZonecfgFailure, fieldsOf(ctx, zone));
  return {
    summary,
    config: parseZonecfgExport(result.stdout),
    exportText: result.stdout,
    detachedManifest: hasManifest(ctx, summary.zonepath),
  };
}

// ---------------------------------------------------------------- state changes

/** `zoneadm -z Z halt`. Installed already: "already installed" (agent.proto). */
export async function haltZone(ctx: OpContext, req: ZoneRequest): Promise<ZoneOpOutcome> {
  requireZoneName(req.zone);
  const zone = req.zone;
  const { state } = await requireZone(ctx, zone);
  if (state === 'installed') return already('already installed', state);
  // Detached or never installed: nothing runs, which is all a halt promises.
  if (state === 'configured') return already('already down (configured)', state);
  if (!LIVE_STATES.includes(state)) {
    // zoneadmd will not manage an incomplete zone (ref 1.6 table)
    throw wrongState(ctx, zone, state, `cannot halt ${zone}: it is ${state}, not booted`);
  }
  await runZoneadm(ctx, zone, zoneadmArgs.halt(zone));
  if (ctx.dryRun) return planned('halt');
  return settle(ctx, zone, 'halted', 'installed');
}

/**
 * Graceful stop: `zlogin Z shutdown -y -g0 -i0`, then wait for `installed` until the
 * timeout, then `zoneadm halt` (agent.proto ShutdownZone; ref 0: S10 has no zoneadm
 * shutdown). A zlogin that fails or hangs is not an error: the halt that follows is the
 * guarantee, and its failure is.
 */
export async function shutdownZone(ctx: OpContext, req: ShutdownZoneRequest): Promise<ZoneOpOutcome> {
  requireZoneName(req.zone);
  const zone = req.zone;
  const timeoutMs = req.timeoutMs !== undefined && req.timeoutMs > 0 ? req.timeoutMs : DEFAULT_SHUTDOWN_TIMEOUT_MS;
  const pollMs = req.pollIntervalMs !== undefined && req.pollIntervalMs > 0 ? req.pollIntervalMs : DEFAULT_POLL_INTERVAL_MS;
  const deadline = performance.now() + timeoutMs;
  const { state } = await requireZone(ctx, zone);
  if (state === 'installed') return already('already installed', state);
  if (state === 'configured') return already('already down (configured)', state);
  if (!LIVE_STATES.includes(state)) throw wrongState(ctx, zone, state, `cannot shut down ${zone}: it is ${state}, not booted`);

  const warnings: string[] = [];
  if (ctx.dryRun) {
    if (state === 'running') await exec(ctx, 'zlogin', zloginArgs.shutdown(zone), { mutating: true });
    await exec(ctx, 'zoneadm', zoneadmArgs.halt(zone), { mutating: true });
    return planned('shut down', [`zoneadm halt runs only if ${zone} is not installed within ${timeoutMs} ms`]);
  }

  let waitForDown = state !== 'ready'; // a ready zone has no processes to stop gracefully
  if (state === 'running') {
    const z = await exec(ctx, 'zlogin', zloginArgs.shutdown(zone), { mutating: true, timeoutMs });
    if (z.cancelled) throw commandError(ctx, z, classifyZloginFailure, fieldsOf(ctx, zone));
    if (z.timedOut) {
      warnings.push(`zlogin shutdown did not return within ${timeoutMs} ms`);
    } else if (z.record.exitCode !== 0) {
      const known = classifyZloginFailure(z);
      warnings.push(`zlogin shutdown failed${known ? ` (${known.message})` : ''}: ${stderrOf(z)}`);
      waitForDown = false;
    }
  }
  let current: ZoneStateName = state;
  while (waitForDown) {
    current = (await requireZone(ctx, zone)).state;
    if (current === 'installed') return { outcome: 'shut down', changed: true, state: current, ...(warnings.length > 0 ? { warnings } : {}) };
    const left = deadline - performance.now();
    if (left <= 0) break;
    await sleep(Math.min(pollMs, left), ctx.signal);
  }
  if (waitForDown) warnings.push(`${zone} was still ${current} after ${timeoutMs} ms; halting it`);
  await runZoneadm(ctx, zone, zoneadmArgs.halt(zone));
  return settle(ctx, zone, 'halted', 'installed', warnings);
}

/** `zoneadm -z Z ready`. Ready already: "already ready". */
export async function readyZone(ctx: OpContext, req: ZoneRequest): Promise<ZoneOpOutcome> {
  requireZoneName(req.zone);
  const zone = req.zone;
  const { state } = await requireZone(ctx, zone);
  if (state === 'ready') return already('already ready', state);
  if (state !== 'installed' && !LIVE_STATES.includes(state)) {
    throw wrongState(ctx, zone, state, `cannot ready ${zone}: it is ${state}; it must be installed (attach it first)`);
  }
  await runZoneadm(ctx, zone, zoneadmArgs.ready(zone));
  if (ctx.dryRun) return planned('ready');
  return settle(ctx, zone, 'readied', 'ready');
}

function checkBootArgs(bootArgs: readonly string[]): void {
  for (const arg of bootArgs) {
    if (!BOOT_ARG.test(arg)) throw errors.invalidArgument(`boot argument ${JSON.stringify(arg)} contains characters other than letters, digits and _ . , : / = + @ -`, { field: 'boot_args' });
  }
  if (bootArgs.join(' ').length >= BOOTARGS_MAX) throw errors.invalidArgument(`boot arguments are longer than ${BOOTARGS_MAX - 1} characters`, { field: 'boot_args' });
}

/** `zoneadm -z Z boot [-- ARGS]`. Running already: "already running". */
export async function bootZone(ctx: OpContext, req: BootZoneRequest): Promise<ZoneOpOutcome> {
  requireZoneName(req.zone);
  const bootArgs = req.bootArgs ?? [];
  checkBootArgs(bootArgs);
  const zone = req.zone;
  const { state } = await requireZone(ctx, zone);
  if (state === 'running') return already('already running', state);
  if (state === 'shutting_down' || state === 'down') {
    // zoneadmd answers "already booted" and exits 0 here (ref 1.6), which would hide that it is going down
    throw wrongState(ctx, zone, state, `cannot boot ${zone}: it is ${state}; wait until it is installed`);
  }
  if (state !== 'installed' && state !== 'ready') throw wrongState(ctx, zone, state, `cannot boot ${zone}: it is ${state}; it must be installed (attach it first)`);
  await runZoneadm(ctx, zone, zoneadmArgs.boot(zone, bootArgs));
  if (ctx.dryRun) return planned('boot');
  return settle(ctx, zone, 'booted', 'running');
}

/** `zoneadm -z Z detach` (writes the manifest). Configured with a manifest: "already detached". */
export async function detachZone(ctx: OpContext, req: ZoneRequest): Promise<ZoneOpOutcome> {
  requireZoneName(req.zone);
  const zone = req.zone;
  const { state, zonepath } = await requireZone(ctx, zone);
  if (state === 'configured') {
    if (hasManifest(ctx, zonepath)) return already('already detached', state);
    throw wrongState(ctx, zone, state, `cannot detach ${zone}: it is configured but ${manifestPath(zonepath)} is missing (not installed here)`);
  }
  if (LIVE_STATES.includes(state)) throw wrongState(ctx, zone, state, `cannot detach ${zone}: it is ${state}; halt it first`);
  if (state !== 'installed') throw wrongState(ctx, zone, state, `cannot detach ${zone}: it is ${state}, not installed`);
  await runZoneadm(ctx, zone, zoneadmArgs.detach(zone));
  if (ctx.dryRun) return planned('detach');
  const warnings = hasManifest(ctx, zonepath) ? [] : [`zoneadm detach wrote no ${manifestPath(zonepath)}`];
  return settle(ctx, zone, 'detached', 'configured', warnings);
}

/**
 * `zoneadm -z Z attach [-F]`, or `attach -n MANIFEST` for validateOnly (read-only, so it
 * runs on dry run too). A software mismatch is not an error: attached=false with the
 * parsed deltas (agent.proto AttachZone); the coordinator decides whether to force.
 */
export async function attachZone(ctx: OpContext, req: AttachZoneRequest): Promise<AttachZoneOutcome> {
  requireZoneName(req.zone);
  const zone = req.zone;
  const force = req.force === true;
  const { state, zonepath } = await requireZone(ctx, zone);
  if (state === 'incomplete') throw wrongState(ctx, zone, state, `cannot attach ${zone}: it is incomplete and must be uninstalled first`);
  if (state !== 'configured') return { ...already('already installed', state), attached: true };

  if (req.validateOnly) {
    if (!hasManifest(ctx, zonepath)) {
      throw opError(ctx, 'PRECONDITION_FAILED', zone, `cannot validate ${zone}: ${manifestPath(zonepath)} does not exist (detach it on the source and copy its zonepath)`);
    }
    const result = await exec(ctx, 'zoneadm', zoneadmArgs.attachDryRun(zone, manifestPath(zonepath)), { mutating: false });
    if (result.record.exitCode === 0 && !result.timedOut) {
      return { outcome: 'no deltas', changed: false, state, attached: false, deltas: { packages: [], patches: [], raw: '' } };
    }
    if (!result.timedOut && hasAttachDeltas(result.stderr)) {
      return { outcome: 'deltas found', changed: false, state, attached: false, deltas: parseAttachDeltas(result.stderr) };
    }
    throw commandError(ctx, result, classifyZoneadmFailure, fieldsOf(ctx, zone));
  }

  const result = await exec(ctx, 'zoneadm', zoneadmArgs.attach(zone, { force }), { mutating: true });
  if (ctx.dryRun) return { ...planned(force ? 'attach (forced)' : 'attach'), attached: false };
  if (result.record.exitCode !== 0 && !result.timedOut && !result.cancelled && hasAttachDeltas(result.stderr)) {
    const after = await requireZone(ctx, zone);
    return { outcome: 'not attached: software deltas', changed: false, state: after.state, attached: false, deltas: parseAttachDeltas(result.stderr) };
  }
  requireSuccess(ctx, result, classifyZoneadmFailure, fieldsOf(ctx, zone));
  return { ...(await settle(ctx, zone, force ? 'attached (forced)' : 'attached', 'installed')), attached: true };
}

function remapPath(zone: string): string {
  return `${REMAP_DIR}/${zone}-remap.cfg`;
}

/** Writes the command file, runs `zonecfg -z Z -f FILE`, and removes the file whatever happens. */
async function applyRemapFile(ctx: OpContext, zone: string, text: string): Promise<void> {
  const solarisPath = remapPath(zone);
  const real = realPath(ctx, solarisPath);
  writeFileDurable(real, text, 0o600);
  try {
    const result = await exec(ctx, 'zonecfg', zonecfgArgs.fromFile(zone, solarisPath), { mutating: true });
    if (zonecfgFailed(result)) throw commandError(ctx, result, classifyZonecfgFailure, fieldsOf(ctx, zone));
  } finally {
    fs.rmSync(real, { force: true });
  }
}

/**
 * `zonecfg -z Z 'create -a ZONEPATH'` unless the zone is already configured with that
 * zonepath, then the host remaps through a command file (agent.proto
 * CreateZoneFromDetached; ref 2.3, 2.7). `create -a` reports its failures with exit 0,
 * so its stderr is checked too.
 */
export async function createZoneFromDetached(ctx: OpContext, req: CreateZoneFromDetachedRequest): Promise<CreateZoneOutcome> {
  requireZoneName(req.zone);
  const zonepath = requirePath('zonepath', req.zonepath);
  const zone = req.zone;
  const remaps = { netRemaps: req.netRemaps ?? [], deviceRemaps: req.deviceRemaps ?? [] };
  const { record: existing } = await lookupZone(ctx, zone);
  if (existing && existing.zonepath !== zonepath) {
    throw opError(ctx, 'PRECONDITION_FAILED', zone, `zone ${zone} is already configured with zonepath ${existing.zonepath}, not ${zonepath}`);
  }
  if (!existing) {
    const created = await exec(ctx, 'zonecfg', zonecfgArgs.createFromDetached(zone, zonepath), { mutating: true });
    if (zonecfgFailed(created)) throw commandError(ctx, created, classifyZonecfgFailure, fieldsOf(ctx, zone));
    if (ctx.dryRun) {
      const count = remaps.netRemaps.length + remaps.deviceRemaps.length;
      if (count > 0) await exec(ctx, 'zonecfg', zonecfgArgs.fromFile(zone, remapPath(zone)), { mutating: true });
      const warnings = count > 0 ? [`the ${count} remaps are checked against the configuration once it exists`] : [];
      return { ...planned('create', warnings), remapped: [] };
    }
  }

  const exported = await exec(ctx, 'zonecfg', zonecfgArgs.export(zone), { mutating: false });
  if (zonecfgFailed(exported)) throw commandError(ctx, exported, classifyZonecfgFailure, fieldsOf(ctx, zone));
  let plan;
  try {
    plan = renderRemapCommands(parseZonecfgExport(exported.stdout), remaps);
  } catch (err) {
    if (err instanceof TwinzoneError) {
      throw new TwinzoneError(err.code, `${err.message} (zone ${zone})`, { fields: { ...fieldsOf(ctx, zone), ...err.details.fields }, commands: [...ctx.commands] });
    }
    throw err;
  }

  if (ctx.dryRun) {
    if (plan.text !== '') await exec(ctx, 'zonecfg', zonecfgArgs.fromFile(zone, remapPath(zone)), { mutating: true });
    const warnings = plan.text !== '' ? [`${remapPath(zone)} would hold: ${plan.text.trim().split('\n').join('; ')}`] : [];
    return { ...planned(plan.text !== '' ? 'remap' : 'leave the configuration as it is', warnings), remapped: plan.changes };
  }
  if (plan.text !== '') await applyRemapFile(ctx, zone, plan.text);

  const after = await requireZone(ctx, zone);
  const createdNow = !existing;
  const remapped = plan.changes.length > 0;
  const outcome = createdNow ? (remapped ? 'created and remapped' : 'created') : remapped ? 'remapped' : 'already configured';
  return { outcome, changed: createdNow || remapped, state: after.state, remapped: plan.changes };
}

/** `s8_p2v Z`: the solaris8 brand's conversion for this host (ref 4); needs an installed zone. */
export async function convertZone(ctx: OpContext, req: ZoneRequest): Promise<ZoneOpOutcome> {
  requireZoneName(req.zone);
  const zone = req.zone;
  const { state, brand } = await requireZone(ctx, zone);
  if (brand !== 'solaris8') {
    throw opError(ctx, 'PRECONDITION_FAILED', zone, `cannot convert ${zone}: s8_p2v applies to solaris8 branded zones and ${zone} is ${brand}`, { brand });
  }
  if (LIVE_STATES.includes(state)) throw wrongState(ctx, zone, state, `cannot convert ${zone}: it is ${state}; halt it first`);
  if (state !== 'installed') throw wrongState(ctx, zone, state, `cannot convert ${zone}: it is ${state}; attach it first`);
  const result = await exec(ctx, 's8_p2v', s8p2vArgs.convert(zone), { mutating: true });
  if (ctx.dryRun) return planned('convert');
  requireSuccess(ctx, result, classifyS8P2vFailure, fieldsOf(ctx, zone));
  const report = parseS8P2vOutput(result.stdout, result.stderr);
  if (!report.successful) {
    throw opError(ctx, 'COMMAND_FAILED', zone, `\`${result.record.argv.join(' ')}\` exited 0 without "Postprocessing successful.": ${report.warnings.slice(-3).join('\n')}`);
  }
  return settle(ctx, zone, 'converted', 'installed', report.warnings);
}

/**
 * `zonecfg -z Z delete -F`. Not configured: "already deleted". A zone that is up is
 * refused: its configuration is what lets zoneadm halt it (I1 needs it stoppable).
 */
export async function deleteZoneConfig(ctx: OpContext, req: ZoneRequest): Promise<ZoneOpOutcome> {
  requireZoneName(req.zone);
  const zone = req.zone;
  const { record } = await lookupZone(ctx, zone);
  if (!record) return { outcome: 'already deleted', changed: false };
  if (LIVE_STATES.includes(record.state)) {
    throw wrongState(ctx, zone, record.state, `cannot delete the configuration of ${zone}: it is ${record.state}; halt it first`);
  }
  const result = await exec(ctx, 'zonecfg', zonecfgArgs.deleteForce(zone), { mutating: true });
  if (ctx.dryRun) return planned('delete');
  if (zonecfgFailed(result)) throw commandError(ctx, result, classifyZonecfgFailure, fieldsOf(ctx, zone));
  const { record: after } = await lookupZone(ctx, zone);
  if (after) throw opError(ctx, 'COMMAND_FAILED', zone, `zonecfg delete -F exited 0 but ${zone} is still ${after.state}`);
  return { outcome: 'deleted', changed: true };
}
