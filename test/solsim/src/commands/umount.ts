// Simulated /usr/sbin/umount (usr/src/cmd/fs.d/umount.c): by mount point or special,
// refusing while something is mounted below or looped back from the file system.
// umount -a without operands unmounts everything but the system file systems.
import path from 'node:path';
import type { SimCommand } from '../command.js';
import { MountError, readMnttab, unmountObserved } from '../state/mounts.js';
import { flag, getopt } from './storage-getopt.js';

// umount.c's usage text from memory of the S10 binary (UNVERIFIED in detail).
const USAGE =
  'Usage:\numount [-f] [-V] [-o specific_options] {special | mount_point}\n' +
  'umount -a [-f] [-V] [-o specific_options] [mount_point ...]\n';

// What umount -a leaves mounted: the system file systems the host cannot run without
// (umount.c's keep list, from memory: UNVERIFIED). Only / is in a simulated mnttab.
const KEEP = new Set([
  '/', '/dev', '/dev/fd', '/devices', '/etc/mnttab', '/etc/svc/volatile', '/lib', '/proc', '/sbin',
  '/system/contract', '/system/object', '/tmp', '/usr', '/var', '/var/adm', '/var/run',
]);

export const umount: SimCommand = (ctx) => {
  const p = getopt(ctx.argv, 'afo:V');
  if (p.error) {
    ctx.err(`umount: illegal option -- ${p.error.option}\n${USAGE}`);
    return 1;
  }
  if (!flag(p, 'a') && p.operands.length !== 1) {
    ctx.err(USAGE);
    return 1;
  }
  // umount -a alone: the whole mnttab, newest first so that children go before parents.
  const targets = p.operands.length > 0
    ? p.operands
    : readMnttab(ctx.env).map((e) => e.mountPoint).filter((mp) => !KEEP.has(mp)).reverse();
  let status = 0;
  for (const arg of targets) {
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
