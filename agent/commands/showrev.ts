// showrev -p: the patch inventory, one line per patch (reference: the lab's showrev and
// Solaris 10 showrev(1M)), e.g.
//   Patch: 119254-50 Obsoletes: 119015-03 Requires: 121133-02, 119317-01 Incompatibles:  Packages: SUNWcsu, SUNWcsr
// Every keyword's list may be empty; older releases omit "Incompatibles:".
import { completeLines, quoteLine, unreadableOutput } from './command-output.js';

export interface ShowrevPatch {
  /** The base id ("119254"). */
  id: string;
  /** The revision ("50"). */
  rev: string;
  obsoletes: string[];
  requires: string[];
  incompatibles: string[];
  packages: string[];
}

export const showrevArgs = {
  patches: (): string[] => ['-p'],
};

const KEYWORDS = ['Obsoletes', 'Requires', 'Incompatibles', 'Packages'] as const;
type Keyword = (typeof KEYWORDS)[number];

function list(text: string | undefined): string[] {
  if (text === undefined) return [];
  return text.split(/[,\s]+/).filter((item) => item !== '');
}

/** Splits "Obsoletes: a Requires: b, c Packages: d" into its keyword sections. */
function sections(rest: string): Partial<Record<Keyword, string>> {
  const found: Partial<Record<Keyword, string>> = {};
  const pattern = new RegExp(`\\b(${KEYWORDS.join('|')}):`, 'g');
  const marks = [...rest.matchAll(pattern)];
  marks.forEach((m, i) => {
    const start = m.index! + m[0].length;
    const end = i + 1 < marks.length ? marks[i + 1]!.index! : rest.length;
    found[m[1] as Keyword] = rest.slice(start, end);
  });
  return found;
}

export function parseShowrevPatches(stdout: string): ShowrevPatch[] {
  const patches: ShowrevPatch[] = [];
  for (const line of completeLines('showrev -p', stdout, { mayBeEmpty: false })) {
    const m = /^Patch:\s*(\S+)-(\d+)(.*)$/.exec(line.trim());
    if (!m) {
      if (line.trim() !== '' && !/^No patches are installed/i.test(line.trim())) {
        throw unreadableOutput('showrev -p', `line ${quoteLine(line)} is not a patch`);
      }
      continue;
    }
    const s = sections(m[3]!);
    patches.push({
      id: m[1]!,
      rev: m[2]!,
      obsoletes: list(s.Obsoletes),
      requires: list(s.Requires),
      incompatibles: list(s.Incompatibles),
      packages: list(s.Packages),
    });
  }
  return patches;
}
