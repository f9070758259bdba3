import type { SimCommand } from '../command.js';

/** zoneadm, zonecfg, zlogin, s8_p2v. */
export const zoneCommands: Record<string, SimCommand> = {};
