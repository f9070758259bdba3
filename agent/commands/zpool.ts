// zpool import/export/list (reference 6.4, S10 libzfs wording "cannot <action> '<name>':
// <reason>" on stderr, exit 1).
import type { RunResult } from '../platform/command-runner.js';
import type { Classified } from '../ops/command-errors.js';
import { completeLines, quoteLine, unreadableOutput } from './command-output.js';

export interface ZpoolListRow {
  name: string;
  size: string;
  /** ONLINE, DEGRADED, FAULTED, UNAVAIL ... */
  health: string;
  /** Every column by its lower-cased header (alloc/free on later S10, used/avail before). */
  columns: Record<string, string>;
}

export const zpoolArgs = {
  list: (): string[] => ['list'],
  import: (pool: string, opts: { force: boolean; temporary: boolean }): string[] => [
    'import',
    ...(opts.force ? ['-f'] : []),
    // No zpool.cache entry: the pool is not imported again at boot (the `-o prop=val`
    // form of reference 6.4; the vxdg -t equivalent).
    ...(opts.temporary ? ['-o', 'cachefile=none'] : []),
    pool,
  ],
  export: (pool: string, opts: { force: boolean } = { force: false }): string[] => ['export', ...(opts.force ? ['-f'] : []), pool],
};

/**
 * `zpool list` with its header. Columns are found by name because their set changed
 * within S10 (USED/AVAIL became ALLOC/FREE). "no pools available" means none.
 */
export function parseZpoolList(stdout: string): ZpoolListRow[] {
  const command = 'zpool list';
  const lines = completeLines(command, stdout, { mayBeEmpty: true });
  // Real zpool says "no pools available" on stderr; the lab prints it on stdout.
  if (lines.length === 0 || (lines.length === 1 && /^no pools available/.test(lines[0]!.trim()))) return [];
  const [header, ...rows] = lines;
  if (!/^NAME\s/.test(header!.trim())) throw unreadableOutput(command, `it starts with ${quoteLine(header!)}, not its NAME ... header`);
  const names = header!.trim().split(/\s+/).map((h) => h.toLowerCase());
  return rows.map((line) => {
    const fields = line.trim().split(/\s+/);
    if (fields.length !== names.length) throw unreadableOutput(command, `row ${quoteLine(line)} has ${fields.length} columns, not ${names.length}`);
    const columns: Record<string, string> = {};
    names.forEach((n, i) => (columns[n] = fields[i]!));
    return { name: columns.name ?? '', size: columns.size ?? '', health: columns.health ?? '', columns };
  });
}

/** Import refused because a pool of that name is imported here already. */
export function isZpoolAlreadyImported(result: RunResult): boolean {
  return /a pool with that name (is )?already (exists|created\/imported)/i.test(result.stderr);
}

/** Export of a pool this host does not have. */
export function isZpoolNoSuchPool(result: RunResult): boolean {
  return /cannot open '[^']*': no such pool/.test(result.stderr);
}

export function classifyZpoolFailure(result: RunResult): Classified | null {
  const err = result.stderr;
  const pool = /cannot \w+ '([^']+)'/.exec(err)?.[1] ?? 'the pool';
  if (/pool may be in use from other system|previously in use from another system/i.test(err)) {
    const holder = /last accessed by (\S+)/i.exec(err)?.[1];
    return {
      code: 'STORAGE_HELD_ELSEWHERE',
      message: `pool ${pool} was last imported by ${holder ? `host ${holder}` : 'another host'} and not exported; export it there, or force the import once that host is confirmed down`,
    };
  }
  if (/no such pool/i.test(err)) return { code: 'GROUP_NOT_FOUND', message: `pool ${pool} is not visible from this host` };
  if (/pool is busy|Device busy/i.test(err)) {
    return { code: 'STORAGE_BUSY', message: `pool ${pool} has file systems in use; unmount them or halt the zone using them first` };
  }
  if (/pool I\/O is currently suspended|reservation conflict/i.test(err)) {
    return { code: 'STORAGE_HELD_ELSEWHERE', message: `I/O to pool ${pool} is suspended: another host has taken its devices` };
  }
  if (/newer ZFS version/i.test(err)) return { code: 'PRECONDITION_FAILED', message: `pool ${pool} is formatted by a newer ZFS than this host has` };
  return null;
}
