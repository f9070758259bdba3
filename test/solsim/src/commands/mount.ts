// Simulated /usr/sbin/mount (usr/src/cmd/fs.d/mount.c and the ufs/lofs/zfs helpers it
// execs): the generic option checks, the vfstab lookup that fills in missing arguments,
// the three listing formats, and the per-file-system refusals.
import fs from 'node:fs';
import path from 'node:path';
import type { SimCommand, SimContext } from '../command.js';
import { hostPath } from '../env.js';
import { resolveSpecial } from '../state/devices.js';
import type { MnttabEntry } from '../state/mounts.js';
import { MountError, mountObserved, readMnttab } from '../state/mounts.js';
import type { VfstabEntry, VfstabLine } from '../state/vfstab.js';
import { readVfstab, vfstabEntries } from '../state/vfstab.js';
import { flag, getopt, optArg } from './storage-getopt.js';
import { cftime } from './solaris-time.js';

const USAGE =
  'Usage:\nmount [-v | -p]\n' +
  'mount [-F FSType] [-V] [current_options] [-o specific_options]\n\t{special | mount_point}\n' +
  'mount [-F FSType] [-V] [current_options] [-o specific_options]\n\tspecial mount_point\n' +
  'mount -a [-F FSType ] [-V] [current_options] [-o specific_options]\n\t[mount_point ...]\n';

/** The file system types whose mount helper the simulator has. */
const SUPPORTED = new Set(['ufs', 'vxfs', 'lofs', 'zfs']);

class Exit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

export const mount: SimCommand = (ctx) => {
  try {
    return run(ctx);
  } catch (err) {
    if (err instanceof Exit) return err.code;
    throw err;
  }
};

function usage(ctx: SimContext): never {
  ctx.err(USAGE);
  throw new Exit(1);
}

function run(ctx: SimContext): number {
  const p = getopt(ctx.argv, '?acf:F:gmno:pqrvVO');
  if (p.error) {
    ctx.err(p.error.kind === 'unknown'
      ? `mount: illegal option -- ${p.error.option}\n`
      : `mount: option requires an argument -- ${p.error.option}\n`);
    usage(ctx);
  }
  const [a, pf, v] = [flag(p, 'a'), flag(p, 'p'), flag(p, 'v')];
  const n = p.operands.length;
  if (!a && n > 2) usage(ctx);
  if (Number(a) + Number(pf) + Number(v) > 1) {
    ctx.err('mount: -a, -p, and -v are mutually exclusive\n');
    usage(ctx);
  }
  if ((p.opts.get('F')?.length ?? 0) + (p.opts.get('f')?.length ?? 0) > 1) {
    ctx.err('mount: More than one FSType specified\n');
    usage(ctx);
  }
  if (!a && n === 0 && (['c', 'f', 'm', 'o', 'r', 'q', 'F'].some((l) => flag(p, l)))) usage(ctx);
  if (flag(p, '?')) usage(ctx);
  if (n > 0 && (pf || v)) {
    ctx.err('mount: Cannot use -p and -v with arguments\n');
    usage(ctx);
  }
  if (!a && n === 0) {
    printMnttab(ctx, readMnttab(ctx.env), v ? 'v' : pf ? 'p' : 'plain');
    return 0;
  }
  const fstype = optArg(p, 'F') ?? optArg(p, 'f');
  const options = mergeGeneric(optArg(p, 'o'), flag(p, 'r'));
  if (a) return mountAll(ctx, p.operands, fstype, options);
  return mountOne(ctx, p.operands, fstype, options);
}

/** -r is the generic spelling of -o ro. */
function mergeGeneric(specific: string | undefined, readOnly: boolean): string | undefined {
  if (!readOnly) return specific;
  return specific ? `ro,${specific}` : 'ro';
}

