import type { SimCommand } from '../command.js';
import { hostCommands } from './host-commands.js';
import { storageCommands } from './storage-commands.js';
import { zoneCommands } from './zone-commands.js';

export const commandNames = [
  'zoneadm', 'zonecfg', 'zlogin', 'mount', 'umount', 'df', 'vxdg', 'zpool', 'zfs',
  's8_p2v', 'showrev', 'uname', 'symrdf', 'symclone',
] as const;

export const commands: Record<string, SimCommand> = {
  ...zoneCommands,
  ...storageCommands,
  ...hostCommands,
};
