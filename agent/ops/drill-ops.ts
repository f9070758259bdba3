// The DR drill's operations on the DR host (agent.proto DrillAction; README "DR drill"):
// a point-in-time clone of the replica (TimeFinder/Clone on the R2 devices: the RDF
// pairs, and so production's replication, are never touched), the clone's disk group
// imported under its own name and mounted at drill mount points, and a drill copy of the
// DR twin under its own zone name and address, made from the twin's detached zonepath
// (pax through an archive file) — then each of those taken away again. Every verb reads
// the state first and does nothing when its goal already holds, so a drill resumed or
// cleaned up after a crash repeats verbs safely. Production's names are refused before
// any command (assertDrillNames): a drill never acts on a configured zone or group.
import fs from 'node:fs/promises';
import { errors, TwinzoneError } from '../../shared/errors/twinzone-error.js';
import { requirePath } from '../../shared/validate/paths.js';
import { requireRdfGroupName, requireVxName } from '../../shared/validate/storage-names.js';
import { describeZoneNameProblem, zoneNameProblem } from '../../shared/validate/zone-name.js';
import type { AttachDeltas } from '../commands/attach-deltas.js';
import { classifySymcloneFailure, isNoCloneSession, parseSymcloneQuery, symcloneArgs, type SymcloneQuery } from '../commands/symclone.js';
import { classifyVxdgFailure, isVxdgAlreadyImported, vxdgArgs } from '../commands/vxdg.js';
import { classifyZonecfgFailure, parseZonecfgExport, renderRemapCommands, zonecfgArgs, zonecfgFailed } from '../commands/zonecfg.js';
import { createArchiveFile, extractArchiveFile } from './archive-ops.js';
import { commandError, requireSuccess } from './command-errors.js';
import { exec, realPath, type OpContext } from './op-context.js';
import type { OpOutcome } from './op-result.js';
import { queryReplication } from './replication-ops.js';
import { deportStorage, listImportedGroups, mountFs, unmountFs } from './storage-ops.js';
import { attachZone, bootZone, convertZone, createZoneFromDetached, deleteZoneConfig, detachZone, getZone, haltZone, listZones } from './zone-ops.js';

export const DRILL_VERBS = [
  'clone-replica', 'import-clone', 'mount-clone', 'create-zone', 'boot-zone',
  'halt-zone', 'remove-zone', 'unmount-clone', 'deport-clone', 'terminate-clone',
] as const;
export type DrillVerb = (typeof DRILL_VERBS)[number];

export interface DrillVolume {
  name: string;
  fstype: string;
  /** The drill's mount point for the clone's volume. */
  mountPoint: string;
}

export interface DrillRequest {
  verb: DrillVerb;
  /** The drill zone (the mutation's zone). */
  zone: string;
  sourceZone: string;
  rdfGroup: string;
  diskGroup: string;
  cloneGroup: string;
  volumes: DrillVolume[];
  zonepath: string;
  address: string;
  physical: string;
  fsRemaps: { from: string; to: string }[];
  forceAttach: boolean;
  protectedZones: string[];
  protectedGroups: string[];
}

export interface DrillOutcome extends OpOutcome {
  pairState?: string;
  r2InvalidTracks?: number;
  pointInTimeMs?: number | null;
  /** create-zone: attach refused over these deltas; the caller decides whether to force. */
  deltas?: AttachDeltas;
}

/** Where the zonepath copy's archive passes through (removed whatever happens). */
function archivePathFor(zone: string): string {
  return `/var/tmp/twinzone-drill-${zone}.pax`;
}

function refuse(message: string, fields: Record<string, string>): TwinzoneError {
  return new TwinzoneError('PRECONDITION_FAILED', message, { fields });
}

/**
 * The defensive check of every verb: the drill's zone and disk group are never
 * production's. The coordinator already refuses such a drill; this holds even if a
 * caller is wrong.
 */
