// Storage verbs of the runbook: import and deport a Veritas disk group or a ZFS pool,
// mount and unmount a file system, list the mount table. Each reads the state first
// and succeeds without running anything when the goal already holds ("already
// imported", "already deported", "already mounted", "already unmounted"), so a retried
// step is harmless (agent.proto ImportStorage ... UnmountFs).
import fs from 'node:fs/promises';
import { TwinzoneError, errors } from '../../shared/errors/twinzone-error.js';
import { requirePath } from '../../shared/validate/paths.js';
import { requireDatasetName, requirePoolName, requireVxName } from '../../shared/validate/storage-names.js';
import { classifyMountFailure, mountArgs } from '../commands/mount.js';
import { mountAt, mountsDependingOn, parseMnttab, type MnttabEntry } from '../commands/mnttab.js';
import { classifyUmountFailure, isNotMounted, umountArgs } from '../commands/umount.js';
import { findVfstabEntry } from '../commands/vfstab.js';
import { classifyVxdgFailure, isVxdgAlreadyImported, isVxdgNoSuchGroup, parseVxdgList, vxdgArgs, vxdgUsable } from '../commands/vxdg.js';
import { classifyZpoolFailure, isZpoolAlreadyImported, isZpoolNoSuchPool, parseZpoolList, zpoolArgs } from '../commands/zpool.js';
import { requireSuccess } from './command-errors.js';
import { exec, realPath, type OpContext } from './op-context.js';
import type { OpOutcome } from './op-result.js';

export type StorageKind = 'vxdg' | 'zpool';

export interface StorageGroupRef {
  kind: StorageKind;
  group: string;
}

export interface ImportStorageRequest extends StorageGroupRef {
  /** vxdg -C / zpool import -f: take the group from a holder that is gone. */
  clearForeignLock: boolean;
  /** vxdg -t / zpool cachefile=none: not imported again at boot. */
  temporary: boolean;
}

export interface MountFsRequest {
  /** Omitted or empty: `mount MOUNTPOINT`, everything else from /etc/vfstab. */
  special?: string;
  mountPoint: string;
  fstype?: string;
  options: readonly string[];
}

export interface UnmountFsRequest {
  mountPoint: string;
  force: boolean;
}

/** A group as this host sees it in `vxdg list` / `zpool list`. */
export interface ImportedGroup {
  name: string;
  /** vxdg STATE (enabled, disabled) or zpool HEALTH (ONLINE, UNAVAIL, ...). */
  state: string;
  /** Imported and usable: enabled / not UNAVAIL or FAULTED. */
  usable: boolean;
}

const FSTYPE = /^[a-z0-9]{1,16}$/;
// One mount option: "logging", "ioerror=mwdisable", "ro"; commas separate options, so
// none may contain one.
const MOUNT_OPTION = /^[A-Za-z0-9_.=:/+-]{1,256}$/;

/** Validates the group name for its kind; nothing has run yet. */
export function requireGroupRef(field: string, ref: StorageGroupRef): StorageGroupRef {
  if (ref.kind === 'vxdg') requireVxName(field, ref.group);
  else if (ref.kind === 'zpool') requirePoolName(field, ref.group);
  else throw errors.invalidArgument(`kind ${JSON.stringify(ref.kind)} is neither vxdg nor zpool`, { field: 'kind' });
  return ref;
}

/** What of this kind is imported here (read-only; runs on dry run too). */
export async function listImportedGroups(ctx: OpContext, kind: StorageKind): Promise<ImportedGroup[]> {
  if (kind === 'vxdg') {
    const result = requireSuccess(ctx, await exec(ctx, 'vxdg', vxdgArgs.list(), { mutating: false }), classifyVxdgFailure);
    return parseVxdgList(result.stdout).map((r) => ({ name: r.name, state: r.state, usable: vxdgUsable(r) }));
  }
  const result = requireSuccess(ctx, await exec(ctx, 'zpool', zpoolArgs.list(), { mutating: false }), classifyZpoolFailure);
  return parseZpoolList(result.stdout).map((r) => ({ name: r.name, state: r.health, usable: !['UNAVAIL', 'FAULTED'].includes(r.health) }));
}

