// From a mount's "special" to the real directory holding that file system's content:
//
//   lofs               /export/share          → the host path itself (must exist)
//   ufs                /dev/dsk/cXtYdZsN      → this host's local slice directory
//   vxfs (or ufs)      /dev/vx/dsk/<dg>/<vol> → the volume on this host's site SAN,
//                                               only while this host has <dg> imported
//   zfs                <pool>/<dataset>       → the dataset, only while <pool> is imported here
//
// Refusals carry the text and exit status of the real mount helpers (ufs/mount rpterr:
// exit 32). VxFS's own messages are closed source; the ufs wording stands in for them
// (UNVERIFIED).
import fs from 'node:fs';
import type { SimEnv } from '../env.js';
import { hostPath } from '../env.js';
import { localSliceDir } from './host-root.js';
import { MountError } from './mounts.js';
import { hostImport, hostSite, readGroup, volumeDir } from './san.js';
import { datasetSource } from './zfs-model.js';

export interface ResolvedSpecial {
  /** Real directory with the file system's content. */
  source: string;
  /** The file system type the device really carries. */
  fstype: string;
}

const VX_BLOCK = /^\/dev\/vx\/dsk\/([^/]+)\/([^/]+)$/;
const VX_RAW = /^\/dev\/vx\/rdsk\/([^/]+)\/([^/]+)$/;
const SLICE = /^\/dev\/dsk\/(c\d+(?:t\d+)?d\d+s\d+)$/;

export function parseVxDevice(special: string): { dg: string; vol: string; raw: boolean } | null {
  const m = VX_BLOCK.exec(special) ?? VX_RAW.exec(special);
  return m ? { dg: m[1]!, vol: m[2]!, raw: special.startsWith('/dev/vx/rdsk/') } : null;
}

/** Resolves a special for mount -F fstype; throws MountError with the real refusal. */
export function resolveSpecial(env: SimEnv, special: string, fstype: string, mountPoint: string): ResolvedSpecial {
  if (fstype === 'lofs') {
    const real = special.startsWith('/') ? hostPath(env, special) : null;
    if (!real || !fs.existsSync(real)) {
      throw new MountError(`mount: ${special} or ${mountPoint}, no such file or directory`, 32);
    }
    // Through any mounts on the way, so the loopback keeps pointing at the same storage.
    return { source: fs.realpathSync(real), fstype: 'lofs' };
  }
  if (fstype === 'zfs') {
    return { source: datasetSource(env, special, mountPoint), fstype: 'zfs' };
  }
  const resolved = resolveBlockDevice(env, special);
  if (!resolved) throw new MountError(`mount: ${special} no such device`, 32);
  if (resolved.fstype !== fstype) throw new MountError(`mount: ${special} is not this fstype`, 32);
  return resolved;
}

/** A block device's content, or null when this host cannot see or open it. */
export function resolveBlockDevice(env: SimEnv, special: string): ResolvedSpecial | null {
  const slice = SLICE.exec(special);
  if (slice) {
    const dir = localSliceDir(env, slice[1]!);
    return fs.existsSync(dir) ? { source: dir, fstype: 'ufs' } : null;
  }
  const vx = VX_BLOCK.exec(special);
  if (vx) {
    const [, dg, vol] = vx as unknown as [string, string, string];
    // Volumes are started by the import itself here (vxvol startall is not simulated):
    // an imported group's volumes are usable at once, a deported group's are gone.
    const mine = hostImport(env, 'vxdg', dg);
    if (!mine) return null;
    const record = readGroup(env.lab, hostSite(env), 'vxdg', dg);
    const volume = record?.volumes.find((v) => v.name === vol);
    if (!volume) return null;
    return { source: volumeDir(env.lab, hostSite(env), dg, vol), fstype: volume.fstype };
  }
  return null;
}

/** For the lab: gives a local disk slice a (ufs) file system this host can mount. */
export function createLocalSlice(env: Pick<SimEnv, 'root'>, slice: string): string {
  const dir = localSliceDir(env, slice);
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  return dir;
}
