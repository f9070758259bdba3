// Veritas vxdg (reference 6.6; closed source, texts from the VxVM guides and the lab's
// UNVERIFIED choices): import/deport argument vectors, the `vxdg list` table and the
// known refusals. `-C` clears the host lock a crashed holder left on the disks; `-t`
// imports without the autoimport flag so a reboot does not take the group back.
import type { RunResult } from '../platform/command-runner.js';
import type { Classified } from '../ops/command-errors.js';
import { completeLines, quoteLine, unreadableOutput } from './command-output.js';

export interface VxdgListRow {
  name: string;
  /** "enabled" when imported and usable; "disabled" when its disks are fenced off or lost. */
  state: string;
  id: string;
}

export const vxdgArgs = {
  list: (): string[] => ['list'],
  import: (dg: string, opts: { clearLock: boolean; temporary: boolean }): string[] => [
    ...(opts.clearLock ? ['-C'] : []),
    ...(opts.temporary ? ['-t'] : []),
    'import',
    dg,
  ],
  deport: (dg: string): string[] => ['deport', dg],
  /**
   * A hardware clone's devices (TimeFinder/Clone) carry DG's private region: VxVM 5.0+
   * imports them only with useclonedev=on, and under a new name with a new dgid
   * (updateid) so they can never be taken for DG itself. -C: the private region says
   * the production host holds it (the lock came over with the data).
   */
  importClone: (dg: string, newName: string): string[] => ['-C', '-n', newName, '-o', 'useclonedev=on', '-o', 'updateid', 'import', dg],
};

/**
 * `vxdg list`: a NAME STATE ID header, then one row per group imported on this host
 * (layout UNVERIFIED, reference 6.6). STATE may carry more words ("enabled,cds").
 * Output without its header or with a row that is not NAME STATE ID throws
 * COMMAND_OUTPUT: a group missing from a partial list would look deported here.
 */
export function parseVxdgList(stdout: string): VxdgListRow[] {
  const command = 'vxdg list';
  const [header, ...lines] = completeLines(command, stdout, { mayBeEmpty: false });
  if (!/^NAME\s+STATE\s+ID\s*$/.test(header!.trim())) throw unreadableOutput(command, `it starts with ${quoteLine(header!)}, not its NAME STATE ID header`);
  return lines.map((line) => {
    const fields = line.trim().split(/\s+/);
    if (fields.length !== 3) throw unreadableOutput(command, `row ${quoteLine(line)} is not NAME STATE ID`);
    return { name: fields[0]!, state: fields[1]!, id: fields[2]! };
  });
}

/** True when the group's state says it is imported and usable here. */
export function vxdgUsable(row: VxdgListRow): boolean {
  return row.state.split(',')[0] === 'enabled';
}

/** Import refused because a group of that name is imported here already. */
export function isVxdgAlreadyImported(result: RunResult): boolean {
  return /Disk group exists and is imported/i.test(result.stderr);
}

/** Deport of a group this host does not have. */
export function isVxdgNoSuchGroup(result: RunResult): boolean {
  return /No such disk group/i.test(result.stderr);
}

export function classifyVxdgFailure(result: RunResult): Classified | null {
  const err = result.stderr;
  const dg = /Disk group (\S+?):/.exec(err)?.[1] ?? 'the disk group';
  if (/Disk is in use by another host/i.test(err)) {
    const holder = /(?:locked by|in use by) host (\S+)/i.exec(err)?.[1];
    return {
      code: 'STORAGE_HELD_ELSEWHERE',
      message: `${dg} is imported by ${holder ? `host ${holder}` : 'another host'} (its lock is on the disks); deport it there, or clear the lock once that host is confirmed down`,
    };
  }
  if (/reservation conflict/i.test(err)) {
    return { code: 'STORAGE_HELD_ELSEWHERE', message: `another host holds the SCSI reservation of ${dg}` };
  }
  if (/No such disk group|No valid disk found containing disk group|Disk for disk group not found/i.test(err)) {
    return { code: 'GROUP_NOT_FOUND', message: `disk group ${dg} is not visible from this host` };
  }
  if (/Some volumes in the disk group are in use/i.test(err)) {
    return { code: 'STORAGE_BUSY', message: `volumes of ${dg} are in use (mounted file systems or open devices); unmount them first` };
  }
  if (/write-disabled|Disk write failure/i.test(err)) {
    return {
      code: 'PRECONDITION_FAILED',
      message: `${dg} on this site is a write-disabled replica (SRDF R2); the replica must be failed over first (symrdf failover) before it can be imported`,
    };
  }
  return null;
}
