import type { SimCommand } from '../command.js';
import { showrev } from './showrev.js';
import { uname } from './uname.js';

/** uname, showrev. */
export const hostCommands: Record<string, SimCommand> = { uname, showrev };
