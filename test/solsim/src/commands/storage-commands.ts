import type { SimCommand } from '../command.js';

/** mount, umount, df, vxdg, zpool, zfs, symrdf. */
export const storageCommands: Record<string, SimCommand> = {};
