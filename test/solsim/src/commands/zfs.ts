// Simulated zfs (usr/src/cmd/zfs/zfs_main.c, S10 era): list, snapshot, rollback, clone,
// destroy, get/set (mountpoint), mount/unmount. Only datasets of pools imported on this
// host exist for it; once its reservation key is preempted the pool's I/O is suspended.
import fs from 'node:fs';
import type { SimCommand, SimContext } from '../command.js';
import { keyRegistered } from '../state/san-import.js';
import type { GroupRecord } from '../state/san.js';
import {
  datasetDir, hostSite, mirrorTree, readImports, snapshotDir, treeBytes, withGroup, writeGroup, groupDir,
} from '../state/san.js';
import { readMnttab } from '../state/mounts.js';
import {
  childrenOf, clonesOf, copyDir, importedPool, mountableDatasets, mountDataset, mountedAt, mountpointOf,
  parentOf, poolOf, snapshotsOf, unmountDataset, unmountDatasets, ZFS_MSG, ZfsError,
} from '../state/zfs-model.js';
import { flag, getopt, optArg } from './storage-getopt.js';
import { formatColumns, nicenum } from './zfs-format.js';
import { cftime } from './solaris-time.js';

const USAGE =
  "usage: zfs command args ...\nwhere 'command' is one of the following:\n\n" +
  '\tsnapshot [-r] <filesystem@snapname|volume@snapname>\n' +
  '\trollback [-rRf] <snapshot>\n' +
  '\tclone [-p] <snapshot> <filesystem|volume>\n' +
  '\tdestroy [-rRf] <filesystem|volume|snapshot>\n\n' +
  '\tlist [-rH] [-o property[,...]] [-t type[,...]] [filesystem|volume|snapshot] ...\n\n' +
  '\tset <property=value> <filesystem|volume|snapshot> ...\n' +
  '\tget [-rHp] [-o field[,...]] <"all" | property[,...]> [filesystem|volume|snapshot] ...\n\n' +
  '\tmount\n\tmount [-vO] [-o opts] <-a | filesystem>\n' +
  '\tunmount [-f] <-a | filesystem|mountpoint>\n';

class Usage extends Error {}

export const zfs: SimCommand = (ctx) => {
  const [verb, ...rest] = ctx.argv;
  const handlers: Record<string, (ctx: SimContext, argv: string[]) => number> = {
    list, snapshot, rollback, clone, destroy, get, set, mount, unmount, umount: unmount,
  };
  try {
    if (verb === undefined) throw new Usage('missing command');
    const handler = handlers[verb];
    if (!handler) throw new Usage(`unrecognized command '${verb}'`);
    return handler(ctx, rest);
  } catch (err) {
    if (err instanceof Usage) {
      ctx.err(`${err.message}\n${USAGE}`);
      return 2;
    }
    if (err instanceof ZfsError) {
      ctx.err(err.message + '\n');
      return err.exitCode;
    }
    throw err;
  }
};

function options(argv: string[], spec: string, min: number, max: number) {
  const p = getopt(argv, spec);
  if (p.error) {
    throw new Usage(p.error.kind === 'missing' ? `missing argument for '${p.error.option}' option` : `invalid option '${p.error.option}'`);
  }
  if (p.operands.length < min) throw new Usage('missing argument');
  if (p.operands.length > max) throw new Usage('too many arguments');
  return p;
}

// --- pools and locking -----------------------------------------------------------------

function pool(ctx: SimContext, name: string): GroupRecord {
  const record = importedPool(ctx.env, poolOf(name));
  const exists = record && (name.includes('@') ? record.snapshots[name] : record.datasets[name]);
  if (!record || !exists) throw new ZfsError(ZFS_MSG.noDataset(name));
  return record;
}

