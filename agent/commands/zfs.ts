// zfs snapshot/rollback/clone/destroy/list (libzfs wording "cannot <action> '<name>':
// <reason>", as the lab reproduces it).
import type { RunResult } from '../platform/command-runner.js';
import type { Classified } from '../ops/command-errors.js';

export const zfsArgs = {
  snapshot: (snapshot: string): string[] => ['snapshot', snapshot],
  /** -r destroys the snapshots newer than the target; only on an explicit request. */
  rollback: (snapshot: string, opts: { recursive: boolean } = { recursive: false }): string[] => [
    'rollback',
    ...(opts.recursive ? ['-r'] : []),
    snapshot,
  ],
  clone: (snapshot: string, target: string): string[] => ['clone', snapshot, target],
  destroy: (name: string): string[] => ['destroy', name],
  /** Script form: no header, tab-separated, exact values. */
  list: (props: readonly string[], types: readonly string[] = ['all']): string[] => ['list', '-H', '-o', props.join(','), '-t', types.join(',')],
};

/** `zfs list -H -o a,b,...`: one record per line keyed by the requested properties. */
export function parseZfsList<P extends string>(stdout: string, props: readonly P[]): Record<P, string>[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line) => {
      const fields = line.split('\t');
      const record = {} as Record<P, string>;
      props.forEach((p, i) => (record[p] = fields[i] ?? ''));
      return record;
    });
}

export function classifyZfsFailure(result: RunResult): Classified | null {
  const err = result.stderr;
  const name = /cannot [\w ]+? '([^']+)'/.exec(err)?.[1] ?? 'the dataset';
  if (/dataset does not exist|could not find any snapshots/i.test(err)) {
    return { code: 'GROUP_NOT_FOUND', message: `${name} does not exist here (is its pool imported on this host?)` };
  }
  if (/dataset already exists/i.test(err)) return { code: 'PRECONDITION_FAILED', message: `${name} already exists` };
  if (/more recent snapshots exist/i.test(err)) {
    return { code: 'PRECONDITION_FAILED', message: `newer snapshots than ${name} exist; destroy them first (or roll back recursively)` };
  }
  if (/has dependent clones|has children/i.test(err)) {
    return { code: 'PRECONDITION_FAILED', message: `${name} has dependent clones or children; destroy those first` };
  }
  if (/dataset is busy|Device busy/i.test(err)) return { code: 'STORAGE_BUSY', message: `${name} is in use` };
  if (/pool I\/O is currently suspended/i.test(err)) {
    return { code: 'STORAGE_HELD_ELSEWHERE', message: `I/O to the pool of ${name} is suspended: another host has taken its devices` };
  }
  if (/out of space/i.test(err)) return { code: 'INSUFFICIENT_SPACE', message: `the pool of ${name} is out of space` };
  return null;
}