export function assertDrillNames(req: DrillRequest): void {
  const problem = zoneNameProblem(req.zone);
  if (problem) throw errors.invalidArgument(describeZoneNameProblem(req.zone, problem), { field: 'mutation.zone' });
  if (req.zone === req.sourceZone || req.protectedZones.includes(req.zone)) {
    throw refuse(`drill zone ${req.zone} is a configured production zone; a drill acts only on a zone of its own name`, { zone: req.zone });
  }
  if (req.cloneGroup !== '') {
    requireVxName('clone_group', req.cloneGroup);
    if (req.cloneGroup === req.diskGroup || req.protectedGroups.includes(req.cloneGroup)) {
      throw refuse(`drill disk group ${req.cloneGroup} is a production disk group; a drill imports its clone only under a name of its own`, { group: req.cloneGroup });
    }
  }
  if (req.rdfGroup !== '') requireRdfGroupName('rdf_group', req.rdfGroup);
  if (req.diskGroup !== '') requireVxName('disk_group', req.diskGroup);
  if (req.zonepath !== '') requirePath('zonepath', req.zonepath);
  for (const v of req.volumes) requirePath('volumes.mount_point', v.mountPoint);
}

async function cloneSession(ctx: OpContext, group: string): Promise<SymcloneQuery | null> {
  const result = await exec(ctx, 'symclone', symcloneArgs(group, 'query'), { mutating: false });
  if (result.record.exitCode !== 0 && !result.timedOut && isNoCloneSession(result)) return null;
  requireSuccess(ctx, result, classifySymcloneFailure, { group });
  return parseSymcloneQuery(result.stdout);
}

async function symclone(ctx: OpContext, group: string, verb: 'create' | 'activate' | 'terminate'): Promise<void> {
  const result = await exec(ctx, 'symclone', symcloneArgs(group, verb), { mutating: true });
  if (!ctx.dryRun) requireSuccess(ctx, result, classifySymcloneFailure, { group, verb });
}

/** symrdf query for the replica's state, then a clone session created and activated (each only if not yet). */
async function cloneReplica(ctx: OpContext, req: DrillRequest): Promise<DrillOutcome> {
  const replica = await queryReplication(ctx, req.rdfGroup);
  const facts = { pairState: replica.pairState, r2InvalidTracks: replica.r2InvalidTracks };
  let session = await cloneSession(ctx, req.rdfGroup);
  const steps: string[] = [];
  if (!session) {
    await symclone(ctx, req.rdfGroup, 'create');
    steps.push('created');
  }
  if (!session || session.state === 'Created') {
    await symclone(ctx, req.rdfGroup, 'activate');
    steps.push('activated');
  }
  if (ctx.dryRun) return { ...facts, outcome: 'would clone', changed: false };
  session = await cloneSession(ctx, req.rdfGroup);
  if (!session) throw refuse(`symclone reported no session for ${req.rdfGroup} after creating it`, { group: req.rdfGroup });
  const how = steps.length === 0 ? 'already cloned' : `clone ${steps.join(' and ')}`;
  return { ...facts, pointInTimeMs: session.pointInTimeMs, outcome: `${how} (${session.state}, ${session.percentCopied}% copied; replica ${replica.pairState})`, changed: steps.length > 0 };
}

async function importClone(ctx: OpContext, req: DrillRequest): Promise<DrillOutcome> {
  const here = (await listImportedGroups(ctx, 'vxdg')).find((g) => g.name === req.cloneGroup);
  if (here) return { outcome: 'already imported', changed: false };
  const result = await exec(ctx, 'vxdg', vxdgArgs.importClone(req.diskGroup, req.cloneGroup), { mutating: true });
  if (ctx.dryRun) return { outcome: 'would import the clone', changed: false };
  if (isVxdgAlreadyImported(result)) return { outcome: 'already imported', changed: false };
  requireSuccess(ctx, result, classifyVxdgFailure, { group: req.cloneGroup });
  return { outcome: `clone of ${req.diskGroup} imported as ${req.cloneGroup}`, changed: true };
}

async function mountClone(ctx: OpContext, req: DrillRequest): Promise<DrillOutcome> {
  const done: string[] = [];
  for (const v of req.volumes) {
    if (!ctx.dryRun) await fs.mkdir(realPath(ctx, v.mountPoint), { recursive: true, mode: 0o755 });
    const o = await mountFs(ctx, { special: `/dev/vx/dsk/${req.cloneGroup}/${v.name}`, mountPoint: v.mountPoint, fstype: v.fstype, options: [] });
    if (o.changed) done.push(v.mountPoint);
  }
  return { outcome: done.length > 0 ? `mounted ${done.join(', ')}` : 'already mounted', changed: done.length > 0 };
}

