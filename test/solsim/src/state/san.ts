// The simulated storage area networks: one per site, shared by every host of that site.
//
// Layout under SOLSIM_LAB/san/<site>/:
//
//   vxdg/<dg>/group.json          the disk group's on-disk configuration (GroupRecord)
//   vxdg/<dg>/vols/<vol>/         a volume's file system content; /dev/vx/dsk/<dg>/<vol>
//                                 and /dev/vx/rdsk/<dg>/<vol> resolve here on every host
//                                 of the site (devices.ts)
//   zpool/<pool>/group.json       the pool's labels and dataset properties (GroupRecord)
//   zpool/<pool>/datasets/<ds>/   a dataset's content; <ds> is the dataset name with '/'
//                                 written as '%' so that a parent's directory never holds
//                                 its children (snapshots copy one dataset only)
//   zpool/<pool>/snapshots/<ds>@<snap>/   a snapshot: a copy taken at `zfs snapshot`
//   locks/<group>.lock            serialises every read-modify-write of one group
//
// Two views of "who has imported a group", as on real systems:
//
// - The SAN view (GroupRecord.hostLock) is the disk-header host lock (VxVM's hostid in
//   the private region, ZFS's hostid/hostname in the pool label): written on import,
//   cleared on deport/export, and left behind by a crash. An import finding another
//   host's lock fails unless -C (vxdg) or -f (zpool) overrides it.
// - Each host's own view (SOLSIM_ROOT/var/run/solsim/imports.json) is its kernel's idea
//   of what it has imported. It is volatile (a crash clears it) and is not updated when
//   another host forces an import, so a partitioned old holder still believes it holds
//   the group: split brain is representable, and storage fencing (pr-keys.ts,
//   fencing.ts) is what stops its writes.
//
// Mounting a volume or dataset needs it imported in the host's own view; writes through
// it additionally need the host's reservation key registered (see fencing.ts).
import fs from 'node:fs';
import path from 'node:path';
import type { SimEnv } from '../env.js';
import { runtimeDir } from '../env.js';
import { readJson, writeJson } from '../json-file.js';
import { withLock } from '../locks.js';
import type { StorageKind } from '../observer.js';
import { siteOfHost } from './lab-config.js';
import type { PrState } from './pr-keys.js';

export type { StorageKind };

export interface HostLock {
  host: string;
  /** The importing host's hostid (8 hex digits), as the real label records it. */
  hostid: string;
  /** Milliseconds since the epoch. */
  at: number;
}

export interface VolumeRecord {
  name: string;
  /** The file system made on the volume (mount -F must match it). */
  fstype: 'vxfs' | 'ufs';
}

export interface DatasetRecord {
  /** Locally set mountpoint ('legacy', 'none' or a path); absent = inherited/default. */
  mountpoint?: string;
  /** For clones: the snapshot it was cloned from. */
  origin?: string;
  createdAt: number;
}

export interface SnapshotRecord {
  createdAt: number;
}

export interface GroupRecord {
  kind: StorageKind;
  name: string;
  /** VxVM dgid (<time>.<seq>.<creating host>) or the pool's numeric guid. */
  id: string;
  hostLock: HostLock | null;
  pr: PrState;
  /** vxdg only. */
  volumes: VolumeRecord[];
  /** zpool only: every dataset, the pool's root dataset included. */
  datasets: Record<string, DatasetRecord>;
  /** zpool only, keyed "dataset@snap". */
  snapshots: Record<string, SnapshotRecord>;
  /** zpool only: the vdevs `zpool import` shows. */
  devices: string[];
  /** zpool only: pool capacity for `zpool list`. */
  sizeBytes: number;
}

export function sanRoot(lab: string): string {
  return path.join(lab, 'san');
}

export function siteSanDir(lab: string, site: string): string {
  return path.join(sanRoot(lab), site);
}

export function groupDir(lab: string, site: string, kind: StorageKind, name: string): string {
  return path.join(siteSanDir(lab, site), kind, name);
}

function groupFile(lab: string, site: string, kind: StorageKind, name: string): string {
  return path.join(groupDir(lab, site, kind, name), 'group.json');
}

export function groupLockFile(lab: string, site: string, name: string): string {
  return path.join(siteSanDir(lab, site), 'locks', `${name}.lock`);
}

export function volumeDir(lab: string, site: string, dg: string, vol: string): string {
  return path.join(groupDir(lab, site, 'vxdg', dg), 'vols', vol);
}

export function encodeDataset(name: string): string {
  return name.split('/').join('%');
}

export function decodeDataset(encoded: string): string {
  return encoded.split('%').join('/');
}

export function datasetDir(lab: string, site: string, pool: string, dataset: string): string {
  return path.join(groupDir(lab, site, 'zpool', pool), 'datasets', encodeDataset(dataset));
}

export function snapshotDir(lab: string, site: string, pool: string, snapshot: string): string {
  return path.join(groupDir(lab, site, 'zpool', pool), 'snapshots', encodeDataset(snapshot));
}

