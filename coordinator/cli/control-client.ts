// The CLI's client of the Control service: one channel to the coordinator, promise
// calls with deadlines, run progress as an async iterable. Failures come back as
// TwinzoneErrors with the coordinator's code; a coordinator that does not answer at all
// is AGENT_UNREACHABLE marked with the coordinator's address (exit code 3).
import { credentials, Metadata, status, type ChannelCredentials, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import { ERROR_DETAIL_KEY, fromGrpcError } from '../../shared/errors/grpc-errors.js';
import { TwinzoneError } from '../../shared/errors/twinzone-error.js';
import {
  ControlClient,
  type AcceptDeltasRequest,
  type AcceptDeltasResponse,
  type ConfirmDownResponse,
  type DeclareDisasterResponse,
  type GetHistoryResponse,
  type GetStatusResponse,
  type ListDeltasResponse,
  type ListEventsRequest,
  type ListEventsResponse,
  type PlanRunResponse,
  type RunProgress,
  type RunRequest,
  type StartSiteRunRequest,
  type StartSiteRunResponse,
  type SetFreezeRequest,
  type SetFreezeResponse,
} from '../../shared/gen/twinzone/v1/control.js';
import { unaryCall, type UnaryMethod } from '../../shared/grpc/unary-call.js';
import { tlsTargetOptions } from '../../shared/grpc/tls-credentials.js';
import { UNREACHABLE_FIELD } from './exit-codes.js';

/** Reads answer from SQLite and a probe round; plans wait for every agent's dry runs. */
const READ_DEADLINE_MS = 30_000;
const PLAN_DEADLINE_MS = 120_000;

export const DEFAULT_COORDINATOR = '127.0.0.1:7430';

export function coordinatorAddress(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  return flag ?? (env.TWINZONE_COORDINATOR || DEFAULT_COORDINATOR);
}

function isUnanswered(err: unknown): boolean {
  const se = err as Partial<ServiceError>;
  return se.code === status.UNAVAILABLE && (se.metadata?.get(ERROR_DETAIL_KEY).length ?? 0) === 0;
}

export class Control {
  private readonly client: ControlClient;

  /** Mutual TLS credentials from cli-tls.ts; plaintext only for a coordinator run --insecure. */
  constructor(readonly address: string, channelCredentials: ChannelCredentials = credentials.createInsecure()) {
    this.client = new ControlClient(address, channelCredentials, { 'grpc.initial_reconnect_backoff_ms': 200, ...tlsTargetOptions({ role: 'coordinator' }) });
  }

  close(): void {
    this.client.close();
  }

  private unreachable(err: unknown): TwinzoneError {
    const text = err instanceof Error ? err.message : String(err);
    return new TwinzoneError('AGENT_UNREACHABLE', `the coordinator at ${this.address} is not answering (${text})`, {
      fields: { [UNREACHABLE_FIELD]: this.address },
    });
  }

  private async unary<Q, R>(method: (c: ControlClient) => unknown, request: Q, deadlineMs = READ_DEADLINE_MS): Promise<R> {
    const fn = (method(this.client) as UnaryMethod<Q, R>).bind(this.client);
    try {
      // waitForReady off (the default): a coordinator that is down fails fast, not at the deadline.
      return await unaryCall(fn as UnaryMethod<Q, R>, request, { deadlineMs });
    } catch (err) {
      throw err instanceof TwinzoneError && err.code === 'AGENT_UNREACHABLE' && !err.details.fields ? this.unreachable(err) : err;
    }
  }

  getStatus(zone = ''): Promise<GetStatusResponse> {
    return this.unary((c) => c.getStatus, { zone });
  }
  planRun(run: RunRequest): Promise<PlanRunResponse> {
    return this.unary((c) => c.planRun, { run }, PLAN_DEADLINE_MS);
  }
  declareDisaster(site: string, reason: string, clear = false): Promise<DeclareDisasterResponse> {
    return this.unary((c) => c.declareDisaster, { site, reason, clear });
  }
  confirmDown(host: string): Promise<ConfirmDownResponse> {
    return this.unary((c) => c.confirmDown, { host });
  }
  listDeltas(zone: string, fromHost: string, toHost: string): Promise<ListDeltasResponse> {
    return this.unary((c) => c.listDeltas, { zone, fromHost, toHost });
  }
  acceptDeltas(req: AcceptDeltasRequest): Promise<AcceptDeltasResponse> {
    return this.unary((c) => c.acceptDeltas, req);
  }
  getHistory(zone: string, limit: number): Promise<GetHistoryResponse> {
    return this.unary((c) => c.getHistory, { zone, limit });
  }
  listEvents(req: ListEventsRequest): Promise<ListEventsResponse> {
    return this.unary((c) => c.listEvents, req);
  }
  setFreeze(req: SetFreezeRequest): Promise<SetFreezeResponse> {
    return this.unary((c) => c.setFreeze, req);
  }

  /** A run's progress as it happens; no deadline: a migration streams for as long as the copy takes. */
  startRun(run: RunRequest): AsyncIterable<RunProgress> {
    return this.stream(this.client.startRun({ run }, new Metadata()), (m) => m.progress);
  }
  watchRun(runId: string): AsyncIterable<RunProgress> {
    return this.stream(this.client.watchRun({ runId }, new Metadata()), (m) => m.progress);
  }
  /** A site-wide run's waves and its zones' progress, as they happen; no deadline. */
  startSiteRun(req: StartSiteRunRequest): AsyncIterable<StartSiteRunResponse> {
    return this.stream(this.client.startSiteRun(req, new Metadata()), (m) => m);
  }

  private async *stream<M, T>(call: ClientReadableStream<M>, pick: (message: M) => T | undefined): AsyncIterable<T> {
    try {
      for await (const message of call as AsyncIterable<M>) {
        const item = pick(message);
        if (item) yield item;
      }
    } catch (err) {
      throw isUnanswered(err) ? this.unreachable(err) : fromGrpcError(err);
    } finally {
      call.cancel();
    }
  }
}