/** A change to the pool's metadata, under its SAN lock, refused once I/O is fenced off. */
function change<T>(ctx: SimContext, name: string, action: string, fn: (record: GroupRecord) => T): T {
  pool(ctx, name);
  return withGroup(ctx.env.lab, hostSite(ctx.env), 'zpool', poolOf(name), (record) => {
    if (!record) throw new ZfsError(ZFS_MSG.noDataset(name));
    if (!keyRegistered(ctx.env, record)) throw new ZfsError(ZFS_MSG.suspended(action, name));
    const result = fn(record);
    writeGroup(ctx.env.lab, hostSite(ctx.env), record);
    return result;
  });
}

const dsDir = (ctx: SimContext, r: GroupRecord, ds: string) => datasetDir(ctx.env.lab, hostSite(ctx.env), r.name, ds);
const snapDir = (ctx: SimContext, r: GroupRecord, s: string) => snapshotDir(ctx.env.lab, hostSite(ctx.env), r.name, s);

// --- list and get --------------------------------------------------------------------

const LIST_DEFAULT = ['name', 'used', 'avail', 'refer', 'mountpoint'];
const ALIASES: Record<string, string> = { available: 'avail', referenced: 'refer' };
const PROPS = new Set(['name', 'used', 'avail', 'refer', 'mountpoint', 'type', 'origin', 'creation', 'mounted']);
const NUMERIC = new Set(['used', 'avail', 'refer']);

function propValue(ctx: SimContext, r: GroupRecord, name: string, prop: string): string {
  const snap = name.includes('@');
  const poolAlloc = treeBytes(groupDir(ctx.env.lab, hostSite(ctx.env), 'zpool', r.name));
  switch (prop) {
    case 'name': return name;
    case 'type': return snap ? 'snapshot' : 'filesystem';
    case 'refer': return nicenum(treeBytes(snap ? snapDir(ctx, r, name) : dsDir(ctx, r, name)));
    case 'used': {
      if (snap) return '0';
      const tree = [name, ...childrenOf(r, name)];
      const bytes = tree.reduce((n, d) => n + treeBytes(dsDir(ctx, r, d)) +
        snapshotsOf(r, d).reduce((m, s) => m + treeBytes(snapDir(ctx, r, s)), 0), 0);
      return nicenum(bytes);
    }
    case 'avail': return snap ? '-' : nicenum(Math.max(0, r.sizeBytes - poolAlloc));
    case 'mountpoint': return snap ? '-' : mountpointOf(r, name).value;
    case 'origin': return (!snap && r.datasets[name]!.origin) || '-';
    case 'creation': {
      const at = snap ? r.snapshots[name]!.createdAt : r.datasets[name]!.createdAt;
      return cftime(at).replace(/:\d\d (\d{4})$/, ' $1');
    }
    case 'mounted': return snap ? '-' : mountedAt(ctx.env, name) ? 'yes' : 'no';
    default: return '-';
  }
}

/** Depth-first, as zfs list walks: a dataset, its snapshots, then its children. */
function walk(r: GroupRecord, root: string, recursive: boolean): string[] {
  const out = [root];
  if (root.includes('@')) return out;
  out.push(...snapshotsOf(r, root));
  if (!recursive) return out;
  const direct = Object.keys(r.datasets).filter((d) => parentOf(d) === root).sort();
  for (const child of direct) out.push(...walk(r, child, true));
  return out;
}

