// The executables load only the module of the command they run. Importing every command
// came before any work in each simulated command (the lab runs thousands of them: every
// probe, every step of every run); loading one instead cut about 15% of each one's CPU.
// This table mirrors the in-process one in index.ts; load-command.test.ts keeps them equal.
import type { SimCommand } from '../command.js';
import type { commandNames } from './index.js';

const LOADERS: Record<(typeof commandNames)[number], () => Promise<SimCommand>> = {
  zoneadm: async () => (await import('./zoneadm.js')).zoneadm,
  zonecfg: async () => (await import('./zonecfg.js')).zonecfg,
  zlogin: async () => (await import('./zlogin.js')).zlogin,
  s8_p2v: async () => (await import('./s8-p2v.js')).s8P2v,
  mount: async () => (await import('./mount.js')).mount,
  umount: async () => (await import('./umount.js')).umount,
  df: async () => (await import('./df.js')).df,
  vxdg: async () => (await import('./vxdg.js')).vxdg,
  zpool: async () => (await import('./zpool.js')).zpool,
  zfs: async () => (await import('./zfs.js')).zfs,
  symrdf: async () => (await import('./symrdf.js')).symrdf,
  symclone: async () => (await import('./symclone.js')).symclone,
  showrev: async () => (await import('./showrev.js')).showrev,
  uname: async () => (await import('./uname.js')).uname,
};

export function loadCommand(name: string): Promise<SimCommand> | undefined {
  return Object.hasOwn(LOADERS, name) ? LOADERS[name as keyof typeof LOADERS]() : undefined;
}
