// ZFS datasets of a simulated pool: the mountpoint property and its inheritance,
// mounting and unmounting, snapshots, rollback, clones and destroy. Message texts are
// libzfs's ("<action> '<name>': <reason>"), as zfs(1M)/zpool(1M) print them.
import fs from 'node:fs';
import path from 'node:path';
import type { SimEnv } from '../env.js';
import { hostPath } from '../env.js';
import { MountError, mountBusyReason, mountObserved, readMnttab, unmountObserved } from './mounts.js';
import type { GroupRecord } from './san.js';
import { datasetDir, hostImport, hostSite, mirrorTree, readGroup } from './san.js';

export class ZfsError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

export const ZFS_MSG = {
  noDataset: (n: string) => `cannot open '${n}': dataset does not exist`,
  busy: (mp: string) => `cannot unmount '${mp}': Device busy`,
  notMounted: (n: string) => `cannot unmount '${n}': not currently mounted`,
  alreadyMounted: (n: string) => `cannot mount '${n}': filesystem already mounted`,
  mountBusy: (n: string) => `cannot mount '${n}': mountpoint or dataset is busy`,
  legacyMount: (n: string) => `cannot mount '${n}': legacy mountpoint\nuse mount(1M) to mount this filesystem`,
  legacyUnmount: (n: string) => `cannot unmount '${n}': legacy mountpoint\nuse umount(1M) to unmount this filesystem`,
  noneMount: (n: string) => `cannot mount '${n}': no mountpoint set`,
  suspended: (action: string, n: string) => `cannot ${action} '${n}': pool I/O is currently suspended`,
  notLegacy: (n: string, mountPoint: string) =>
    `filesystem '${n}' cannot be mounted using 'mount -F zfs'\n` +
    `Use 'zfs set mountpoint=${mountPoint}' instead.\n` +
    `If you must use 'mount -F zfs' or /etc/vfstab, use 'zfs set mountpoint=legacy'.\n` +
    'See zfs(1M) for more information.',
};

export function poolOf(dataset: string): string {
  return dataset.split(/[/@]/)[0]!;
}

export function parentOf(dataset: string): string | null {
  const i = dataset.lastIndexOf('/');
  return i < 0 ? null : dataset.slice(0, i);
}

/** The pool as this host has imported it, or null (the dataset then "does not exist"). */
export function importedPool(env: SimEnv, pool: string): GroupRecord | null {
  if (!hostImport(env, 'zpool', pool)) return null;
  return readGroup(env.lab, hostSite(env), 'zpool', pool);
}

export interface PropertyValue {
  value: string;
  source: string;
}

/** mountpoint with ZFS inheritance: local, inherited from an ancestor, or /<dataset>. */
export function mountpointOf(record: GroupRecord, dataset: string): PropertyValue {
  const own = record.datasets[dataset]?.mountpoint;
  if (own !== undefined) return { value: own, source: 'local' };
  for (let anc = parentOf(dataset), rel = dataset.slice(dataset.lastIndexOf('/') + 1); anc !== null;
    rel = anc.slice(anc.lastIndexOf('/') + 1) + '/' + rel, anc = parentOf(anc)) {
    const set = record.datasets[anc]?.mountpoint;
    if (set === undefined) continue;
    const value = set === 'legacy' || set === 'none' ? set : path.posix.join(set, rel);
    return { value, source: `inherited from ${anc}` };
  }
  return { value: '/' + dataset, source: 'default' };
}

export function mountedAt(env: SimEnv, dataset: string): string | null {
  return readMnttab(env).find((e) => e.fstype === 'zfs' && e.special === dataset)?.mountPoint ?? null;
}

/** `mount -F zfs`: the dataset's directory, for legacy datasets of a pool imported here. */
export function datasetSource(env: SimEnv, dataset: string, mountPoint: string): string {
  const record = importedPool(env, poolOf(dataset));
  if (!record || !record.datasets[dataset]) throw new MountError(ZFS_MSG.noDataset(dataset), 1);
  if (mountpointOf(record, dataset).value !== 'legacy') throw new MountError(ZFS_MSG.notLegacy(dataset, mountPoint), 1);
  return datasetDir(env.lab, hostSite(env), record.name, dataset);
}

/** zfs mount: at the dataset's mountpoint, creating the directory as zfs does. */
export function mountDataset(env: SimEnv, record: GroupRecord, dataset: string): void {
  const mp = mountpointOf(record, dataset).value;
  if (mp === 'legacy') throw new ZfsError(ZFS_MSG.legacyMount(dataset));
  if (mp === 'none') throw new ZfsError(ZFS_MSG.noneMount(dataset));
  if (mountedAt(env, dataset)) throw new ZfsError(ZFS_MSG.alreadyMounted(dataset));
  const target = hostPath(env, mp);
  try {
    fs.lstatSync(target);
  } catch {
    fs.mkdirSync(target, { recursive: true, mode: 0o755 });
  }
  try {
    mountObserved(env, { special: dataset, mountPoint: mp, fstype: 'zfs', source: datasetDir(env.lab, hostSite(env), record.name, dataset) });
  } catch (err) {
    if (err instanceof MountError) throw new ZfsError(ZFS_MSG.mountBusy(dataset));
    throw err;
  }
}

/** zfs unmount (also used by export, destroy and mountpoint changes). */
export function unmountDataset(env: SimEnv, dataset: string, force: boolean): void {
  const mp = mountedAt(env, dataset);
  if (!mp) throw new ZfsError(ZFS_MSG.notMounted(dataset));
  if (!force && mountBusyReason(env, mp) !== null) throw new ZfsError(ZFS_MSG.busy(mp));
  unmountObserved(env, mp, true);
}

/** Datasets with a real mountpoint, parents before children (the order zfs mount -a uses). */
export function mountableDatasets(record: GroupRecord): string[] {
  return Object.keys(record.datasets)
    .filter((ds) => !['legacy', 'none'].includes(mountpointOf(record, ds).value))
    .sort((a, b) => mountpointOf(record, a).value.localeCompare(mountpointOf(record, b).value));
}

/** Unmounts every mounted dataset of the pool, deepest first (zpool export, destroy -r). */
export function unmountDatasets(env: SimEnv, datasets: readonly string[], force: boolean): void {
  const mounted = readMnttab(env)
    .filter((e) => e.fstype === 'zfs' && datasets.includes(e.special))
    .sort((a, b) => b.mountPoint.length - a.mountPoint.length);
  const going = new Set(mounted.map((e) => e.mountPoint));
  for (const e of mounted) {
    if (!force && mountBusyReason(env, e.mountPoint, going) !== null) throw new ZfsError(ZFS_MSG.busy(e.mountPoint));
  }
  for (const e of mounted) unmountDataset(env, e.special, true);
}

export function childrenOf(record: GroupRecord, dataset: string): string[] {
  return Object.keys(record.datasets).filter((d) => d.startsWith(dataset + '/'));
}

export function snapshotsOf(record: GroupRecord, dataset: string): string[] {
  return Object.keys(record.snapshots)
    .filter((s) => s.startsWith(dataset + '@'))
    .sort((a, b) => record.snapshots[a]!.createdAt - record.snapshots[b]!.createdAt || a.localeCompare(b));
}

export function clonesOf(record: GroupRecord, snapshot: string): string[] {
  return Object.keys(record.datasets).filter((d) => record.datasets[d]!.origin === snapshot);
}

export function copyDir(src: string, dst: string): void {
  fs.rmSync(dst, { recursive: true, force: true });
  mirrorTree(src, dst);
}
