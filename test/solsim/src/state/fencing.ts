// Storage fencing as the zone application meets it: before each write it asks whether
// the disk under the file would accept a write from this host. A real array answers
// with a reservation conflict or a write-protect error; here the answer is the reason
// string (the caller reports write.refused and fails like an I/O error would).
import fs from 'node:fs';
import path from 'node:path';
import type { SimEnv } from '../env.js';
import { prKeyFor, prRefusal } from './pr-keys.js';
import { readHostConfig } from './host-config.js';
import { writeDisabledReason } from './replication.js';
import type { StorageKind } from './san.js';
import { decodeDataset, hostImport, hostSite, readGroup, sanRoot } from './san.js';

export interface StorageLocation {
  site: string;
  kind: StorageKind;
  /** Disk group or pool name. */
  group: string;
  /** Volume name, or dataset name for pools. */
  volume: string;
}

/** realpath of the longest existing prefix, so a file about to be created resolves too. */
function realpathLenient(p: string): string {
  const rest: string[] = [];
  let current = path.resolve(p);
  for (;;) {
    try {
      return path.join(fs.realpathSync(current), ...rest.reverse());
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return path.resolve(p);
      rest.push(path.basename(current));
      current = parent;
    }
  }
}

/** Which SAN volume or dataset a real path lies on (through any symlinked mounts), or null. */
export function storageOfPath(env: SimEnv, realPath: string): StorageLocation | null {
  const san = realpathLenient(sanRoot(env.lab));
  const rel = path.relative(san, realpathLenient(realPath));
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return null;
  const [site, kind, group, area, item] = rel.split(path.sep);
  if (!site || !group || !item) return null;
  if (kind === 'vxdg' && area === 'vols') return { site, kind, group, volume: item };
  if (kind === 'zpool' && area === 'datasets') return { site, kind, group, volume: decodeDataset(item) };
  return null;
}

/** Null when this host may write to realPath; otherwise why the storage refuses. */
export function writeRefusal(env: SimEnv, realPath: string): string | null {
  const where = storageOfPath(env, realPath);
  if (!where) return null;
  const noun = where.kind === 'vxdg' ? 'disk group' : 'pool';
  if (where.site !== hostSite(env)) return `${noun} ${where.group} of site ${where.site} is not visible from this host`;
  if (!hostImport(env, where.kind, where.group)) return `${noun} ${where.group} is not imported on this host`;
  if (where.kind === 'vxdg') {
    const wd = writeDisabledReason(env.lab, where.site, where.group);
    if (wd) return wd;
  }
  const record = readGroup(env.lab, where.site, where.kind, where.group);
  if (!record) return `${noun} ${where.group} no longer exists`;
  return prRefusal(record, env.host, prKeyFor(readHostConfig(env).hostid));
}
