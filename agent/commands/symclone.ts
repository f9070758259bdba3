// EMC Solutions Enabler symclone (TimeFinder/Clone) on an SRDF device group's R2
// devices: the DR drill's point-in-time copy of the replica, made without touching the
// RDF pairs. Closed source; the layouts are the lab's reproduction of SE 7.x
// (UNVERIFIED), as for symrdf: argument vectors, the query table, the known refusals.
import type { RunResult } from '../platform/command-runner.js';
import type { Classified } from '../ops/command-errors.js';
import { completeLines, unreadableOutput } from './command-output.js';

export type SymcloneVerb = 'create' | 'activate' | 'terminate' | 'query';

export interface SymcloneQuery {
  group: string;
  /** The clone pairs' state ("Created", "CopyInProg", "Copied", ...); "Mixed" when they disagree. */
  state: string;
  /** Lowest percent copied over the pairs. */
  percentCopied: number;
  /** The clone's point in time when the output states it (the lab does), else null. */
  pointInTimeMs: number | null;
}

/** `create -copy`: a full copy in the background (not copy-on-access); control verbs never prompt. */
export function symcloneArgs(group: string, verb: SymcloneVerb): string[] {
  if (verb === 'query') return ['-g', group, 'query'];
  return verb === 'create' ? ['-g', group, '-copy', '-noprompt', 'create'] : ['-g', group, '-noprompt', verb];
}

// One pair row: LDev SymDev Tracks TgtLDev TgtSym Tracks State Percent
const PAIR_ROW = /^(\S+)\s+([0-9A-F]{4})\s+(\d+)\s+(\S+)\s+([0-9A-F]{4})\s+(\d+)\s+(\S+)\s+(\d+)$/;

export function parseSymcloneQuery(stdout: string): SymcloneQuery {
  const lines = completeLines('symclone query', stdout, { mayBeEmpty: false });
  const group = /Device Group \(DG\) Name\s*:\s*(\S+)/.exec(stdout)?.[1];
  const rows = lines.map((l) => PAIR_ROW.exec(l.trim())).filter((m): m is RegExpExecArray => m !== null);
  if (!group || rows.length === 0) throw unreadableOutput('symclone query', 'it has no device group name or no clone pair rows');
  const states = new Set(rows.map((m) => m[7]!));
  const pit = /Clone point in time \(epoch ms\)\s*:\s*(\d+)/.exec(stdout);
  return {
    group,
    state: states.size === 1 ? [...states][0]! : 'Mixed',
    percentCopied: Math.min(...rows.map((m) => Number(m[8]))),
    pointInTimeMs: pit ? Number(pit[1]) : null,
  };
}

/** No session: the answer to "is there a clone?" rather than a failure. */
export function isNoCloneSession(result: RunResult): boolean {
  return /No clone session was found for device group/.test(`${result.stderr}\n${result.stdout}`);
}

export function classifySymcloneFailure(result: RunResult): Classified | null {
  const err = `${result.stderr}\n${result.stdout}`;
  let m: RegExpExecArray | null;
  if ((m = /The specified device group \(([^)]*)\) was not found/.exec(err))) {
    return { code: 'GROUP_NOT_FOUND', message: `SRDF device group ${m[1]} is not defined on this host's array` };
  }
  if ((m = /No target devices for a clone session were found on this Symmetrix for device group \(([^)]*)\)/.exec(err))) {
    return { code: 'PRECONDITION_FAILED', message: `this host's array holds no clone target devices for ${m[1]}; run the drill on a host of the replica's (R2) site` };
  }
  if (/already in a copy session/.test(err)) {
    return { code: 'PRECONDITION_FAILED', message: 'the devices are already in a clone session (a drill left behind?); remove it with twinzone drill --cleanup' };
  }
  if (/target device\(s\) are in use by a host/.test(err)) {
    return { code: 'PRECONDITION_FAILED', message: 'the clone devices are still imported; unmount and deport the clone disk group first' };
  }
  if (/not in a valid state for this operation/.test(err)) {
    return { code: 'PRECONDITION_FAILED', message: 'the clone session is not in a state that allows this action' };
  }
  if ((m = /No clone session was found for device group \(([^)]*)\)/.exec(err))) {
    return { code: 'GROUP_NOT_FOUND', message: `device group ${m[1]} has no clone session` };
  }
  return null;
}
