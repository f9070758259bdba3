// POSIX getopt as the Solaris zone commands use it: options stop at the first operand or
// at "--", options may be clustered ("-Fn"), an option argument may be glued ("-nfile")
// or separate. The first bad option ends parsing, like a C loop that returns on '?'.
export interface GetoptResult {
  opts: { opt: string; arg: string }[];
  /** Index of the first operand. */
  optind: number;
  /** Set when parsing stopped at '?': the offending option character (optopt). */
  bad?: { optopt: string; reason: 'help' | 'illegal' | 'missing' };
}

export function getopt(argv: readonly string[], optstring: string): GetoptResult {
  const opts: GetoptResult['opts'] = [];
  let i = 0;
  while (i < argv.length) {
    const word = argv[i]!;
    if (word === '--') return { opts, optind: i + 1 };
    if (!word.startsWith('-') || word === '-') break;
    let j = 1;
    while (j < word.length) {
      const c = word[j]!;
      const at = c === ':' ? -1 : optstring.indexOf(c);
      if (at < 0) return { opts, optind: i + 1, bad: { optopt: c, reason: 'illegal' } };
      if (c === '?') return { opts, optind: i + 1, bad: { optopt: '?', reason: 'help' } };
      if (optstring[at + 1] === ':') {
        let arg = word.slice(j + 1);
        if (arg === '') {
          i += 1;
          if (i >= argv.length) return { opts, optind: i, bad: { optopt: c, reason: 'missing' } };
          arg = argv[i]!;
        }
        opts.push({ opt: c, arg });
        j = word.length;
      } else {
        opts.push({ opt: c, arg: '' });
        j += 1;
      }
    }
    i += 1;
  }
  return { opts, optind: i };
}

/** The diagnostic libc's getopt prints itself when opterr is set. */
export function getoptDiagnostic(prog: string, bad: NonNullable<GetoptResult['bad']>): string {
  if (bad.reason === 'missing') return `${prog}: option requires an argument -- ${bad.optopt}\n`;
  if (bad.reason === 'illegal') return `${prog}: illegal option -- ${bad.optopt}\n`;
  return '';
}
