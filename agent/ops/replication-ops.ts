// SRDF replication verbs (agent.proto QueryReplication, ReplicationAction). An action
// reads the pair state first and succeeds without running anything when the pair is
// already where the verb leads: failover when "Failed Over", split when "Split",
// establish and failback when replicating. swap toggles the personalities and has no
// end state to recognise, so it always runs (retries by op id are answered from the
// agent's record of results). After an action the state is queried again, so the reply
// carries the pair state and invalid tracks as they are now, plus the records the
// failover or split reported lost (the RPO; 0 otherwise).
import { errors } from '../../shared/errors/twinzone-error.js';
import { requireRdfGroupName } from '../../shared/validate/storage-names.js';
import {
  RDF_CONTROL_VERBS, RDF_REPLICATING_STATES, classifySymrdfFailure, parseSymrdfLostRecords, parseSymrdfQuery, symrdfArgs,
  type RdfControlVerb, type SymrdfQuery,
} from '../commands/symrdf.js';
import { requireSuccess } from './command-errors.js';
import { exec, type OpContext } from './op-context.js';
import type { OpOutcome } from './op-result.js';

export type ReplicationState = SymrdfQuery;

export interface ReplicationActionRequest {
  group: string;
  verb: RdfControlVerb;
}

export interface ReplicationActionResult extends ReplicationState, OpOutcome {
  /** Records R1 had that R2 never received (failover and split); 0 otherwise. */
  lostRecords: number;
}

const DONE: Record<RdfControlVerb, string> = {
  failover: 'failed over', failback: 'failed back', swap: 'swapped', split: 'split', establish: 'established',
};

const replicating = (state: string) => (RDF_REPLICATING_STATES as readonly string[]).includes(state);

/** The pair states in which a verb has nothing left to do. */
const ALREADY: Record<RdfControlVerb, (state: string) => boolean> = {
  failover: (s) => s === 'Failed Over',
  split: (s) => s === 'Split',
  establish: replicating,
  failback: replicating,
  swap: () => false,
};

/**
 * shared/validate accepts a leading "-"; it is harmless as the value of -g, but a name
 * that reads as an option is refused too, so no argv ever looks ambiguous.
 */
function requireGroup(group: string): string {
  requireRdfGroupName('group', group);
  if (group.startsWith('-')) throw errors.invalidArgument(`group ${JSON.stringify(group)} may not start with "-"`, { field: 'group' });
  return group;
}

export async function queryReplication(ctx: OpContext, group: string): Promise<ReplicationState> {
  requireGroup(group);
  const result = await exec(ctx, 'symrdf', symrdfArgs(group, 'query'), { mutating: false });
  requireSuccess(ctx, result, classifySymrdfFailure, { group });
  return parseSymrdfQuery(result.stdout);
}

export async function replicationAction(ctx: OpContext, req: ReplicationActionRequest): Promise<ReplicationActionResult> {
  requireGroup(req.group);
  if (!RDF_CONTROL_VERBS.includes(req.verb)) {
    throw errors.invalidArgument(`verb ${JSON.stringify(req.verb)} is not one of ${RDF_CONTROL_VERBS.join(', ')}`, { field: 'verb' });
  }
  const before = await queryReplication(ctx, req.group);
  if (ALREADY[req.verb](before.pairState)) {
    return { ...before, lostRecords: 0, outcome: `already ${DONE[req.verb]}`, changed: false };
  }
  const result = await exec(ctx, 'symrdf', symrdfArgs(req.group, req.verb), { mutating: true });
  if (ctx.dryRun) return { ...before, lostRecords: 0, outcome: `would ${req.verb}`, changed: false };
  requireSuccess(ctx, result, classifySymrdfFailure, { group: req.group, verb: req.verb });
  const lostRecords = parseSymrdfLostRecords(result.stdout);
  const after = await queryReplication(ctx, req.group);
  return { ...after, lostRecords, outcome: DONE[req.verb], changed: true };
}
