// The storage side of a host's power loss and power-on. A crash loses what lives in the
// kernel (the imports it knew of, every mount) and nothing on disk: the disk-header locks
// and the reservation keys stay on the SAN, which is why the next importer needs -C / -f.
// A boot mounts what vfstab marks "mount at boot" and imports nothing (failover groups
// are never auto-imported).
import type { SimEnv } from '../env.js';
import { resolveSpecial } from './devices.js';
import { ROOT_MNTTAB_ENTRY } from './host-root.js';
import type { MnttabEntry } from './mounts.js';
import { dropAllMounts, MountError, mountObserved, restoreRootMount } from './mounts.js';
import { forgetAllImports } from './san.js';
import type { VfstabEntry } from './vfstab.js';
import { readVfstab, vfstabEntries } from './vfstab.js';

/** No observer events: the lab records the crash itself (host.crash). */
export function crashStorage(env: SimEnv): void {
  forgetAllImports(env);
  dropAllMounts(env);
}

/** File system types the simulator has no content for; the boot skips them silently. */
const PSEUDO_FS = new Set(['swap', 'proc', 'fd', 'tmpfs', 'mntfs', 'ctfs', 'objfs', 'sharefs', 'devfs', 'dev']);

export interface BootMountResult {
  mounted: MnttabEntry[];
  /** Entries that a real boot would complain about on the console. */
  failed: { entry: VfstabEntry; message: string }[];
}

export function bootStorage(env: SimEnv): BootMountResult {
  restoreRootMount(env, ROOT_MNTTAB_ENTRY);
  const result: BootMountResult = { mounted: [], failed: [] };
  const entries = vfstabEntries(readVfstab(env) ?? [])
    .filter((e) => e.atBoot === 'yes' && e.mountPoint.startsWith('/') && e.mountPoint !== '/')
    .filter((e) => !PSEUDO_FS.has(e.fstype))
    // mountall mounts parents before children.
    .sort((a, b) => a.mountPoint.split('/').length - b.mountPoint.split('/').length);
  for (const entry of entries) {
    try {
      const { source } = resolveSpecial(env, entry.special, entry.fstype, entry.mountPoint);
      const mounted = mountObserved(env, {
        special: entry.special, mountPoint: entry.mountPoint, fstype: entry.fstype,
        options: entry.options === '-' ? undefined : entry.options, source,
      });
      result.mounted.push(mounted);
    } catch (err) {
      if (!(err instanceof MountError)) throw err;
      result.failed.push({ entry, message: err.message });
    }
  }
  return result;
}
