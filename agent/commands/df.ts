// df -k (Solaris /usr/sbin/df, reference 6.3): a header, then one row per operand
//   Filesystem            kbytes    used   avail capacity  Mounted on
//   /dev/md/zset1/dsk/d100 10327372 4123456 6100643    40%    /zones/z1
// In a pipe (the agent's case) a long name stays on its row; on a tty it gets a line of
// its own and the figures follow on the next, indented. Both are accepted.
// The exit status is the number of operands df could not report on.
import type { RunResult } from '../platform/command-runner.js';
import type { Classified } from '../ops/command-errors.js';
import { completeLines, quoteLine, unreadableOutput } from './command-output.js';

export interface DfRow {
  filesystem: string;
  kbytes: number;
  usedKb: number;
  availKb: number;
  capacityPercent: number;
  mountedOn: string;
}

export function dfArgs(paths: readonly string[]): string[] {
  return ['-k', ...paths];
}

const FIGURES = /^(\d+)\s+(\d+)\s+(\d+)\s+(\d+)%\s+(\S.*)$/;

function row(filesystem: string, figures: RegExpExecArray): DfRow {
  return {
    filesystem,
    kbytes: Number(figures[1]),
    usedKb: Number(figures[2]),
    availKb: Number(figures[3]),
    capacityPercent: Number(figures[4]),
    mountedOn: figures[5]!.trimEnd(),
  };
}

export function parseDfK(stdout: string): DfRow[] {
  const rows: DfRow[] = [];
  let pendingName: string | null = null;
  const [header, ...lines] = completeLines('df -k', stdout, { mayBeEmpty: false });
  if (!/^Filesystem\s/.test(header!)) throw unreadableOutput('df -k', `it starts with ${quoteLine(header!)}, not its Filesystem header`);
  for (const raw of lines) {
    if (pendingName !== null) {
      const figures = FIGURES.exec(raw.trim());
      if (!figures) throw unreadableOutput('df -k', `line ${quoteLine(raw)} after the name ${pendingName} is not its figures`);
      rows.push(row(pendingName, figures));
      pendingName = null;
      continue;
    }
    const m = /^(\S+)\s+(.*)$/.exec(raw.trim());
    const figures = m ? FIGURES.exec(m[2]!) : null;
    if (m && figures) {
      rows.push(row(m[1]!, figures));
    } else if (/^\S+$/.test(raw.trim()) && !/^\s/.test(raw)) {
      pendingName = raw.trim(); // tty form: the figures are on the next line
    } else {
      throw unreadableOutput('df -k', `line ${quoteLine(raw)} is not a file system row`);
    }
  }
  if (pendingName !== null) throw unreadableOutput('df -k', `it printed the name ${pendingName} without its figures`);
  return rows;
}

/** df.c: "df: (<path>) not a block device, directory or mounted resource". */
export function classifyDfFailure(result: RunResult): Classified | null {
  const m = /\(\s*(\S+)\s*\)\s*not a block device, directory or mounted resource/.exec(result.stderr);
  if (m) return { code: 'PRECONDITION_FAILED', message: `${m[1]} does not exist on this host, so df cannot report its free space` };
  return null;
}