function mountOne(ctx: SimContext, args: string[], fstypeArg: string | undefined, optsArg: string | undefined): number {
  let special = args.length === 2 ? args[0]! : null;
  let mountPoint: string | null = args[args.length - 1]!;
  let fstype = fstypeArg ?? null;
  let options = optsArg;
  if (!fstype || !options || !special) {
    const table = readVfstab(ctx.env);
    if (!table) {
      if (!fstype || !special) {
        ctx.err('mount: Cannot open /etc/vfstab\n');
        return 1;
      }
    } else {
      warn(ctx, table);
      let found = lookup(table, special, mountPoint, fstype);
      if (!found && special === null) {
        // With one argument it may have been the special, not the mount point.
        special = mountPoint;
        mountPoint = null;
        found = lookup(table, special, null, fstype);
      }
      if (found) {
        fstype ??= found.fstype;
        special ??= found.special;
        mountPoint ??= found.mountPoint;
        if (options === undefined && found.options !== '-') options = found.options;
      } else if (special === null || mountPoint === null) {
        const arg = (special ?? mountPoint)!;
        if (/^\/dev\/(vx\/)?r?dsk\//.test(arg)) ctx.err('mount: mount point cannot be determined\n');
        else if (arg.startsWith('/') && fs.existsSync(hostPath(ctx.env, arg))) ctx.err('mount: special cannot be determined\n');
        else {
          ctx.err(`mount: cannot stat ${arg}\n`);
          return 2;
        }
        return 1;
      }
    }
    // /etc/default/fs: LOCAL=ufs; a host:path special would be nfs.
    fstype ??= special!.includes(':') ? 'nfs' : 'ufs';
  }
  return mountAs(ctx, special!, mountPoint!, fstype, options);
}

function lookup(table: VfstabLine[], special: string | null, mountPoint: string | null, fstype: string | null): VfstabEntry | undefined {
  return vfstabEntries(table).find((e) =>
    (special === null || e.special === special) &&
    (mountPoint === null || e.mountPoint === mountPoint) &&
    (fstype === null || e.fstype === fstype));
}

function warn(ctx: SimContext, table: VfstabLine[]): void {
  for (const line of table) if (line.kind === 'bad') ctx.err(`mount: ${line.warning}\n`);
}

function mountAs(ctx: SimContext, special: string, mountPointArg: string, fstype: string, options?: string): number {
  if (!mountPointArg.startsWith('/') || !fs.existsSync(hostPath(ctx.env, mountPointArg))) {
    ctx.err(`mount: Mount point ${mountPointArg} does not exist.\n`);
    return 1;
  }
  const mountPoint = path.posix.normalize(mountPointArg).replace(/(.)\/$/, '$1');
  if (!SUPPORTED.has(fstype)) {
    ctx.err(`mount: Operation not applicable to FSType ${fstype}\n`);
    return 1;
  }
  try {
    const { source } = resolveSpecial(ctx.env, special, fstype, mountPoint);
    mountObserved(ctx.env, { special, mountPoint, fstype, options, source });
  } catch (err) {
    if (!(err instanceof MountError)) throw err;
    ctx.err(err.message + '\n');
    return err.exitCode;
  }
  return 0;
}

/** mount -a: every "mount at boot" entry (or the listed mount points), parents first. */
function mountAll(ctx: SimContext, list: string[], fstype: string | undefined, options: string | undefined): number {
  const table = readVfstab(ctx.env);
  if (!table) {
    ctx.err('mount: Cannot open /etc/vfstab\n');
    return 1;
  }
  let status = 0;
  const entries = vfstabEntries(table).filter((e) =>
    e.mountPoint.startsWith('/') && e.fstype !== 'swap' &&
    (list.length > 0 ? list.includes(e.mountPoint) : e.atBoot === 'yes' && (!fstype || e.fstype === fstype)));
  for (const missing of list.filter((mp) => !entries.some((e) => e.mountPoint === mp))) {
    ctx.err(`mount: Warning: ${missing} not found in /etc/vfstab\n`);
    status = 1;
  }
  const mounted = new Set(readMnttab(ctx.env).map((e) => e.mountPoint));
  const ordered = [...entries].sort((x, y) => x.mountPoint.split('/').length - y.mountPoint.split('/').length);
  for (const e of ordered) {
    // mountall skips what is already mounted (the root, /proc and friends).
    if (mounted.has(e.mountPoint) || !SUPPORTED.has(e.fstype)) continue;
    const code = mountAs(ctx, e.special, e.mountPoint, e.fstype, options ?? (e.options === '-' ? undefined : e.options));
    if (code !== 0) status = code;
  }
  return status;
}

function printMnttab(ctx: SimContext, table: MnttabEntry[], style: 'plain' | 'v' | 'p'): void {
  for (const e of table) {
    if (e.options.split(',').includes('ignore')) continue;
    const when = cftime(e.time * 1000);
    if (style === 'p') ctx.out(`${e.special} - ${e.mountPoint} ${e.fstype} - no ${elideDev(e.options)}\n`);
    else if (style === 'v') ctx.out(`${e.special} on ${e.mountPoint} type ${e.fstype} ${flags(e.options, true)} on ${when}\n`);
    else ctx.out(`${e.mountPoint} on ${e.special} ${flags(e.options, false)} on ${when}\n`);
  }
}

/** mount.c elide_dev(): dev=<n> is not valid in vfstab format. */
function elideDev(options: string): string {
  return options.split(',').filter((o) => !o.startsWith('dev=')).join(',');
}

/** mount.c flags(): the option string in the listing's slash-separated form. */
export function flags(options: string, newStyle: boolean): string {
  if (options === '') return 'read/write/setuid/devices';
  let rw = true, suid = true, devices = true, setuid = true;
  const rest: string[] = [];
  for (const o of options.split(',')) {
    switch (o) {
      case 'ro': rw = false; break;
      case 'rw': rw = true; break;
      case 'suid': suid = true; break;
      case 'nosuid': suid = false; break;
      case 'setuid': setuid = true; break;
      case 'nosetuid': setuid = false; break;
      case 'devices': devices = true; break;
      case 'nodevices': devices = false; break;
      default: if (o !== '') rest.push(o);
    }
  }
  let out = rw ? 'read/write' : newStyle ? 'read-only' : 'read only';
  out += suid ? (setuid ? '/setuid' : '/nosetuid') + (devices ? '/devices' : '/nodevices') : '/nosetuid/nodevices';
  return rest.length > 0 ? `${out}/${rest.join('/')}` : out;
}
