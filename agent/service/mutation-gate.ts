// Everything a mutating call passes before its operation runs, in the order the safety
// rules need it: a valid op id and zone (nothing runs on bad input), the recorded result
// of an op id already run (replayed, not re-run), the zone lock (one operation per zone),
// and the fencing epoch (I3: refuse a stale caller before any command). Afterwards the
// result, success or failure, is recorded under the op id.
import { ERROR_CODES } from '../../shared/errors/error-codes.js';
import { errorFromDetail, toErrorDetail } from '../../shared/errors/grpc-errors.js';
import { errors, isTwinzoneError } from '../../shared/errors/twinzone-error.js';
import { ErrorDetail } from '../../shared/gen/twinzone/v1/common.js';
import type { CallContext } from '../../shared/grpc/call-context.js';
import { describeZoneNameProblem, zoneNameProblem } from '../../shared/validate/zone-name.js';
import type { Clock } from '../../shared/time/clock.js';
import type { EpochStore } from '../fencing/epoch-store.js';
import type { ZoneLocks } from '../fencing/zone-locks.js';
import type { OpContext } from '../ops/op-context.js';
import { requireOpId, type OpResults } from '../state/op-results.js';

export interface MutationFields {
  opId: string;
  epoch: number;
  dryRun: boolean;
  zone: string;
}

export interface Codec<T> {
  encode(message: T): { finish(): Uint8Array };
  decode(bytes: Uint8Array): T;
}

export interface GateDeps {
  epochs: EpochStore;
  locks: ZoneLocks;
  results: OpResults;
  clock: Clock;
  /** Builds the context an operation runs in. */
  opContext(ctx: CallContext, zone: string, dryRun: boolean): OpContext;
}

/** What a mutating request says about itself for its logger: its op id and zone. */
export function mutationLabels(request: unknown): { op?: string; zone?: string } {
  const m = (request as { mutation?: { opId?: string; zone?: string } }).mutation;
  return { op: m?.opId, zone: m?.zone };
}

export function requireZone(field: string, zone: string): string {
  const problem = zoneNameProblem(zone);
  if (problem) throw errors.invalidArgument(describeZoneNameProblem(zone, problem), { field });
  return zone;
}

export function requireMutation(m: MutationFields | undefined): MutationFields {
  if (!m) throw errors.invalidArgument('the request carries no mutation (op_id, epoch, zone, dry_run)', { field: 'mutation' });
  requireOpId(m.opId);
  requireZone('mutation.zone', m.zone);
  if (!Number.isSafeInteger(m.epoch) || m.epoch < 0) throw errors.invalidArgument(`mutation.epoch ${m.epoch} is not a valid epoch`, { field: 'mutation.epoch' });
  return m;
}

export class MutationGate {
  /** Calls with an op id still running: a repeat waits for the first one's answer. */
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: GateDeps) {}

  async run<Res>(
    rpc: string,
    mutation: MutationFields | undefined,
    codec: Codec<Res>,
    ctx: CallContext,
    /** Validates the rest of the request; runs before anything else can happen. */
    validate: () => void,
    operation: (op: OpContext) => Promise<Res>,
  ): Promise<Res> {
    const m = requireMutation(mutation);
    validate();
    const recorded = this.deps.results.get(m.opId);
    if (recorded) {
      ctx.log.info({ op: m.opId, rpc: recorded.rpc }, 'operation replayed from its record');
      if (recorded.rpc !== rpc) {
        throw errors.invalidArgument(`op_id ${m.opId} was already used for ${recorded.rpc} on ${recorded.zone}`, { field: 'mutation.op_id' });
      }
      if (recorded.ok) return codec.decode(Buffer.from(recorded.response ?? '', 'base64'));
      throw errorFromDetail(ErrorDetail.decode(Buffer.from(recorded.error ?? '', 'base64')));
    }
    const running = this.inFlight.get(m.opId);
    if (running) return running as Promise<Res>;

    const release = this.deps.locks.acquire(m.zone, m.opId);
    const attempt = (async () => {
      this.deps.epochs.admit(m.zone, m.epoch, { record: !m.dryRun });
      const op = this.deps.opContext(ctx, m.zone, m.dryRun);
      try {
        const reply = await operation(op);
        if (!m.dryRun) {
          this.deps.results.put({
            opId: m.opId, rpc, zone: m.zone, finishedAtMs: this.deps.clock.nowMs(), ok: true,
            response: Buffer.from(codec.encode(reply).finish()).toString('base64'),
          });
        }
        return reply;
      } catch (err) {
        // Only an operation's own outcome is recorded: a refusal at the gate (stale
        // epoch) must not stick to the op id, and bugs are not outcomes.
        if (!m.dryRun && isTwinzoneError(err) && err.code !== 'INTERNAL' && err.code !== 'CANCELLED') {
          this.deps.results.put({
            opId: m.opId, rpc, zone: m.zone, finishedAtMs: this.deps.clock.nowMs(), ok: false,
            error: Buffer.from(ErrorDetail.encode(toErrorDetail(err)).finish()).toString('base64'),
            statusCode: ERROR_CODES[err.code].grpc,
          });
        }
        throw err;
      }
    })();
    this.inFlight.set(m.opId, attempt);
    try {
      return await attempt;
    } finally {
      this.inFlight.delete(m.opId);
      release();
    }
  }
}