function list(ctx: SimContext, argv: string[]): number {
  const p = options(argv, 'rHo:t:s:S:', 0, Infinity);
  const fields = (optArg(p, 'o')?.split(',') ?? LIST_DEFAULT).map((f) => ALIASES[f] ?? f);
  const badField = fields.find((f) => !PROPS.has(f));
  if (badField) throw new Usage(`invalid property '${badField}'`);
  const types = (optArg(p, 't') ?? 'filesystem').split(',');
  const wantSnap = types.includes('snapshot') || types.includes('all');
  const wantFs = types.includes('filesystem') || types.includes('all');
  let status = 0;
  const names: [GroupRecord, string][] = [];
  if (p.operands.length === 0) {
    const site = hostSite(ctx.env);
    for (const imp of readImports(ctx.env).filter((i) => i.kind === 'zpool' && i.site === site)
      .sort((a, b) => a.group.localeCompare(b.group))) {
      const r = importedPool(ctx.env, imp.group);
      if (r) names.push(...walk(r, r.name, true).map((n): [GroupRecord, string] => [r, n]));
    }
  }
  for (const arg of p.operands) {
    try {
      const r = pool(ctx, arg);
      names.push(...walk(r, arg, flag(p, 'r')).map((n): [GroupRecord, string] => [r, n]));
    } catch (err) {
      if (!(err instanceof ZfsError)) throw err;
      ctx.err(err.message + '\n');
      status = 1;
    }
  }
  const rows = names
    .filter(([, n]) => (n.includes('@') ? wantSnap : wantFs))
    .map(([r, n]) => fields.map((f) => propValue(ctx, r, n, f)));
  if (rows.length === 0 && status === 0) {
    ctx.out('no datasets available\n');
    return 0;
  }
  if (rows.length > 0) {
    ctx.out(formatColumns(fields.map((f) => f.toUpperCase()), rows, flag(p, 'H'), (i) => NUMERIC.has(fields[i]!)));
  }
  return status;
}

function get(ctx: SimContext, argv: string[]): number {
  const p = options(argv, 'rHpo:s:', 1, Infinity);
  const [propArg, ...targets] = p.operands as [string, ...string[]];
  const props = (propArg === 'all' ? ['type', 'creation', 'used', 'avail', 'refer', 'mounted', 'origin', 'mountpoint'] : propArg.split(','))
    .map((x) => ALIASES[x] ?? x);
  const badProp = props.find((x) => !PROPS.has(x) || x === 'name');
  if (badProp) throw new Usage(`bad property list: invalid property '${badProp}'`);
  const columns = optArg(p, 'o')?.split(',') ?? ['name', 'property', 'value', 'source'];
  const unknown = columns.find((c) => !['name', 'property', 'value', 'source'].includes(c));
  if (unknown) throw new Usage(`invalid field '${unknown}'`);
  let status = 0;
  const rows: string[][] = [];
  for (const target of targets) {
    let r: GroupRecord;
    try {
      r = pool(ctx, target);
    } catch (err) {
      if (!(err instanceof ZfsError)) throw err;
      ctx.err(err.message + '\n');
      status = 1;
      continue;
    }
    for (const name of flag(p, 'r') ? walk(r, target, true) : [target]) {
      for (const prop of props) {
        const label = prop === 'avail' ? 'available' : prop === 'refer' ? 'referenced' : prop;
        const source = prop === 'mountpoint' && !name.includes('@') ? mountpointOf(r, name).source : '-';
        const cells: Record<string, string> = { name, property: label, value: propValue(ctx, r, name, prop), source };
        rows.push(columns.map((c) => cells[c]!));
      }
    }
  }
  if (rows.length > 0) ctx.out(formatColumns(columns.map((c) => c.toUpperCase()), rows, flag(p, 'H'), () => false));
  return status;
}

// --- snapshots, clones, destroy -----------------------------------------------------

function snapshot(ctx: SimContext, argv: string[]): number {
  const p = options(argv, 'r', 1, 1);
  const arg = p.operands[0]!;
  const at = arg.indexOf('@');
  if (at < 0) throw new ZfsError(`cannot create snapshot '${arg}': missing '@' delimiter in snapshot name`);
  const [ds, snap] = [arg.slice(0, at), arg.slice(at + 1)];
  const r0 = importedPool(ctx.env, poolOf(ds));
  if (!r0?.datasets[ds]) throw new ZfsError(`cannot create snapshot '${arg}': dataset does not exist`);
  return change(ctx, ds, 'create snapshot', (r) => {
    const targets = flag(p, 'r') ? [ds, ...childrenOf(r, ds)] : [ds];
    const names = targets.map((d) => `${d}@${snap}`);
    const clash = names.find((n) => r.snapshots[n]);
    if (clash) throw new ZfsError(`cannot create snapshot '${clash}': dataset already exists`);
    const now = Date.now();
    for (const [i, d] of targets.entries()) {
      copyDir(dsDir(ctx, r, d), snapDir(ctx, r, names[i]!));
      r.snapshots[names[i]!] = { createdAt: now };
    }
    return 0;
  });
}