function noun(kind: StorageKind): string {
  return kind === 'vxdg' ? 'disk group' : 'pool';
}

export async function importStorage(ctx: OpContext, req: ImportStorageRequest): Promise<OpOutcome> {
  requireGroupRef('group', req);
  const fields = { group: req.group, kind: req.kind };
  const here = (await listImportedGroups(ctx, req.kind)).find((g) => g.name === req.group);
  if (here?.usable) return { outcome: 'already imported', changed: false };
  if (here) {
    // Imported in this host's view but unusable: the usual cause is that another host
    // imported it with -C/-f and preempted this host's reservation key (DESIGN "Leases
    // and fencing"). Importing again cannot work until this host lets go of it.
    throw new TwinzoneError(
      'STORAGE_HELD_ELSEWHERE',
      `${noun(req.kind)} ${req.group} is imported on ${ctx.host} but ${here.state}: another host has probably taken it (or its disks are unreachable); deport it here first`,
      { fields, commands: [...ctx.commands] },
    );
  }
  const args = req.kind === 'vxdg'
    ? vxdgArgs.import(req.group, { clearLock: req.clearForeignLock, temporary: req.temporary })
    : zpoolArgs.import(req.group, { force: req.clearForeignLock, temporary: req.temporary });
  const result = await exec(ctx, req.kind, args, { mutating: true });
  if (ctx.dryRun) return { outcome: 'would import', changed: false };
  // Raced with another import on this host between the list and the import.
  if (req.kind === 'vxdg' ? isVxdgAlreadyImported(result) : isZpoolAlreadyImported(result)) {
    return { outcome: 'already imported', changed: false };
  }
  requireSuccess(ctx, result, req.kind === 'vxdg' ? classifyVxdgFailure : classifyZpoolFailure, fields);
  return { outcome: 'imported', changed: true };
}

export async function deportStorage(ctx: OpContext, ref: StorageGroupRef): Promise<OpOutcome> {
  requireGroupRef('group', ref);
  const fields = { group: ref.group, kind: ref.kind };
  const here = (await listImportedGroups(ctx, ref.kind)).find((g) => g.name === ref.group);
  if (!here) return { outcome: 'already deported', changed: false };
  const args = ref.kind === 'vxdg' ? vxdgArgs.deport(ref.group) : zpoolArgs.export(ref.group);
  const result = await exec(ctx, ref.kind, args, { mutating: true });
  if (ctx.dryRun) return { outcome: 'would deport', changed: false };
  if (ref.kind === 'vxdg' ? isVxdgNoSuchGroup(result) : isZpoolNoSuchPool(result)) {
    return { outcome: 'already deported', changed: false };
  }
  requireSuccess(ctx, result, ref.kind === 'vxdg' ? classifyVxdgFailure : classifyZpoolFailure, fields);
  return { outcome: 'deported', changed: true };
}

