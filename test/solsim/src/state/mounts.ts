// The mount table of a simulated host. A mount is modelled as a symbolic link: the
// mount point directory is moved aside (so whatever it held is hidden, as under a real
// mount) and replaced by a link to the directory that holds the file system's content.
// Bind mounts would need privileges a test machine may not grant; links need none and
// make every mounted file visible to real tools such as pax.
//
// SOLSIM_ROOT/etc/mnttab holds the table in the Solaris mnttab format
// (special TAB mount_point TAB fstype TAB options TAB time); it is volatile: a host
// crash empties it. The moved-aside directories are remembered in
// SOLSIM_ROOT/var/solsim-covered.json so that unmount (or a crash) restores them.
//
// Which directory a special stands for (a SAN volume, a dataset, a local slice, a
// loopback source) is devices.ts's business; this module only links and unlinks.
// A mount point nested inside shared storage leaves its link on the SAN, where another
// host importing the group later sees it; addMount treats such a foreign link as the
// empty directory it would be on a real disk.
import fs from 'node:fs';
import path from 'node:path';
import type { SimEnv } from '../env.js';
import { hostPath } from '../env.js';
import { readJson, writeFileAtomic, writeJson } from '../json-file.js';
import { withLock } from '../locks.js';
import { observe } from '../observer.js';

export interface MnttabEntry {
  special: string;
  mountPoint: string;
  fstype: string;
  options: string;
  /** Seconds since the epoch, as in the real mnttab. */
  time: number;
}

export class MountError extends Error {
  constructor(
    message: string,
    /** The exit status the real command gives for this failure. */
    readonly exitCode: number,
  ) {
    super(message);
  }
}

export function mnttabPath(env: Pick<SimEnv, 'root'>): string {
  return path.join(env.root, 'etc', 'mnttab');
}

function coveredPath(env: Pick<SimEnv, 'root'>): string {
  return path.join(env.root, 'var', 'solsim-covered.json');
}

function mountLock(env: Pick<SimEnv, 'root'>): string {
  return path.join(env.root, 'var', 'solsim-locks', 'mnttab.lock');
}

export function parseMnttab(text: string): MnttabEntry[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [special = '', mountPoint = '', fstype = '', options = '', time = '0'] = line.split('\t');
      return { special, mountPoint, fstype, options, time: Number(time) };
    });
}

export function formatMnttab(entries: readonly MnttabEntry[]): string {
  return entries.map((e) => [e.special, e.mountPoint, e.fstype, e.options, e.time].join('\t') + '\n').join('');
}