async function unmountClone(ctx: OpContext, req: DrillRequest): Promise<DrillOutcome> {
  const done: string[] = [];
  for (const v of [...req.volumes].reverse()) {
    const o = await unmountFs(ctx, { mountPoint: v.mountPoint, force: false });
    if (o.changed) done.push(v.mountPoint);
    if (!ctx.dryRun) await fs.rm(realPath(ctx, v.mountPoint), { recursive: false, force: true }).catch(() => undefined);
  }
  return { outcome: done.length > 0 ? `unmounted ${done.join(', ')}` : 'already unmounted', changed: done.length > 0 };
}

async function zoneState(ctx: OpContext, zone: string): Promise<string | null> {
  return (await listZones(ctx)).find((z) => z.name === zone)?.state ?? null;
}

/** The zonepath copy: pax -w of the twin's zonepath into an archive file, pax -r into the drill's. */
async function copyZonepath(ctx: OpContext, from: string, to: string, zone: string): Promise<string[]> {
  const archive = archivePathFor(zone);
  await fs.rm(realPath(ctx, archive), { force: true });
  await fs.rm(realPath(ctx, to), { recursive: true, force: true });
  await fs.mkdir(realPath(ctx, to), { recursive: true, mode: 0o700 });
  await fs.chmod(realPath(ctx, to), 0o700);
  try {
    const out = await createArchiveFile(ctx, { zonepath: from, archivePath: archive });
    const into = await extractArchiveFile(ctx, { zonepath: to, archivePath: archive });
    return [...out.warnings, ...into.warnings];
  } finally {
    await fs.rm(realPath(ctx, archive), { force: true });
  }
}

/**
 * The drill zone from the DR twin: its detached zonepath copied, `zonecfg create -a`,
 * the net resources given the drill address (and interface), the fs resources pointed
 * at the drill mounts, attach (over deltas only with forceAttach), s8_p2v for solaris8.
 */
async function createZone(ctx: OpContext, req: DrillRequest): Promise<DrillOutcome> {
  if (req.zonepath === '' || req.address === '') throw errors.invalidArgument('create-zone needs the drill zonepath and address', { field: 'zonepath' });
  const twin = await getZone(ctx, req.sourceZone);
  if (!twin.detachedManifest) {
    throw refuse(`the DR twin ${req.sourceZone} on ${ctx.host} is ${twin.summary.state} without a detach manifest; a drill copies a detached twin (the DR twin must not be in use)`, { zone: req.sourceZone });
  }
  if (req.zonepath === twin.summary.zonepath) throw refuse(`the drill zonepath ${req.zonepath} is the DR twin's own`, { zonepath: req.zonepath });
  let state = await zoneState(ctx, req.zone);
  if (state === 'installed' || state === 'ready' || state === 'running') return { outcome: `already created (${state})`, changed: false };
  if (ctx.dryRun) return { outcome: `would copy ${twin.summary.zonepath} to ${req.zonepath}, create ${req.zone}, attach`, changed: false };
  let warnings: string[] = [];
  if (state === null) {
    warnings = await copyZonepath(ctx, twin.summary.zonepath, req.zonepath, req.zone);
    await createZoneFromDetached(ctx, { zone: req.zone, zonepath: req.zonepath, netRemaps: [], deviceRemaps: [] });
    await applyDrillConfig(ctx, req, twin.config.net[0]?.physical ?? '');
    state = await zoneState(ctx, req.zone);
  }
  let attached = await attachZone(ctx, { zone: req.zone, force: false });
  if (!attached.attached && attached.deltas && req.forceAttach) attached = await attachZone(ctx, { zone: req.zone, force: true });
  if (!attached.attached) {
    return { outcome: 'not attached: software deltas', changed: true, ...(attached.deltas && { deltas: attached.deltas }), warnings };
  }
  if (twin.config.brand === 'solaris8') await convertZone(ctx, { zone: req.zone });
  return { outcome: `created from ${req.sourceZone}'s detached zonepath and attached${attached.outcome.includes('forced') ? ' (forced over accepted deltas)' : ''}`, changed: true, warnings };
}