async function readSolarisFile(ctx: OpContext, solarisPath: string, missingOk: boolean): Promise<string> {
  try {
    return await fs.readFile(realPath(ctx, solarisPath), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (missingOk && code === 'ENOENT') return '';
    throw new TwinzoneError('PRECONDITION_FAILED', `cannot read ${solarisPath} on ${ctx.host}: ${code ?? String(err)}`, {
      fields: { path: solarisPath },
    });
  }
}

/** The mount table, read from /etc/mnttab under the agent's file-system root. */
export async function listMounts(ctx: OpContext): Promise<MnttabEntry[]> {
  return parseMnttab(await readSolarisFile(ctx, '/etc/mnttab', false));
}

function requireSpecial(special: string, fstype: string | undefined): string {
  // Devices and lofs directories are paths; a legacy ZFS dataset is a name.
  if (special.startsWith('/')) return requirePath('special', special);
  if (fstype === 'zfs') return requireDatasetName('special', special);
  throw errors.invalidArgument(`special ${JSON.stringify(special)} is neither an absolute path nor (with fstype zfs) a dataset`, { field: 'special' });
}

function validateMount(req: MountFsRequest): void {
  requirePath('mountPoint', req.mountPoint);
  if (req.fstype && !FSTYPE.test(req.fstype)) {
    throw errors.invalidArgument(`fstype ${JSON.stringify(req.fstype)} is not a file system type name`, { field: 'fstype' });
  }
  for (const option of req.options) {
    if (!MOUNT_OPTION.test(option)) {
      throw errors.invalidArgument(`mount option ${JSON.stringify(option)} is not one option (letters, digits and _ . = : / + -)`, { field: 'options' });
    }
  }
  if (req.special) requireSpecial(req.special, req.fstype);
  else if (req.fstype || req.options.length > 0) {
    throw errors.invalidArgument('fstype and options need a special; without one everything comes from /etc/vfstab', { field: 'special' });
  }
}

export async function mountFs(ctx: OpContext, req: MountFsRequest): Promise<OpOutcome> {
  validateMount(req);
  const fields = { mountPoint: req.mountPoint };
  let special = req.special;
  if (!special) {
    // `mount MOUNTPOINT` takes the device from vfstab; read it to know what "already
    // mounted" has to match (reference 6.1, 6.2).
    const entry = findVfstabEntry(await readSolarisFile(ctx, '/etc/vfstab', true), req.mountPoint);
    if (!entry) {
      throw new TwinzoneError('PRECONDITION_FAILED', `/etc/vfstab on ${ctx.host} has no entry for ${req.mountPoint}; give the special and type`, { fields });
    }
    special = entry.special;
  }
  const current = mountAt(await listMounts(ctx), req.mountPoint);
  if (current?.special === special) return { outcome: 'already mounted', changed: false };
  if (current) {
    throw new TwinzoneError(
      'PRECONDITION_FAILED',
      `${req.mountPoint} on ${ctx.host} already has ${current.special} (${current.fstype}) mounted, not ${special}; unmount it first`,
      { fields: { ...fields, mounted: current.special } },
    );
  }
  const args = req.special
    ? mountArgs.explicit({ special: req.special, mountPoint: req.mountPoint, fstype: req.fstype || undefined, options: req.options })
    : mountArgs.fromVfstab(req.mountPoint);
  const result = await exec(ctx, 'mount', args, { mutating: true });
  if (ctx.dryRun) return { outcome: 'would mount', changed: false };
  requireSuccess(ctx, result, classifyMountFailure, fields);
  return { outcome: 'mounted', changed: true };
}

export async function unmountFs(ctx: OpContext, req: UnmountFsRequest): Promise<OpOutcome> {
  requirePath('mountPoint', req.mountPoint);
  const fields = { mountPoint: req.mountPoint };
  const table = await listMounts(ctx);
  if (!mountAt(table, req.mountPoint)) return { outcome: 'already unmounted', changed: false };
  if (!req.force) {
    // umount takes a mount point or a special and acts on the most recent match, so
    // `umount /data/db01` with a zone's lofs mount of /data/db01 in place would unmount
    // the zone's loopback, not the file system asked for. Refuse before running it.
    const dependants = mountsDependingOn(table, req.mountPoint);
    if (dependants.length > 0) {
      throw new TwinzoneError(
        'STORAGE_BUSY',
        `${req.mountPoint} on ${ctx.host} is in use by ${dependants.map((d) => `${d.mountPoint} (${d.fstype} of ${d.special})`).join(', ')}; unmount those or halt the zone using them first`,
        { fields, commands: [...ctx.commands] },
      );
    }
  }
  const result = await exec(ctx, 'umount', umountArgs.unmount(req.mountPoint, { force: req.force }), { mutating: true });
  if (ctx.dryRun) return { outcome: 'would unmount', changed: false };
  if (result.record.exitCode !== 0 && isNotMounted(result)) return { outcome: 'already unmounted', changed: false };
  requireSuccess(ctx, result, classifyUmountFailure, fields);
  return { outcome: 'unmounted', changed: true };
}
