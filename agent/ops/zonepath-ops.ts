// PrepareZonepath (DESIGN "First-time migration", target side): the /zones loopback
// mount, the zonepath (owner root, mode 700: zoneadm verify refuses anything else, ref
// 1.10) and the vfstab entries. Each part is checked first and left alone when it
// already holds; a dry run reports what would change and touches nothing.
// The mount argv, the mnttab reader and the vfstab text editing are the storage
// commands' (agent/commands/mount.ts, mnttab.ts, vfstab.ts), used here as they are.
// ("ref" below: shared/reference/solaris-commands.md.)
import fs from 'node:fs';
import path from 'node:path';
import { errors, TwinzoneError } from '../../shared/errors/twinzone-error.js';
import { readFileIfExists, writeFileDurable } from '../../shared/fs/atomic-file.js';
import { requirePath } from '../../shared/validate/paths.js';
import { describeZoneNameProblem, zoneNameProblem } from '../../shared/validate/zone-name.js';
import { mountAt, parseMnttab } from '../commands/mnttab.js';
import { classifyMountFailure, mountArgs } from '../commands/mount.js';
import { findVfstabEntry, formatVfstabEntry, upsertVfstabEntry, type VfstabEntry } from '../commands/vfstab.js';
import { requireSuccess } from './command-errors.js';
import { exec, realPath, type OpContext } from './op-context.js';
import type { ZoneOpOutcome } from './op-result.js';

export interface PrepareZonepathRequest {
  zone: string;
  zonepath: string;
  /** The directory looped back at the mount point (e.g. /export/zones); empty with the mount point: none. */
  zonesLofsSpecial: string;
  zonesLofsMountPoint: string;
  /** Entries to add or replace in /etc/vfstab, by mount point. */
  vfstab: readonly VfstabEntry[];
}

export interface PrepareZonepathOutcome extends ZoneOpOutcome {
  /** What was (or on dry run would be) changed, one line each; empty when everything held. */
  changes: string[];
}

const ZONEPATH_MODE = 0o700;
const PARENT_MODE = 0o755;
const VFSTAB = '/etc/vfstab';
const MNTTAB = '/etc/mnttab';
/** vfstab fields are whitespace-separated (ref 6.2); "-" stands for empty. */
const VFSTAB_FIELD = /^\S*$/;

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

function modeText(mode: number): string {
  return (mode & 0o777).toString(8).padStart(3, '0');
}

function fail(ctx: OpContext, zone: string, message: string): TwinzoneError {
  return new TwinzoneError('PRECONDITION_FAILED', message, { fields: { zone, host: ctx.host }, commands: [...ctx.commands] });
}