/** The drill's address (and interface) on every net resource, its mounts under every fs special. */
async function applyDrillConfig(ctx: OpContext, req: DrillRequest, twinPhysical: string): Promise<void> {
  const exported = await exec(ctx, 'zonecfg', zonecfgArgs.export(req.zone), { mutating: false });
  if (zonecfgFailed(exported)) throw commandError(ctx, exported, classifyZonecfgFailure, { zone: req.zone });
  const config = parseZonecfgExport(exported.stdout);
  const physicals = [...new Set(config.net.map((n) => n.physical))];
  const toPhysical = req.physical || twinPhysical;
  const plan = renderRemapCommands(config, {
    netRemaps: physicals.map((p) => ({ fromPhysical: p, toPhysical: toPhysical === p ? '' : toPhysical, address: req.address, defrouter: '' })),
    deviceRemaps: [],
  });
  const lines = plan.text === '' ? [] : plan.text.trimEnd().split('\n');
  for (const f of config.fs) {
    const remap = req.fsRemaps.find((r) => f.special === r.from || f.special.startsWith(`${r.from}/`));
    if (remap) lines.push(`select fs dir=${f.dir}`, `set special=${remap.to}${f.special.slice(remap.from.length)}`, 'end');
  }
  if (lines.length === 0) return;
  const file = `/var/tmp/twinzone-drill-${req.zone}.cfg`;
  await fs.writeFile(realPath(ctx, file), `${lines.join('\n')}\n`, { mode: 0o600 });
  try {
    const result = await exec(ctx, 'zonecfg', zonecfgArgs.fromFile(req.zone, file), { mutating: true });
    if (zonecfgFailed(result)) throw commandError(ctx, result, classifyZonecfgFailure, { zone: req.zone });
  } finally {
    await fs.rm(realPath(ctx, file), { force: true });
  }
}

/** Detach (the zone stops being installed), delete the configuration, remove the zonepath copy. */
async function removeZone(ctx: OpContext, req: DrillRequest): Promise<DrillOutcome> {
  if (req.zonepath === '') throw errors.invalidArgument('remove-zone needs the drill zonepath', { field: 'zonepath' });
  const state = await zoneState(ctx, req.zone);
  if (state === 'running' || state === 'ready') throw refuse(`drill zone ${req.zone} is ${state}; halt it first`, { zone: req.zone });
  if (state === 'installed') await detachZone(ctx, { zone: req.zone });
  if (state !== null) await deleteZoneConfig(ctx, { zone: req.zone });
  if (ctx.dryRun) return { outcome: `would remove ${req.zone} and ${req.zonepath}`, changed: false };
  const existed = await fs.stat(realPath(ctx, req.zonepath)).then(() => true, () => false);
  await fs.rm(realPath(ctx, req.zonepath), { recursive: true, force: true });
  const changed = state !== null || existed;
  return { outcome: changed ? `removed ${req.zone} and its zonepath ${req.zonepath}` : 'already removed', changed };
}

async function terminateClone(ctx: OpContext, req: DrillRequest): Promise<DrillOutcome> {
  if (!(await cloneSession(ctx, req.rdfGroup))) return { outcome: 'no clone session', changed: false };
  await symclone(ctx, req.rdfGroup, 'terminate');
  return ctx.dryRun ? { outcome: 'would terminate', changed: false } : { outcome: 'clone session terminated', changed: true };
}

export async function drillAction(ctx: OpContext, req: DrillRequest): Promise<DrillOutcome> {
  if (!DRILL_VERBS.includes(req.verb)) throw errors.invalidArgument(`verb ${JSON.stringify(req.verb)} is not a drill verb`, { field: 'verb' });
  assertDrillNames(req);
  switch (req.verb) {
    case 'clone-replica':
      return cloneReplica(ctx, req);
    case 'import-clone':
      return importClone(ctx, req);
    case 'mount-clone':
      return mountClone(ctx, req);
    case 'create-zone':
      return createZone(ctx, req);
    case 'boot-zone':
      return bootZone(ctx, { zone: req.zone });
    case 'halt-zone':
      return (await zoneState(ctx, req.zone)) === null ? { outcome: 'no such zone', changed: false } : haltZone(ctx, { zone: req.zone });
    case 'remove-zone':
      return removeZone(ctx, req);
    case 'unmount-clone':
      return unmountClone(ctx, req);
    case 'deport-clone':
      return deportStorage(ctx, { kind: 'vxdg', group: req.cloneGroup });
    case 'terminate-clone':
      return terminateClone(ctx, req);
  }
}
