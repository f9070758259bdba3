// EMC Solutions Enabler symrdf for one device group (closed source; layouts as the lab
// reproduces SE 7.x, UNVERIFIED): argument vectors, the query table, the failover/split
// report of lost records (a line the lab adds: real SYMCLI reports the RPO elsewhere)
// and the known refusals.
import type { RunResult } from '../platform/command-runner.js';
import type { Classified } from '../ops/command-errors.js';
import { completeLines, unreadableOutput } from './command-output.js';

export const RDF_CONTROL_VERBS = ['failover', 'failback', 'swap', 'split', 'establish'] as const;
export type RdfControlVerb = (typeof RDF_CONTROL_VERBS)[number];
export type RdfVerb = RdfControlVerb | 'query';

/** States in which the pair is replicating R1 → R2. */
export const RDF_REPLICATING_STATES = ['Synchronized', 'Consistent', 'SyncInProg'] as const;

export interface SymrdfQuery {
  group: string;
  /** As symrdf prints it; "Mixed" when devices of the group disagree. */
  pairState: string;
  r1InvalidTracks: number;
  r2InvalidTracks: number;
}

/** Control verbs ask "(y/[n]) ?" on stdin without -noprompt; query never asks. */
export function symrdfArgs(group: string, verb: RdfVerb): string[] {
  return verb === 'query' ? ['-g', group, 'query'] : ['-g', group, '-noprompt', verb];
}

// One device row: LDev SymDev R1-state R1Inv R2Inv Link Dev R2-state R1Inv R2Inv Modes State...
const DEVICE_ROW = /^(\S+)\s+([0-9A-F]{4})\s+(\S+)\s+(\d+)\s+(\d+)\s+(\S+)\s+([0-9A-F]{4})\s+(\S+)\s+(\d+)\s+(\d+)\s+(\S+)\s+(\S.*)$/;

export function parseSymrdfQuery(stdout: string): SymrdfQuery {
  const lines = completeLines('symrdf query', stdout, { mayBeEmpty: false });
  const group = /Device Group \(DG\) Name\s*:\s*(\S+)/.exec(stdout)?.[1];
  const rows = lines
    .map((l) => DEVICE_ROW.exec(l.trim()))
    .filter((m): m is RegExpExecArray => m !== null);
  if (!group || rows.length === 0) {
    throw unreadableOutput('symrdf query', 'it has no device group name or no device rows');
  }
  const states = new Set(rows.map((m) => m[12]!.trim()));
  // The Total line sums the source (R1) view's columns: R1 Inv, then R2 Inv.
  const total = /Track\(s\)\s+(\d+)\s+(\d+)/.exec(stdout);
  const sum = (col: number) => rows.reduce((t, m) => t + Number(m[col]), 0);
  return {
    group,
    pairState: states.size === 1 ? [...states][0]! : 'Mixed',
    r1InvalidTracks: total ? Number(total[1]) : sum(4),
    r2InvalidTracks: total ? Number(total[2]) : sum(5),
  };
}

/** "Records not replicated to target (R2) and lost: N" (failover, split); 0 if absent. */
export function parseSymrdfLostRecords(stdout: string): number {
  const m = /Records not replicated to target \(R2\) and lost:\s*(\d+)/.exec(stdout);
  return m ? Number(m[1]) : 0;
}

export function classifySymrdfFailure(result: RunResult): Classified | null {
  const err = `${result.stderr}\n${result.stdout}`;
  let m: RegExpExecArray | null;
  if ((m = /The specified device group \(([^)]*)\) was not found/.exec(err))) {
    return { code: 'GROUP_NOT_FOUND', message: `SRDF device group ${m[1]} is not defined on this host's array` };
  }
  if (/RDF link\(s\) are not ready/.test(err)) {
    return { code: 'PRECONDITION_FAILED', message: 'the RDF link between the sites is down; this action needs it' };
  }
  if (/not in a valid state for this operation/.test(err)) {
    return { code: 'PRECONDITION_FAILED', message: 'the RDF pair is not in a state that allows this action' };
  }
  return null;
}
