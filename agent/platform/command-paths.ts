// Where each command lives. The defaults are Solaris 10's; the agent configuration may
// point any of them elsewhere (the lab points them into test/solsim/bin).
import type { CommandName } from './command-runner.js';

export type CommandPaths = Record<CommandName, string>;

export const SOLARIS_COMMAND_PATHS: CommandPaths = {
  zoneadm: '/usr/sbin/zoneadm',
  zonecfg: '/usr/sbin/zonecfg',
  zlogin: '/usr/sbin/zlogin',
  mount: '/usr/sbin/mount',
  umount: '/usr/sbin/umount',
  df: '/usr/sbin/df',
  vxdg: '/usr/sbin/vxdg',
  zpool: '/usr/sbin/zpool',
  zfs: '/usr/sbin/zfs',
  s8_p2v: '/usr/lib/brand/solaris8/s8_p2v',
  showrev: '/usr/bin/showrev',
  uname: '/usr/bin/uname',
  symrdf: '/usr/symcli/bin/symrdf',
  symclone: '/usr/symcli/bin/symclone',
  pax: '/usr/bin/pax',
};

export function resolveCommandPaths(overrides: Partial<CommandPaths> = {}): CommandPaths {
  return { ...SOLARIS_COMMAND_PATHS, ...overrides };
}
