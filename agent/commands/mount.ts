// mount(1M) on Solaris 10 (reference 6.1): argument vectors, the `mount -p` listing
// (vfstab format) and the known refusals.
import type { RunResult } from '../platform/command-runner.js';
import type { Classified } from '../ops/command-errors.js';
import { parseVfstabLine, type VfstabEntry } from './vfstab.js';

export interface ExplicitMount {
  special: string;
  mountPoint: string;
  /** Omitted: mount takes the type from vfstab or its default (ufs). */
  fstype?: string;
  options: readonly string[];
}

export const mountArgs = {
  /** `mount MOUNTPOINT`: device, type and options from /etc/vfstab. */
  fromVfstab: (mountPoint: string): string[] => [mountPoint],
  /** `mount -F TYPE -o OPTS SPECIAL MOUNTPOINT`. */
  explicit: (m: ExplicitMount): string[] => [
    ...(m.fstype ? ['-F', m.fstype] : []),
    ...(m.options.length > 0 ? ['-o', m.options.join(',')] : []),
    m.special,
    m.mountPoint,
  ],
  /** The mount table in vfstab format. */
  list: (): string[] => ['-p'],
};

/**
 * `mount -p`: one vfstab line per mount. Empty options may print as "-" or as nothing
 * at all (the line then has six fields), so both are read as no options.
 */
export function parseMountP(stdout: string): VfstabEntry[] {
  const entries: VfstabEntry[] = [];
  for (const line of stdout.split('\n')) {
    const fields = line.trim().split(/\s+/);
    const entry = parseVfstabLine(fields.length === 6 ? `${line.trim()} -` : line);
    if (entry) entries.push(entry);
  }
  return entries;
}

/**
 * Known failures (reference 6.1, ufs/mount/mount.c rpterr(); the VxFS helper's texts
 * are unverified and the lab stands in the ufs ones, so the same patterns serve).
 */
export function classifyMountFailure(result: RunResult): Classified | null {
  const err = result.stderr;
  let m: RegExpExecArray | null;
  if ((m = /(\S+) is already mounted or (\S+) is busy/.exec(err)) || /already mounted/.test(err)) {
    return { code: 'STORAGE_BUSY', message: m ? `${m[1]} is mounted elsewhere or ${m[2]} is in use` : 'the device is already mounted or the mount point is in use' };
  }
  if ((m = /Mount point (\S+) does not exist/.exec(err))) {
    return { code: 'PRECONDITION_FAILED', message: `mount point ${m[1]} does not exist on this host; create it first` };
  }
  if ((m = /(\S+) no such device/.exec(err))) {
    return { code: 'PRECONDITION_FAILED', message: `${m[1]} is not present on this host: import its disk group or pool here first` };
  }
  if ((m = /(\S+) is not this fstype/.exec(err))) {
    return { code: 'PRECONDITION_FAILED', message: `${m[1]} does not hold a file system of the type given` };
  }
  if ((m = /cannot stat (\S+)/.exec(err)) || /(mount point|special) cannot be determined/.test(err)) {
    return { code: 'PRECONDITION_FAILED', message: `${m ? m[1] : 'the mount point'} has no usable /etc/vfstab entry or does not exist; give the special and type` };
  }
  if (/Operation not applicable to FSType/.test(err)) {
    return { code: 'PRECONDITION_FAILED', message: 'this host cannot mount that file system type' };
  }
  if (/cannot be mounted using 'mount -F zfs'/.test(err)) {
    return { code: 'PRECONDITION_FAILED', message: 'the dataset is not mountpoint=legacy, so only zfs mount can mount it' };
  }
  if (/is not okay|run fsck/.test(err)) {
    return { code: 'PRECONDITION_FAILED', message: 'the file system needs fsck before it can be mounted read/write' };
  }
  if (/write-protected|reservation conflict/.test(err)) {
    return { code: 'PRECONDITION_FAILED', message: 'the device is write-protected here (a write-disabled replica, or another host holds its reservation)' };
  }
  return null;
}
