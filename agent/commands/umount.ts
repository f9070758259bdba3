// umount(1M) (reference 6.1, usr/src/cmd/fs.d/umount.c): `umount [-f] MOUNTPOINT`.
import type { RunResult } from '../platform/command-runner.js';
import type { Classified } from '../ops/command-errors.js';

export const umountArgs = {
  unmount: (mountPoint: string, opts: { force: boolean }): string[] => [...(opts.force ? ['-f'] : []), mountPoint],
};

/** "umount: <x> not mounted": nothing to do; the op reads it as already unmounted. */
export function isNotMounted(result: RunResult): boolean {
  return /\bnot mounted\b/.test(result.stderr);
}

export function classifyUmountFailure(result: RunResult): Classified | null {
  let m: RegExpExecArray | null;
  if ((m = /umount: (\S+) not mounted/.exec(result.stderr))) {
    return { code: 'PRECONDITION_FAILED', message: `${m[1]} is not mounted` };
  }
  if ((m = /umount: (\S+) busy/.exec(result.stderr)) || /Device busy/.test(result.stderr)) {
    return { code: 'STORAGE_BUSY', message: `${m ? m[1] : 'the file system'} is in use (open files, a running zone, or mounts below it)` };
  }
  return null;
}