export function readMnttab(env: Pick<SimEnv, 'root'>): MnttabEntry[] {
  try {
    return parseMnttab(fs.readFileSync(mnttabPath(env), 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

function writeMnttab(env: Pick<SimEnv, 'root'>, entries: readonly MnttabEntry[]): void {
  writeFileAtomic(mnttabPath(env), formatMnttab(entries));
}

function isBelow(child: string, parent: string): boolean {
  return parent === '/' ? child !== '/' : child.startsWith(parent + '/');
}

/** The mounted file system that holds a Solaris path (longest mount point prefix). */
export function mountOf(env: Pick<SimEnv, 'root'>, solarisPath: string): MnttabEntry | undefined {
  let best: MnttabEntry | undefined;
  for (const entry of readMnttab(env)) {
    if (entry.mountPoint === solarisPath || isBelow(solarisPath, entry.mountPoint)) {
      if (!best || entry.mountPoint.length > best.mountPoint.length) best = entry;
    }
  }
  return best;
}

export interface MountRequest {
  special: string;
  mountPoint: string;
  fstype: string;
  options?: string;
  /** The real directory holding this file system's content. */
  source: string;
}

/** Adds a mount. Throws MountError with the real message and exit status on refusal. */
export function addMount(env: Pick<SimEnv, 'root'>, req: MountRequest): MnttabEntry {
  return withLock(mountLock(env), () => {
    const table = readMnttab(env);
    const target = hostPath(env, req.mountPoint);
    if (table.some((e) => e.mountPoint === req.mountPoint)) {
      throw new MountError(`mount: ${req.special} is already mounted or ${req.mountPoint} is busy`, 32);
    }
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(target);
    } catch {
      throw new MountError(`mount: Mount point ${req.mountPoint} does not exist.`, 1);
    }
    if (stat.isSymbolicLink() && isForeignMountTrace(env, target)) {
      // Another host's mount, seen on shared storage: a real mount lives only in that
      // host's kernel, so here the mount point is just the (empty) directory below it.
      fs.unlinkSync(target);
      fs.mkdirSync(target, { mode: 0o755 });
      stat = fs.lstatSync(target);
    }
    if (!stat.isDirectory()) {
      throw new MountError(
        `mount: ${req.mountPoint} not a directory\n\tor a component of ${req.special} is not a directory`,
        32,
      );
    }
    if (!fs.existsSync(req.source)) {
      throw new MountError(`mount: ${req.special} or ${req.mountPoint}, no such file or directory`, 32);
    }
    const covered = readJson<Record<string, string>>(coveredPath(env), {});
    const aside = path.join(env.root, 'var', 'solsim-covered', `${Date.now()}-${process.pid}-${Object.keys(covered).length}`);
    fs.mkdirSync(path.dirname(aside), { recursive: true });
    fs.renameSync(target, aside);
    covered[req.mountPoint] = aside;
    writeJson(coveredPath(env), covered);
    fs.symlinkSync(req.source, target);
    const entry: MnttabEntry = {
      special: req.special,
      mountPoint: req.mountPoint,
      fstype: req.fstype,
      options: mnttabOptions(req.fstype, req.special, req.options),
      time: Math.floor(Date.now() / 1000),
    };
    writeMnttab(env, [...table, entry]);
    return entry;
  });
}

/** A link that points outside this host's root was left by another host's mount. */
function isForeignMountTrace(env: Pick<SimEnv, 'root'>, link: string): boolean {
  const target = path.resolve(path.dirname(link), fs.readlinkSync(link));
  const root = path.resolve(env.root);
  return target !== root && !target.startsWith(root + path.sep);
}

// What the kernel records in mnttab for each file system type when mounted with no
// options (ufs, zfs and lofs as on S10; the vxfs set is UNVERIFIED). The dev= number
// is derived from the device so that it stays the same across remounts.
const KERNEL_DEFAULTS: Record<string, string[]> = {
  ufs: ['rw', 'intr', 'largefiles', 'logging', 'xattr', 'onerror=panic'],
  vxfs: ['rw', 'suid', 'delaylog', 'largefiles', 'ioerror=mwdisable'],
  zfs: ['rw', 'devices', 'setuid', 'nonbmand', 'exec', 'xattr', 'atime'],
  lofs: [],
};

/** The mnttab option string: kernel defaults, with the caller's -o options applied. */
export function mnttabOptions(fstype: string, special: string, requested?: string): string {
  const opts = [...(KERNEL_DEFAULTS[fstype] ?? ['rw'])];
  const asked = requested && requested !== '-' ? requested.split(',').filter((o) => o !== '') : [];
  for (const opt of asked) {
    const negation = opt === 'ro' ? 'rw' : opt === 'rw' ? 'ro' : opt.startsWith('no') ? opt.slice(2) : 'no' + opt;
    const at = opts.indexOf(negation);
    if (at >= 0) opts[at] = opt;
    else if (!opts.includes(opt)) opts.push(opt);
  }
  let hash = 0;
  for (const ch of special) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  opts.push('dev=' + (0x1d80000 + (hash % 0x7ffff)).toString(16));
  return opts.join(',');
}

/**
 * Busy when another file system is mounted below it or is a loopback mount of something
 * inside it (the zone's lofs mounts keep /data/zone busy while the zone runs).
 */
export function mountBusyReason(
  env: Pick<SimEnv, 'root'>,
  mountPoint: string,
  /** Mount points being unmounted together with this one (they do not count). */
  alsoGoing: ReadonlySet<string> = new Set(),
): string | null {
  for (const e of readMnttab(env)) {
    if (e.mountPoint === mountPoint || alsoGoing.has(e.mountPoint)) continue;
    if (isBelow(e.mountPoint, mountPoint)) return `${e.mountPoint} is mounted below it`;
    if (e.fstype === 'lofs' && (e.special === mountPoint || isBelow(e.special, mountPoint))) {
      return `${e.mountPoint} is a loopback mount of it`;
    }
  }
  return null;
}

/** Removes a mount by mount point or special. Throws MountError with the real text. */
export function removeMount(env: Pick<SimEnv, 'root'>, what: string, force = false): MnttabEntry {
  return withLock(mountLock(env), () => {
    const table = readMnttab(env);
    // The most recent mount wins when a special is mounted more than once.
    const index = findLastIndex(table, (e) => e.mountPoint === what || e.special === what);
    if (index < 0) throw new MountError(`umount: ${what} not mounted`, 1);
    const entry = table[index]!;
    if (!force && mountBusyReason(env, entry.mountPoint) !== null) {
      throw new MountError(`umount: ${entry.mountPoint} busy`, 1);
    }
    uncover(env, entry.mountPoint);
    writeMnttab(env, table.filter((_, i) => i !== index));
    return entry;
  });
}

/**
 * addMount, logged to the observer: every mount the lab can see (mount, mount -a, zone
 * ready/boot, boot-time mounts, zfs) is one `mount` event, built here only.
 */
export function mountObserved(env: SimEnv, req: MountRequest): MnttabEntry {
  const entry = addMount(env, req);
  observe(env.lab, env.host, { type: 'mount', special: entry.special, mountPoint: entry.mountPoint, fstype: entry.fstype });
  return entry;
}

/** removeMount, logged to the observer as one `umount` event (umount, zone halt, zfs). */
export function unmountObserved(env: SimEnv, what: string, force = false): MnttabEntry {
  const entry = removeMount(env, what, force);
  observe(env.lab, env.host, { type: 'umount', special: entry.special, mountPoint: entry.mountPoint });
  return entry;
}

function findLastIndex<T>(items: readonly T[], pred: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i -= 1) if (pred(items[i]!)) return i;
  return -1;
}

function uncover(env: Pick<SimEnv, 'root'>, mountPoint: string): void {
  const target = hostPath(env, mountPoint);
  const covered = readJson<Record<string, string>>(coveredPath(env), {});
  try {
    if (fs.lstatSync(target).isSymbolicLink()) fs.unlinkSync(target);
  } catch {
    /* already gone */
  }
  const aside = covered[mountPoint];
  if (aside && fs.existsSync(aside)) fs.renameSync(aside, target);
  else fs.mkdirSync(target, { recursive: true, mode: 0o755 });
  delete covered[mountPoint];
  writeJson(coveredPath(env), covered);
}

/** Power loss: every mount disappears, deepest first, and the covered directories return. */
export function dropAllMounts(env: Pick<SimEnv, 'root'>): MnttabEntry[] {
  return withLock(mountLock(env), () => {
    const table = readMnttab(env);
    const deepestFirst = [...table].sort((a, b) => b.mountPoint.length - a.mountPoint.length);
    for (const entry of deepestFirst) uncover(env, entry.mountPoint);
    writeMnttab(env, []);
    return table;
  });
}

/** Boot: the root file system comes back first (it is no link: it is the host root itself). */
export function restoreRootMount(env: Pick<SimEnv, 'root'>, entry: Omit<MnttabEntry, 'time'>): void {
  withLock(mountLock(env), () => {
    const table = readMnttab(env);
    if (table.some((e) => e.mountPoint === '/')) return;
    writeMnttab(env, [{ ...entry, time: Math.floor(Date.now() / 1000) }, ...table]);
  });
}
