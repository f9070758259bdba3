// getopt(3C) as the Solaris storage commands use it: clustered flags (-tfC), option
// arguments attached or separate (-oro, -o ro), "--" ends options, and option parsing
// stops at the first operand.
export interface Parsed {
  /** Each option letter with its arguments in order (true for flags). */
  opts: Map<string, (string | true)[]>;
  operands: string[];
  /** The first bad option: unknown letter or missing argument. */
  error?: { kind: 'unknown' | 'missing'; option: string };
}

export function getopt(argv: readonly string[], spec: string): Parsed {
  const opts = new Map<string, (string | true)[]>();
  const add = (k: string, v: string | true) => opts.set(k, [...(opts.get(k) ?? []), v]);
  let i = 0;
  for (; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '--') {
      i += 1;
      break;
    }
    if (!arg.startsWith('-') || arg === '-') break;
    for (let j = 1; j < arg.length; j += 1) {
      const letter = arg[j]!;
      const at = spec.indexOf(letter);
      if (at < 0 || letter === ':') return { opts, operands: [], error: { kind: 'unknown', option: letter } };
      if (spec[at + 1] !== ':') {
        add(letter, true);
        continue;
      }
      const rest = arg.slice(j + 1);
      if (rest !== '') add(letter, rest);
      else if (i + 1 < argv.length) add(letter, argv[++i]!);
      else return { opts, operands: [], error: { kind: 'missing', option: letter } };
      break;
    }
  }
  return { opts, operands: argv.slice(i) };
}

export function flag(p: Parsed, letter: string): boolean {
  return p.opts.has(letter);
}

/** The last argument given to an option (later ones win, as in most Solaris tools). */
export function optArg(p: Parsed, letter: string): string | undefined {
  const values = p.opts.get(letter)?.filter((v): v is string => v !== true);
  return values?.[values.length - 1];
}