function statOrNull(p: string): fs.Stats | null {
  try {
    return fs.statSync(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

function validate(req: PrepareZonepathRequest): void {
  const problem = zoneNameProblem(req.zone);
  if (problem) throw errors.invalidArgument(describeZoneNameProblem(req.zone, problem), { field: 'zone' });
  requirePath('zonepath', req.zonepath);
  // ref 2.6: "/ is not allowed as a zonepath."
  if (req.zonepath === '/') throw errors.invalidArgument('zonepath "/" is not allowed', { field: 'zonepath' });
  if ((req.zonesLofsSpecial === '') !== (req.zonesLofsMountPoint === '')) {
    throw errors.invalidArgument('zones_lofs_special and zones_lofs_mount_point go together: give both or neither', { field: 'zones_lofs_special' });
  }
  if (req.zonesLofsSpecial !== '') {
    requirePath('zones_lofs_special', req.zonesLofsSpecial);
    requirePath('zones_lofs_mount_point', req.zonesLofsMountPoint);
  }
  for (const [i, e] of req.vfstab.entries()) {
    requirePath(`vfstab[${i}].mount_point`, e.mountPoint);
    for (const [name, value] of Object.entries({ special: e.special, fsck_device: e.fsckDevice, fstype: e.fstype, fsck_pass: e.fsckPass, options: e.options })) {
      if (!VFSTAB_FIELD.test(value)) throw errors.invalidArgument(`vfstab[${i}].${name} ${JSON.stringify(value)} contains blanks`, { field: `vfstab[${i}].${name}` });
    }
    if (e.special === '' || e.fstype === '') throw errors.invalidArgument(`vfstab[${i}] needs a special and an fstype`, { field: `vfstab[${i}]` });
  }
}

/** The loopback mount that makes /zones; mounted when absent, refused when something else is there. */
async function ensureLofs(ctx: OpContext, req: PrepareZonepathRequest, changes: string[], plannedDirs: Set<string>): Promise<void> {
  const special = req.zonesLofsSpecial;
  const mountPoint = req.zonesLofsMountPoint;
  // What is visible at the mount point is the last mount there (mounts stack).
  const mounted = mountAt(parseMnttab(readFileIfExists(realPath(ctx, MNTTAB)) ?? ''), mountPoint);
  if (mounted) {
    if (mounted.fstype === 'lofs' && mounted.special === special) return;
    throw fail(ctx, req.zone, `${mountPoint} has ${mounted.special} (${mounted.fstype}) mounted, not the loopback of ${special}`);
  }
  const specialStat = statOrNull(realPath(ctx, special));
  if (!specialStat?.isDirectory()) throw fail(ctx, req.zone, `cannot loop back ${special} at ${mountPoint}: ${special} is not a directory`);
  const realMountPoint = realPath(ctx, mountPoint);
  const mountPointStat = statOrNull(realMountPoint);
  if (mountPointStat && !mountPointStat.isDirectory()) throw fail(ctx, req.zone, `mount point ${mountPoint} exists and is not a directory`);
  if (!mountPointStat) {
    changes.push(`create mount point ${mountPoint}`);
    if (ctx.dryRun) plannedDirs.add(mountPoint);
    else fs.mkdirSync(realMountPoint, { recursive: true, mode: PARENT_MODE });
  }
  // `mount -F lofs SPECIAL MOUNT_POINT` (ref 6.1)
  const result = await exec(ctx, 'mount', mountArgs.explicit({ special, mountPoint, fstype: 'lofs', options: [] }), { mutating: true });
  requireSuccess(ctx, result, classifyMountFailure, { zone: req.zone, host: ctx.host });
  changes.push(`mount ${special} on ${mountPoint} (lofs)`);
}

function makeOwnedDir(real: string, mode: number): void {
  fs.mkdirSync(real, { mode });
  fs.chmodSync(real, mode); // mkdir's mode is filtered by the umask
  if (isRoot()) fs.chownSync(real, 0, 0);
}

/**
 * Makes DIR and its missing parents (root, 755), as planned changes on a dry run (a
 * directory only planned counts as made, not as made twice). Returns DIR's status when
 * it already existed.
 */
function ensureDirectories(ctx: OpContext, zone: string, dir: string, changes: string[], plannedDirs: Set<string>, label: string): fs.Stats | null {
  const parts = dir.split('/').filter((p) => p !== '');
  let last: fs.Stats | null = null;
  for (let i = 1; i <= parts.length; i += 1) {
    const d = `/${parts.slice(0, i).join('/')}`;
    last = null;
    if (plannedDirs.has(d)) continue;
    const st = statOrNull(realPath(ctx, d));
    if (st && !st.isDirectory()) throw fail(ctx, zone, `${label ? `${label}${dir}: ` : ''}${d} exists and is not a directory`);
    if (st) {
      last = st;
      continue;
    }
    changes.push(`create ${i === parts.length ? label : ''}${d} (root, mode ${modeText(PARENT_MODE)})`);
    if (ctx.dryRun) plannedDirs.add(d);
    else makeOwnedDir(realPath(ctx, d), PARENT_MODE);
  }
  return last;
}

/** Missing parents (root, 755), then the zonepath itself (root, 700); an existing zonepath is corrected. */
function ensureZonepath(ctx: OpContext, req: PrepareZonepathRequest, changes: string[], warnings: string[], plannedDirs: Set<string>): void {
  const parent = ensureDirectories(ctx, req.zone, path.posix.dirname(req.zonepath), changes, plannedDirs, '');
  if (parent && (parent.mode & 0o022) !== 0) {
    // ref 1.10: the parent "must not be group writable" (nor world writable)
    warnings.push(`${path.posix.dirname(req.zonepath)} is mode ${modeText(parent.mode)}; zoneadm verify wants the zonepath's parent not group or world writable`);
  }

  const real = realPath(ctx, req.zonepath);
  const st = statOrNull(real);
  if (st && !st.isDirectory()) throw fail(ctx, req.zone, `zonepath ${req.zonepath} exists and is not a directory`);
  if (!st) {
    changes.push(`create zonepath ${req.zonepath} (root, mode ${modeText(ZONEPATH_MODE)})`);
    if (!ctx.dryRun) makeOwnedDir(real, ZONEPATH_MODE);
    return;
  }
  if ((st.mode & 0o777) !== ZONEPATH_MODE) {
    // ref 1.10: attach and boot refuse a zonepath that is not exactly 700
    const line = `chmod zonepath ${req.zonepath} from ${modeText(st.mode)} to ${modeText(ZONEPATH_MODE)}`;
    changes.push(line);
    warnings.push(`zonepath ${req.zonepath} was mode ${modeText(st.mode)}; ${ctx.dryRun ? 'would set' : 'set'} it to ${modeText(ZONEPATH_MODE)}`);
    if (!ctx.dryRun) fs.chmodSync(real, ZONEPATH_MODE);
  }
  // Only root can give files to root; unprivileged runs (the lab) leave ownership alone.
  if (isRoot() && (st.uid !== 0 || st.gid !== 0)) {
    changes.push(`chown zonepath ${req.zonepath} from ${st.uid}:${st.gid} to 0:0`);
    if (!ctx.dryRun) fs.chownSync(real, 0, 0);
  }
}

/**
 * The runbook replicates every mount point of the source (seed: "All mountpoints ...
 * must be replicated"): each vfstab entry's mount point directory is made if missing.
 */
function ensureMountPoints(ctx: OpContext, req: PrepareZonepathRequest, changes: string[], plannedDirs: Set<string>): void {
  for (const entry of req.vfstab) {
    if (entry.mountPoint.startsWith('/')) ensureDirectories(ctx, req.zone, entry.mountPoint, changes, plannedDirs, 'mount point ');
  }
}

/** Adds or replaces each entry by mount point, keeping every other line (comments too). */
function ensureVfstab(ctx: OpContext, req: PrepareZonepathRequest, changes: string[]): void {
  if (req.vfstab.length === 0) return;
  const real = realPath(ctx, VFSTAB);
  const before = readFileIfExists(real) ?? '';
  let text = before;
  for (const entry of req.vfstab) {
    const existing = findVfstabEntry(text, entry.mountPoint);
    if (existing && formatVfstabEntry(existing) === formatVfstabEntry(entry)) continue;
    text = upsertVfstabEntry(text, entry);
    changes.push(`${existing ? 'replace' : 'add'} vfstab entry for ${entry.mountPoint} (mount at boot ${entry.mountAtBoot ? 'yes' : 'no'})`);
  }
  if (text !== before && !ctx.dryRun) writeFileDurable(real, text, 0o644);
}

export async function prepareZonepath(ctx: OpContext, req: PrepareZonepathRequest): Promise<PrepareZonepathOutcome> {
  validate(req);
  const changes: string[] = [];
  const warnings: string[] = [];
  const plannedDirs = new Set<string>();
  // The loopback first: a zonepath made before it would be hidden under the mount.
  if (req.zonesLofsMountPoint !== '') await ensureLofs(ctx, req, changes, plannedDirs);
  ensureZonepath(ctx, req, changes, warnings, plannedDirs);
  ensureMountPoints(ctx, req, changes, plannedDirs);
  ensureVfstab(ctx, req, changes);
  const extra = warnings.length > 0 ? { warnings } : {};
  if (changes.length === 0) return { outcome: 'already prepared', changed: false, changes, ...extra };
  if (ctx.dryRun) return { outcome: 'would prepare', changed: false, changes, ...extra };
  return { outcome: 'prepared', changed: true, changes, ...extra };
}