function rollback(ctx: SimContext, argv: string[]): number {
  const p = options(argv, 'rRf', 1, 1);
  const snap = p.operands[0]!;
  if (!snap.includes('@')) throw new ZfsError(`cannot open '${snap}': operation only applies to snapshots`);
  pool(ctx, snap);
  const ds = snap.slice(0, snap.indexOf('@'));
  return change(ctx, snap, 'rollback to', (r) => {
    const all = snapshotsOf(r, ds);
    const later = all.slice(all.indexOf(snap) + 1);
    if (later.length > 0 && !flag(p, 'r') && !flag(p, 'R')) {
      throw new ZfsError(`cannot rollback to '${snap}': more recent snapshots exist\n` +
        `use '-r' to force deletion of the following snapshots:\n${later.join('\n')}`);
    }
    const clones = later.flatMap((s) => clonesOf(r, s));
    if (clones.length > 0 && !flag(p, 'R')) {
      throw new ZfsError(`cannot rollback to '${snap}': clones of previous snapshots exist\n` +
        `use '-R' to force deletion of the following clones and dependents:\n${clones.join('\n')}`);
    }
    for (const clone of clones) destroyTree(ctx, r, clone, flag(p, 'f'));
    for (const s of later) removeSnapshot(ctx, r, s);
    // In place, so that a mounted file system shows the rolled-back content at once.
    mirrorTree(snapDir(ctx, r, snap), dsDir(ctx, r, ds));
    return 0;
  });
}

function clone(ctx: SimContext, argv: string[]): number {
  const p = options(argv, 'po:', 2, 2);
  const [snap, target] = p.operands as [string, string];
  if (!snap.includes('@')) throw new ZfsError(`cannot open '${snap}': operation only applies to snapshots`);
  pool(ctx, snap);
  if (poolOf(target) !== poolOf(snap)) throw new ZfsError(`cannot create '${target}': source and target pools differ`);
  const record = change(ctx, snap, 'create', (r) => {
    if (r.datasets[target]) throw new ZfsError(`cannot create '${target}': dataset already exists`);
    const parent = parentOf(target);
    if (parent === null || !r.datasets[parent]) {
      if (!flag(p, 'p') || parent === null) throw new ZfsError(`cannot create '${target}': parent does not exist`);
      for (let a: string | null = parent; a !== null && !r.datasets[a]; a = parentOf(a)) {
        r.datasets[a] = { createdAt: Date.now() };
        fs.mkdirSync(dsDir(ctx, r, a), { recursive: true, mode: 0o755 });
      }
    }
    copyDir(snapDir(ctx, r, snap), dsDir(ctx, r, target));
    r.datasets[target] = { origin: snap, createdAt: Date.now() };
    return r;
  });
  if (mountableDatasets(record).includes(target)) mountDataset(ctx.env, record, target);
  return 0;
}

function removeSnapshot(ctx: SimContext, r: GroupRecord, snap: string): void {
  fs.rmSync(snapDir(ctx, r, snap), { recursive: true, force: true });
  delete r.snapshots[snap];
}

