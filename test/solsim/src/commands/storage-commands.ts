import type { SimCommand } from '../command.js';
import { df } from './df.js';
import { mount } from './mount.js';
import { symclone } from './symclone.js';
import { symrdf } from './symrdf.js';
import { umount } from './umount.js';
import { vxdg } from './vxdg.js';
import { zfs } from './zfs.js';
import { zpool } from './zpool.js';

/** mount, umount, df, vxdg, zpool, zfs, symrdf, symclone. */
export const storageCommands: Record<string, SimCommand> = { mount, umount, df, vxdg, zpool, zfs, symrdf, symclone };
