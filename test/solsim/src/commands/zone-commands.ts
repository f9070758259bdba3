import type { SimCommand } from '../command.js';
import { s8P2v } from './s8-p2v.js';
import { zlogin } from './zlogin.js';
import { zoneadm } from './zoneadm.js';
import { zonecfg } from './zonecfg.js';

/** zoneadm, zonecfg, zlogin, s8_p2v. */
export const zoneCommands: Record<string, SimCommand> = { zoneadm, zonecfg, zlogin, s8_p2v: s8P2v };