export function readGroup(lab: string, site: string, kind: StorageKind, name: string): GroupRecord | null {
  return readJson<GroupRecord | null>(groupFile(lab, site, kind, name), null);
}

export function writeGroup(lab: string, site: string, record: GroupRecord): void {
  writeJson(groupFile(lab, site, record.kind, record.name), record);
}

/** Read-modify-write of one group under its SAN lock; fn may mutate the record. */
export function withGroup<T>(
  lab: string,
  site: string,
  kind: StorageKind,
  name: string,
  fn: (record: GroupRecord | null) => T,
): T {
  return withLock(groupLockFile(lab, site, name), () => fn(readGroup(lab, site, kind, name)));
}

export function listGroups(lab: string, site: string, kind: StorageKind): GroupRecord[] {
  const dir = path.join(siteSanDir(lab, site), kind);
  let names: string[];
  try {
    names = fs.readdirSync(dir).sort();
  } catch {
    return [];
  }
  return names
    .map((name) => readGroup(lab, site, kind, name))
    .filter((r): r is GroupRecord => r !== null);
}

export function hostSite(env: SimEnv): string {
  return siteOfHost(env.lab, env.host);
}

// --- the host's own (volatile) view of its imports ---------------------------------

export interface HostImport {
  kind: StorageKind;
  site: string;
  group: string;
  /** The group's id at import time: a different id under the same name is another group. */
  id: string;
  at: number;
}

function importsPath(env: Pick<SimEnv, 'root'>): string {
  return path.join(runtimeDir(env), 'imports.json');
}

function importsLock(env: Pick<SimEnv, 'root'>): string {
  return path.join(env.root, 'var', 'solsim-locks', 'imports.lock');
}

export function readImports(env: Pick<SimEnv, 'root'>): HostImport[] {
  return readJson<HostImport[]>(importsPath(env), []);
}

export function hostImport(env: SimEnv, kind: StorageKind, group: string): HostImport | undefined {
  const site = hostSite(env);
  return readImports(env).find((i) => i.kind === kind && i.group === group && i.site === site);
}

export function recordImport(env: Pick<SimEnv, 'root'>, entry: HostImport): void {
  withLock(importsLock(env), () => {
    const rest = readImports(env).filter(
      (i) => !(i.kind === entry.kind && i.group === entry.group && i.site === entry.site),
    );
    writeJson(importsPath(env), [...rest, entry]);
  });
}

export function forgetImport(env: Pick<SimEnv, 'root'>, kind: StorageKind, site: string, group: string): void {
  withLock(importsLock(env), () => {
    const rest = readImports(env).filter((i) => !(i.kind === kind && i.group === group && i.site === site));
    writeJson(importsPath(env), rest);
  });
}

/** A crash: the kernel forgets every import; the SAN keeps its locks. */
export function forgetAllImports(env: Pick<SimEnv, 'root'>): void {
  withLock(importsLock(env), () => fs.rmSync(importsPath(env), { force: true }));
}

// --- directory helpers shared by snapshots, clones and replication ------------------

/** Makes dst an exact copy of src (files, modes, symlinks), removing what src lacks. */
export function mirrorTree(src: string, dst: string, transform?: (file: string, content: Buffer) => Buffer): void {
  fs.mkdirSync(dst, { recursive: true });
  fs.chmodSync(dst, fs.statSync(src).mode & 0o7777);
  const wanted = new Set(fs.readdirSync(src));
  for (const name of fs.readdirSync(dst)) {
    if (!wanted.has(name)) fs.rmSync(path.join(dst, name), { recursive: true, force: true });
  }
  for (const name of wanted) {
    const from = path.join(src, name);
    const to = path.join(dst, name);
    const st = fs.lstatSync(from);
    const existing = lstatOrNull(to);
    if (st.isDirectory()) {
      if (existing && !existing.isDirectory()) fs.rmSync(to, { force: true });
      mirrorTree(from, to, transform);
    } else {
      if (existing) fs.rmSync(to, { recursive: true, force: true });
      if (st.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(from), to);
      else if (st.isFile()) {
        const content = fs.readFileSync(from);
        fs.writeFileSync(to, transform ? transform(to, content) : content, { mode: st.mode & 0o7777 });
        fs.utimesSync(to, st.atime, st.mtime);
      }
      // Sockets, fifos and devices do not exist on these simulated disks.
    }
  }
}

function lstatOrNull(p: string): fs.Stats | null {
  try {
    return fs.lstatSync(p);
  } catch {
    return null;
  }
}

/** Bytes a directory tree occupies (allocated blocks, as du counts them). */
export function treeBytes(dir: string): number {
  const st = lstatOrNull(dir);
  if (!st) return 0;
  let total = st.blocks * 512;
  if (st.isDirectory()) {
    for (const name of fs.readdirSync(dir)) total += treeBytes(path.join(dir, name));
  }
  return total;
}
