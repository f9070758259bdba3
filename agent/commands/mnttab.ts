// /etc/mnttab: the kernel's mount table, one mount per line,
//   special TAB mount_point TAB fstype TAB options TAB time
// (mnttab(4); the lab writes the same). The agent reads the file itself rather than run
// `mount -v`: it is the authority mount and umount consult, and reading it runs nothing.
import { TwinzoneError } from '../../shared/errors/twinzone-error.js';

export interface MnttabEntry {
  special: string;
  mountPoint: string;
  fstype: string;
  /** Comma-separated, as the kernel recorded them (including dev=...). */
  options: string;
  /** Seconds since the epoch. */
  mountedAtS: number;
}

export function parseMnttab(text: string): MnttabEntry[] {
  const entries: MnttabEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const fields = line.split('\t');
    if (fields.length < 4) throw new TwinzoneError('COMMAND_FAILED', `/etc/mnttab has a line that is not a mount: ${JSON.stringify(line)}`);
    const [special, mountPoint, fstype, options, time] = fields as [string, string, string, string, string | undefined];
    const seconds = Number(time ?? '0');
    entries.push({ special, mountPoint, fstype, options, mountedAtS: Number.isFinite(seconds) ? seconds : 0 });
  }
  return entries;
}

/** What is visible at a mount point: the most recent mount there (mounts stack). */
export function mountAt(entries: readonly MnttabEntry[], mountPoint: string): MnttabEntry | undefined {
  return entries.filter((e) => e.mountPoint === mountPoint).at(-1);
}

/**
 * Mounts that keep mountPoint busy: anything mounted below it, and loopback mounts
 * whose source is inside it (a running zone's `fs` resources are lofs mounts of this
 * kind, e.g. /data/db01 on /zones/db01/root/data).
 */
export function mountsDependingOn(entries: readonly MnttabEntry[], mountPoint: string): MnttabEntry[] {
  const inside = (p: string) => p.startsWith(mountPoint === '/' ? '/' : `${mountPoint}/`);
  return entries.filter((e) => inside(e.mountPoint) || (e.fstype === 'lofs' && (e.special === mountPoint || inside(e.special))));
}