/** Destroys a dataset with its descendants, snapshots and (for -R) their clones. */
function destroyTree(ctx: SimContext, r: GroupRecord, ds: string, force: boolean): void {
  const tree = [ds, ...childrenOf(r, ds)];
  for (const clone of tree.flatMap((d) => snapshotsOf(r, d)).flatMap((s) => clonesOf(r, s))) {
    if (r.datasets[clone] && !tree.includes(clone)) destroyTree(ctx, r, clone, force);
  }
  unmountDatasets(ctx.env, tree, force);
  for (const d of [...tree].reverse()) {
    for (const s of snapshotsOf(r, d)) removeSnapshot(ctx, r, s);
    fs.rmSync(dsDir(ctx, r, d), { recursive: true, force: true });
    delete r.datasets[d];
  }
}

function destroy(ctx: SimContext, argv: string[]): number {
  const p = options(argv, 'rRf', 1, 1);
  const name = p.operands[0]!;
  const recursive = flag(p, 'r') || flag(p, 'R');
  if (name.includes('@')) {
    const r0 = importedPool(ctx.env, poolOf(name));
    if (!r0?.snapshots[name]) throw new ZfsError('could not find any snapshots to destroy; check snapshot names.');
    return change(ctx, name, 'destroy', (r) => {
      const clones = clonesOf(r, name);
      if (clones.length > 0 && !flag(p, 'R')) {
        throw new ZfsError(`cannot destroy '${name}': snapshot has dependent clones\n` +
          `use '-R' to destroy the following datasets:\n${clones.join('\n')}`);
      }
      for (const c of clones) destroyTree(ctx, r, c, flag(p, 'f'));
      removeSnapshot(ctx, r, name);
      return 0;
    });
  }
  pool(ctx, name);
  return change(ctx, name, 'destroy', (r) => {
    const isPool = name === r.name;
    if (isPool && !recursive) {
      throw new ZfsError(`cannot destroy '${name}': operation does not apply to pools\n` +
        `use 'zfs destroy -r ${name}' to destroy all datasets in the pool\n` +
        `use 'zpool destroy ${name}' to destroy the pool itself`);
    }
    const descendants = [...walk(r, name, true).slice(1)];
    if (descendants.length > 0 && !recursive) {
      throw new ZfsError(`cannot destroy '${name}': filesystem has children\n` +
        `use '-r' to destroy the following datasets:\n${descendants.join('\n')}`);
    }
    const tree = [name, ...childrenOf(r, name)];
    const outside = tree.flatMap((d) => snapshotsOf(r, d)).flatMap((s) => clonesOf(r, s)).filter((c) => !tree.includes(c));
    if (outside.length > 0 && !flag(p, 'R')) {
      throw new ZfsError(`cannot destroy '${name}': filesystem has dependent clones\n` +
        `use '-R' to destroy the following datasets:\n${outside.join('\n')}`);
    }
    if (isPool) {
      // -r on the pool destroys everything below its root dataset.
      for (const child of Object.keys(r.datasets).filter((d) => parentOf(d) === name)) destroyTree(ctx, r, child, flag(p, 'f'));
      for (const s of snapshotsOf(r, name)) removeSnapshot(ctx, r, s);
    } else destroyTree(ctx, r, name, flag(p, 'f'));
    return 0;
  });
}

// --- properties, mount, unmount --------------------------------------------------------

const READONLY = new Set(['used', 'available', 'avail', 'referenced', 'refer', 'type', 'creation', 'mounted', 'origin', 'name']);

function set(ctx: SimContext, argv: string[]): number {
  const p = options(argv, '', 2, Infinity);
  const [assignment, ...targets] = p.operands as [string, ...string[]];
  const eq = assignment.indexOf('=');
  if (eq < 0) throw new Usage('missing value in property=value argument');
  const [prop, value] = [assignment.slice(0, eq), assignment.slice(eq + 1)];
  let status = 0;
  for (const target of targets) {
    try {
      if (READONLY.has(prop)) throw new ZfsError(`cannot set property for '${target}': '${prop}' is readonly`);
      if (prop !== 'mountpoint') throw new ZfsError(`cannot set property for '${target}': invalid property '${prop}'`);
      if (value !== 'legacy' && value !== 'none' && !value.startsWith('/')) {
        throw new ZfsError(`cannot set property for '${target}': 'mountpoint' must be an absolute path, 'none', or 'legacy'`);
      }
      setMountpoint(ctx, target, value);
    } catch (err) {
      if (!(err instanceof ZfsError)) throw err;
      ctx.err(err.message + '\n');
      status = 1;
    }
  }
  return status;
}

