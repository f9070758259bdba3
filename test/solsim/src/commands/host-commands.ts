import type { SimCommand } from '../command.js';

/** uname, showrev. */
export const hostCommands: Record<string, SimCommand> = {};
