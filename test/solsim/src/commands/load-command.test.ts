// Every command the executables can be named after loads the same function the
// in-process table holds, and an unknown name loads nothing.
import { describe, expect, it } from 'vitest';
import { commandNames, commands } from './index.js';
import { loadCommand } from './load-command.js';

describe('loading one simulated command', () => {
  it.each(commandNames)('%s loads the command the table holds', async (name) => {
    expect(await loadCommand(name)).toBe(commands[name]);
  });

  it('loads nothing for a name that is not a simulated command', () => {
    expect(loadCommand('format')).toBeUndefined();
    expect(loadCommand('toString')).toBeUndefined();
  });
});