/** As libzfs's changelist: unmount what moves, change the property, mount at the new place. */
function setMountpoint(ctx: SimContext, target: string, value: string): void {
  if (target.includes('@')) throw new ZfsError(`cannot set property for '${target}': this property can not be modified for snapshots`);
  const record = change(ctx, target, 'set property for', (r) => {
    const tree = [target, ...childrenOf(r, target)];
    const before = new Map(tree.map((d) => [d, mountpointOf(r, d).value]));
    const next: GroupRecord = { ...r, datasets: { ...r.datasets, [target]: { ...r.datasets[target]!, mountpoint: value } } };
    const moving = tree.filter((d) => mountpointOf(next, d).value !== before.get(d));
    const wasMounted = moving.filter((d) => mountedAt(ctx.env, d));
    unmountDatasets(ctx.env, wasMounted, false);
    r.datasets[target] = next.datasets[target]!;
    return { r, remount: moving.filter((d) => wasMounted.includes(d) || ['legacy', 'none'].includes(before.get(d)!)) };
  });
  for (const d of mountableDatasets(record.r)) {
    if (record.remount.includes(d) && !mountedAt(ctx.env, d)) mountDataset(ctx.env, record.r, d);
  }
}

function mount(ctx: SimContext, argv: string[]): number {
  const p = options(argv, 'avOo:', 0, 1);
  if (p.operands.length === 0 && !flag(p, 'a')) {
    for (const e of readMnttab(ctx.env).filter((m) => m.fstype === 'zfs' && !m.special.includes('@'))) {
      ctx.out(`${e.special.padEnd(30)}  ${e.mountPoint}\n`);
    }
    return 0;
  }
  if (flag(p, 'a')) {
    let status = 0;
    const site = hostSite(ctx.env);
    for (const imp of readImports(ctx.env).filter((i) => i.kind === 'zpool' && i.site === site)) {
      const r = importedPool(ctx.env, imp.group);
      for (const ds of r ? mountableDatasets(r) : []) {
        if (mountedAt(ctx.env, ds)) continue;
        try {
          mountDataset(ctx.env, r!, ds);
        } catch (err) {
          if (!(err instanceof ZfsError)) throw err;
          ctx.err(err.message + '\n');
          status = 1;
        }
      }
    }
    return status;
  }
  const ds = p.operands[0]!;
  mountDataset(ctx.env, pool(ctx, ds), ds);
  return 0;
}

function unmount(ctx: SimContext, argv: string[]): number {
  const p = options(argv, 'af', 0, 1);
  if (flag(p, 'a')) {
    const zfsMounts = readMnttab(ctx.env).filter((e) => e.fstype === 'zfs').map((e) => e.special);
    unmountDatasets(ctx.env, zfsMounts, flag(p, 'f'));
    return 0;
  }
  const arg = p.operands[0];
  if (!arg) throw new Usage('missing filesystem argument');
  if (arg.startsWith('/')) {
    const entry = readMnttab(ctx.env).find((e) => e.mountPoint === arg);
    if (!entry) throw new ZfsError(`cannot unmount '${arg}': not currently mounted`);
    if (entry.fstype !== 'zfs') throw new ZfsError(`cannot unmount '${arg}': not a ZFS filesystem`);
    unmountDataset(ctx.env, entry.special, flag(p, 'f'));
    return 0;
  }
  const r = pool(ctx, arg);
  if (mountpointOf(r, arg).value === 'legacy') throw new ZfsError(ZFS_MSG.legacyUnmount(arg));
  unmountDataset(ctx.env, arg, flag(p, 'f'));
  return 0;
}
