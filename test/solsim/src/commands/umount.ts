// Simulated /usr/sbin/umount (usr/src/cmd/fs.d/umount.c): by mount point or special,
// refusing while something is mounted below or looped back from the file system.
import path from 'node:path';
import type { SimCommand } from '../command.js';
import { MountError, unmountObserved } from '../state/mounts.js';
import { flag, getopt } from './storage-getopt.js';

// umount.c's usage text from memory of the S10 binary (UNVERIFIED in detail).
const USAGE =
  'Usage:\numount [-f] [-V] [-o specific_options] {special | mount_point}\n' +
  'umount -a [-f] [-V] [-o specific_options] [mount_point ...]\n';

export const umount: SimCommand = (ctx) => {
  const p = getopt(ctx.argv, 'afo:V');
  if (p.error) {
    ctx.err(`umount: illegal option -- ${p.error.option}\n${USAGE}`);
    return 1;
  }
  if (p.operands.length === 0 || (!flag(p, 'a') && p.operands.length > 1)) {
    ctx.err(USAGE);
    return 1;
  }
  let status = 0;
  for (const arg of p.operands) {
    const what = arg.startsWith('/') ? path.posix.normalize(arg).replace(/(.)\/$/, '$1') : arg;
    try {
      unmountObserved(ctx.env, what, flag(p, 'f'));
    } catch (err) {
      if (!(err instanceof MountError)) throw err;
      ctx.err(err.message + '\n');
      status = err.exitCode;
    }
  }
  return status;
};
