// The argument vector SYMCLI's device-group commands (symrdf, symclone) share:
// `-g DG`, `-noprompt`/`-nop`, option flags and valued options each command accepts and
// ignores, and exactly one verb. null: print the usage.
export interface SymcliArgs {
  group: string;
  noprompt: boolean;
  verb: string;
}

export function parseSymcliArgs(argv: readonly string[], ignored: { flags: readonly string[]; valued: readonly string[] }): SymcliArgs | null {
  let group: string | undefined;
  let noprompt = false;
  const verbs: string[] = [];
  const rest = [...argv];
  while (rest.length > 0) {
    const arg = rest.shift()!;
    if (arg === '-g') group = rest.shift();
    else if (arg === '-noprompt' || arg === '-nop') noprompt = true;
    else if (ignored.flags.includes(arg)) continue;
    else if (ignored.valued.includes(arg)) rest.shift();
    else if (arg.startsWith('-')) return null;
    else verbs.push(arg);
  }
  return group && verbs.length === 1 ? { group, noprompt, verb: verbs[0]! } : null;
}
