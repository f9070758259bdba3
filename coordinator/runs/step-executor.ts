// One attempt of one step, forward or undo: an agent step is its catalogue RPC sent with
// the journalled op id and epoch (buildAgentCall), a coordinator step is carried out by
// coordinator-steps.ts. The result says whether the step succeeded, failed, or ended
// with its outcome unknown (the agent did not answer: STYLE §5 leaves such a row
// `started`, and resume asks the agent by op id).
import { errorFromDetail } from '../../shared/errors/grpc-errors.js';
import { TwinzoneError, isTwinzoneError, type CommandRecord } from '../../shared/errors/twinzone-error.js';
import type { Delta } from '../store/delta-store.js';
import { decodeRecordedReply, invokeStepRpc, summarizeReply } from './agent-replies.js';
import { runCoordinatorStep, type CoordinatorStepEnv } from './coordinator-steps.js';
import { buildAgentCall, stepSpec, type StepArgs, type StepName, type StepRpc } from './step-catalog.js';

export interface StepCall {
  zone: string;
  target: string;
  name: StepName;
  host: string | null;
  args: unknown;
  opId: string;
  epoch: number | null;
}

export type StepOutcome =
  | { kind: 'ok'; outcome: string; commands: CommandRecord[]; bytes: number | null; epoch: number | null }
  /** deltas: an attach zoneadm refused over software deltas (attached false). */
  | { kind: 'failed'; error: TwinzoneError; commands: CommandRecord[]; deltas: Delta[] | null }
  | { kind: 'unknown'; error: TwinzoneError };

/** The agent never answered (or its answer was lost): the call may or may not have run. */
export function isOutcomeUnknown(err: TwinzoneError): boolean {
  return err.code === 'AGENT_UNREACHABLE' || err.code === 'SHUTTING_DOWN' || err.details.fields?.attempts !== undefined;
}

/** Bytes of a transfer so far, as the target agent counts them. */
export interface TransferSample {
  bytes: number;
  /** null while the agent does not know the size yet. */
  totalBytes: number | null;
}

/** How often a running transfer's progress is asked for. */
export const TRANSFER_POLL_MS = 500;

const TRANSFER_RPCS: ReadonlySet<StepRpc> = new Set<StepRpc>(['PullZonepath', 'PullArchiveFile']);

export function agentRpcOf(name: StepName): StepRpc | null {
  const spec = stepSpec(name);
  return spec.side === 'agent' ? (spec.rpc as StepRpc) : null;
}

function fromReply(rpc: StepRpc, reply: unknown): StepOutcome {
  const s = summarizeReply(rpc, reply);
  if (s.deltas !== null) {
    const error = new TwinzoneError('PRECONDITION_FAILED', `attach stopped: ${s.deltas.length} software deltas (${s.outcome})`, {
      fields: { reason: 'attach-deltas' },
      commands: s.commands,
    });
    return { kind: 'failed', error, commands: s.commands, deltas: s.deltas };
  }
  return { kind: 'ok', outcome: s.outcome, commands: s.commands, bytes: s.bytes, epoch: null };
}

function fromError(err: unknown): StepOutcome {
  const te = isTwinzoneError(err) ? err : new TwinzoneError('INTERNAL', err instanceof Error ? err.message : String(err));
  if (isOutcomeUnknown(te)) return { kind: 'unknown', error: te };
  return { kind: 'failed', error: te, commands: te.details.commands ?? [], deltas: null };
}

export async function executeStep(env: CoordinatorStepEnv, call: StepCall, onTransfer?: (s: TransferSample) => void): Promise<StepOutcome> {
  const rpc = agentRpcOf(call.name);
  if (rpc === null) {
    try {
      const r = await runCoordinatorStep(env, { zone: call.zone, target: call.target, name: call.name, args: call.args, opId: call.opId, epoch: call.epoch });
      return { kind: 'ok', outcome: r.outcome, commands: [], bytes: null, epoch: r.epoch ?? call.epoch };
    } catch (err) {
      return fromError(err);
    }
  }
  if (call.host === null) throw new TwinzoneError('INTERNAL', `agent step ${call.name} has no host`);
  const built = buildAgentCall(call.name, call.args as StepArgs[StepName], { opId: call.opId, epoch: call.epoch ?? 0, dryRun: false, zone: call.zone });
  if (!built) throw new TwinzoneError('INTERNAL', `${call.name} has no agent call`);
  const watching = onTransfer && TRANSFER_RPCS.has(rpc) ? watchTransfer(env, call.host, call.opId, onTransfer) : null;
  try {
    const reply = await invokeStepRpc(env.pool.get(call.host), rpc, built.request, { signal: env.signal });
    const o = fromReply(rpc, reply);
    return o.kind === 'ok' ? { ...o, epoch: call.epoch } : o;
  } catch (err) {
    return fromError(err);
  } finally {
    watching?.stop();
  }
}

/**
 * Asks the target agent how far a transfer has got while its call runs. Progress is a
 * courtesy: a failed poll is skipped, and nothing here can fail or slow the step.
 */
function watchTransfer(env: CoordinatorStepEnv, host: string, opId: string, onTransfer: (s: TransferSample) => void): { stop(): void } {
  const pollAbort = new AbortController();
  const signal = AbortSignal.any([env.signal, pollAbort.signal]);
  let last = -1;
  const timer = setInterval(() => {
    env.pool
      .get(host)
      .getTransferProgress({ opId }, { signal, deadlineMs: TRANSFER_POLL_MS * 4 })
      .then((p) => {
        const bytes = Number(p.bytes);
        if (signal.aborted || p.finished || bytes === last) return;
        last = bytes;
        onTransfer({ bytes, totalBytes: Number(p.totalBytes) > 0 ? Number(p.totalBytes) : null });
      })
      .catch(() => undefined);
  }, TRANSFER_POLL_MS);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      pollAbort.abort();
    },
  };
}

export type RecordedOutcome = { kind: 'recorded'; outcome: StepOutcome } | { kind: 'never-ran' } | { kind: 'unreachable'; error: TwinzoneError };

/** STYLE §5 resume: what the agent recorded for an op id it may have run before the coordinator went down. */
export async function askAgent(env: CoordinatorStepEnv, host: string, name: StepName, opId: string, epoch: number | null): Promise<RecordedOutcome> {
  const rpc = agentRpcOf(name);
  if (rpc === null) throw new TwinzoneError('INTERNAL', `${name} is not an agent step`);
  try {
    const rec = await env.pool.get(host).getOperationResult({ opId }, { signal: env.signal });
    if (rec.ok) {
      const o = fromReply(rpc, decodeRecordedReply(rpc, rec.response));
      return { kind: 'recorded', outcome: o.kind === 'ok' ? { ...o, epoch } : o };
    }
    const error = rec.error ? errorFromDetail(rec.error) : new TwinzoneError('INTERNAL', `operation ${opId} failed on ${host} without a recorded error`);
    return { kind: 'recorded', outcome: { kind: 'failed', error, commands: error.details.commands ?? [], deltas: null } };
  } catch (err) {
    if (isTwinzoneError(err) && err.code === 'OP_NOT_FOUND') return { kind: 'never-ran' };
    if (isTwinzoneError(err) && isOutcomeUnknown(err)) return { kind: 'unreachable', error: err };
    throw err;
  }
}
