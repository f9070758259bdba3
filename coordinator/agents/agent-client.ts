// The coordinator's typed client for one host's agent: one async method per unary Agent
// RPC, each attempt under a deadline derived from the operation (agent-rpcs.ts), the op
// id in `twinzone-op` metadata, and failures as TwinzoneErrors naming the host.
//
// Retries are deliberately narrow. Only read-only calls and calls carrying a mutation op
// id are retried, and only when the failure came from the transport (UNAVAILABLE or
// DEADLINE_EXCEEDED with no ErrorDetail trailer: the agent may never have seen the
// call). Such a retry is safe even when the first attempt did reach the agent: the agent
// answers a repeated op id from its record of the first call (or joins that call while
// it still runs), and never runs the operation twice. Anything the agent itself answered
// (a trailer) goes straight back to the caller, whose policy it is.
import { status, type ServiceError } from '@grpc/grpc-js';
import { ERROR_DETAIL_KEY, fromGrpcError } from '../../shared/errors/grpc-errors.js';
import { TwinzoneError } from '../../shared/errors/twinzone-error.js';
import {
  AttachZoneRequest, BootZoneRequest, ConvertZoneRequest, CreateArchiveFileRequest, CreateZoneFromDetachedRequest,
  DeleteZoneConfigRequest, DeportStorageRequest, DetachZoneRequest, ExtractArchiveFileRequest, GetHostFactsRequest,
  GetOperationResultRequest, GetTransferProgressRequest, GetZoneRequest, HaltZoneRequest, ImportStorageRequest, ListMountsRequest, ListZonesRequest,
  MountFsRequest, PrepareZonepathRequest, PullArchiveFileRequest, PullZonepathRequest, QueryReplicationRequest, ReadyZoneRequest,
  DrillActionRequest, ReplicationActionRequest, RunHookRequest, RunProbeRequest, ShutdownZoneRequest, SnapshotActionRequest, UnmountFsRequest,
  type AgentClient, type AttachZoneResponse, type BootZoneResponse, type ConvertZoneResponse,
  type CreateArchiveFileResponse, type CreateZoneFromDetachedResponse, type DeepPartial, type DeleteZoneConfigResponse,
  type DeportStorageResponse, type DetachZoneResponse, type ExtractArchiveFileResponse, type GetHostFactsResponse,
  type GetOperationResultResponse, type GetTransferProgressResponse, type GetZoneResponse, type HaltZoneResponse, type ImportStorageResponse,
  type ListMountsResponse, type ListZonesResponse, type MountFsResponse, type PrepareZonepathResponse,
  type PullArchiveFileResponse, type PullZonepathResponse, type QueryReplicationResponse, type ReadyZoneResponse, type ReplicationActionResponse,
  type DrillActionResponse, type RunHookResponse, type RunProbeResponse, type ShutdownZoneResponse, type TransferGrant, type SnapshotActionResponse, type UnmountFsResponse,
} from '../../shared/gen/twinzone/v1/agent.js';
import type { Mutation } from '../../shared/gen/twinzone/v1/common.js';
import { rawUnaryCall, type UnaryMethod } from '../../shared/grpc/unary-call.js';
import type { Logger } from '../../shared/log/create-logger.js';
import { DEFAULT_DEADLINE_BUDGETS, deadlineFor, RPC_RETRY, type DeadlineBudgets, type UnaryAgentRpc } from './agent-rpcs.js';
import { DEFAULT_RETRY_POLICY, withRetries, type RetryPolicy } from './call-retry.js';

export { RPC_RETRY, RPC_DEADLINE, DEFAULT_DEADLINE_BUDGETS, deadlineFor } from './agent-rpcs.js';
export type { AgentRpc, UnaryAgentRpc, RetryClass, DeadlineBudgets, DeadlineKind } from './agent-rpcs.js';
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './call-retry.js';

/**
 * A request as callers write it: fields left out take their proto3 defaults (which is
 * what the wire would carry for them anyway); a mutating call must name its Mutation.
 */
export type Req<T> = DeepPartial<T>;
export type MutatingReq<T extends { mutation?: Mutation | undefined }> = DeepPartial<Omit<T, 'mutation'>> & { mutation: Mutation };

export interface AgentCallOptions {
  /** Cancels the call in flight and any retry still to come. */
  signal?: AbortSignal;
  /** This call's deadline per attempt, instead of the one derived from the table. */
  deadlineMs?: number;
}

export interface AgentConnectionOptions {
  /** The inventory's name for the host; errors carry it. */
  host: string;
  /** host:port the client connects to (for messages). */
  address: string;
  client: AgentClient;
  budgets?: Partial<DeadlineBudgets>;
  retry?: Partial<RetryPolicy>;
  log?: Logger;
  /** Jitter source (tests pin it). */
  random?: () => number;
  /**
   * Signs the transfer grant a PullZonepath carries to its source agent (README
   * "Security"); absent when the coordinator runs --insecure.
   */
  grantFor?: (pull: PullFacts) => TransferGrant;
}

/** What a pull asks of its source: under which mutation, from which address, which path there. */
export interface PullFacts {
  mutation: Mutation | undefined;
  sourceAddress: string;
  sourcePath: string;
}

/** A failure the agent did not answer: no ErrorDetail trailer, so the call may never have arrived. */
export function isTransportFailure(err: unknown): boolean {
  const se = err as Partial<ServiceError> | undefined;
  if (se?.code !== status.UNAVAILABLE && se?.code !== status.DEADLINE_EXCEEDED) return false;
  return (se.metadata?.get(ERROR_DETAIL_KEY).length ?? 0) === 0;
}

function opIdOf(rpc: UnaryAgentRpc, request: unknown): string | undefined {
  const r = request as { mutation?: { opId?: string }; opId?: string };
  // GetOperationResult asks about an op: sending it lets one grep of the op id find the question too.
  const op = rpc === 'GetOperationResult' ? r.opId : r.mutation?.opId;
  return op ? op : undefined;
}

export class AgentConnection {
  readonly host: string;
  readonly address: string;
  private readonly client: AgentClient;
  private readonly budgets: DeadlineBudgets;
  private readonly policy: RetryPolicy;
  private readonly log: Logger | undefined;
  private readonly random: (() => number) | undefined;
  private readonly grantFor: ((pull: PullFacts) => TransferGrant) | undefined;

  constructor(opts: AgentConnectionOptions) {
    this.host = opts.host;
    this.address = opts.address;
    this.client = opts.client;
    this.budgets = { ...DEFAULT_DEADLINE_BUDGETS, ...opts.budgets };
    this.policy = { ...DEFAULT_RETRY_POLICY, ...opts.retry };
    this.log = opts.log?.child({ host: opts.host });
    this.random = opts.random;
    this.grantFor = opts.grantFor;
  }

  /** The deadline each attempt of RPC with REQUEST gets. */
  deadlineMs(rpc: UnaryAgentRpc, request: unknown): number {
    return deadlineFor(rpc, request, this.budgets);
  }

  // ------------------------------------------------------------------ reads

  getHostFacts(req: Req<GetHostFactsRequest> = {}, o?: AgentCallOptions): Promise<GetHostFactsResponse> {
    return this.call('GetHostFacts', this.client.getHostFacts, GetHostFactsRequest.fromPartial(req), o);
  }
  listZones(req: Req<ListZonesRequest> = {}, o?: AgentCallOptions): Promise<ListZonesResponse> {
    return this.call('ListZones', this.client.listZones, ListZonesRequest.fromPartial(req), o);
  }
  getZone(req: Req<GetZoneRequest> & { zone: string }, o?: AgentCallOptions): Promise<GetZoneResponse> {
    return this.call('GetZone', this.client.getZone, GetZoneRequest.fromPartial(req), o);
  }
  listMounts(req: Req<ListMountsRequest> = {}, o?: AgentCallOptions): Promise<ListMountsResponse> {
    return this.call('ListMounts', this.client.listMounts, ListMountsRequest.fromPartial(req), o);
  }
  queryReplication(req: Req<QueryReplicationRequest> & { group: string }, o?: AgentCallOptions): Promise<QueryReplicationResponse> {
    return this.call('QueryReplication', this.client.queryReplication, QueryReplicationRequest.fromPartial(req), o);
  }
  runProbe(req: Req<RunProbeRequest>, o?: AgentCallOptions): Promise<RunProbeResponse> {
    return this.call('RunProbe', this.client.runProbe, RunProbeRequest.fromPartial(req), o);
  }
  /** Not retried (RPC_RETRY): a hook runs each time it is asked. */
  runHook(req: Req<RunHookRequest>, o?: AgentCallOptions): Promise<RunHookResponse> {
    return this.call('RunHook', this.client.runHook, RunHookRequest.fromPartial(req), o);
  }
  getOperationResult(req: Req<GetOperationResultRequest> & { opId: string }, o?: AgentCallOptions): Promise<GetOperationResultResponse> {
    return this.call('GetOperationResult', this.client.getOperationResult, GetOperationResultRequest.fromPartial(req), o);
  }
  getTransferProgress(req: Req<GetTransferProgressRequest> & { opId: string }, o?: AgentCallOptions): Promise<GetTransferProgressResponse> {
    return this.call('GetTransferProgress', this.client.getTransferProgress, GetTransferProgressRequest.fromPartial(req), o);
  }

  // ------------------------------------------------------------------ zones

  shutdownZone(req: MutatingReq<ShutdownZoneRequest>, o?: AgentCallOptions): Promise<ShutdownZoneResponse> {
    return this.call('ShutdownZone', this.client.shutdownZone, ShutdownZoneRequest.fromPartial(req), o);
  }
  haltZone(req: MutatingReq<HaltZoneRequest>, o?: AgentCallOptions): Promise<HaltZoneResponse> {
    return this.call('HaltZone', this.client.haltZone, HaltZoneRequest.fromPartial(req), o);
  }
  readyZone(req: MutatingReq<ReadyZoneRequest>, o?: AgentCallOptions): Promise<ReadyZoneResponse> {
    return this.call('ReadyZone', this.client.readyZone, ReadyZoneRequest.fromPartial(req), o);
  }
  bootZone(req: MutatingReq<BootZoneRequest>, o?: AgentCallOptions): Promise<BootZoneResponse> {
    return this.call('BootZone', this.client.bootZone, BootZoneRequest.fromPartial(req), o);
  }
  detachZone(req: MutatingReq<DetachZoneRequest>, o?: AgentCallOptions): Promise<DetachZoneResponse> {
    return this.call('DetachZone', this.client.detachZone, DetachZoneRequest.fromPartial(req), o);
  }
  attachZone(req: MutatingReq<AttachZoneRequest>, o?: AgentCallOptions): Promise<AttachZoneResponse> {
    return this.call('AttachZone', this.client.attachZone, AttachZoneRequest.fromPartial(req), o);
  }
  createZoneFromDetached(req: MutatingReq<CreateZoneFromDetachedRequest>, o?: AgentCallOptions): Promise<CreateZoneFromDetachedResponse> {
    return this.call('CreateZoneFromDetached', this.client.createZoneFromDetached, CreateZoneFromDetachedRequest.fromPartial(req), o);
  }
  convertZone(req: MutatingReq<ConvertZoneRequest>, o?: AgentCallOptions): Promise<ConvertZoneResponse> {
    return this.call('ConvertZone', this.client.convertZone, ConvertZoneRequest.fromPartial(req), o);
  }
  deleteZoneConfig(req: MutatingReq<DeleteZoneConfigRequest>, o?: AgentCallOptions): Promise<DeleteZoneConfigResponse> {
    return this.call('DeleteZoneConfig', this.client.deleteZoneConfig, DeleteZoneConfigRequest.fromPartial(req), o);
  }
  prepareZonepath(req: MutatingReq<PrepareZonepathRequest>, o?: AgentCallOptions): Promise<PrepareZonepathResponse> {
    return this.call('PrepareZonepath', this.client.prepareZonepath, PrepareZonepathRequest.fromPartial(req), o);
  }

  // ------------------------------------------------------------------ storage and replication

  importStorage(req: MutatingReq<ImportStorageRequest>, o?: AgentCallOptions): Promise<ImportStorageResponse> {
    return this.call('ImportStorage', this.client.importStorage, ImportStorageRequest.fromPartial(req), o);
  }
  deportStorage(req: MutatingReq<DeportStorageRequest>, o?: AgentCallOptions): Promise<DeportStorageResponse> {
    return this.call('DeportStorage', this.client.deportStorage, DeportStorageRequest.fromPartial(req), o);
  }
  mountFs(req: MutatingReq<MountFsRequest>, o?: AgentCallOptions): Promise<MountFsResponse> {
    return this.call('MountFs', this.client.mountFs, MountFsRequest.fromPartial(req), o);
  }
  unmountFs(req: MutatingReq<UnmountFsRequest>, o?: AgentCallOptions): Promise<UnmountFsResponse> {
    return this.call('UnmountFs', this.client.unmountFs, UnmountFsRequest.fromPartial(req), o);
  }
  drillAction(req: MutatingReq<DrillActionRequest>, o?: AgentCallOptions): Promise<DrillActionResponse> {
    return this.call('DrillAction', this.client.drillAction, DrillActionRequest.fromPartial(req), o);
  }
  snapshotAction(req: MutatingReq<SnapshotActionRequest>, o?: AgentCallOptions): Promise<SnapshotActionResponse> {
    return this.call('SnapshotAction', this.client.snapshotAction, SnapshotActionRequest.fromPartial(req), o);
  }
  replicationAction(req: MutatingReq<ReplicationActionRequest>, o?: AgentCallOptions): Promise<ReplicationActionResponse> {
    return this.call('ReplicationAction', this.client.replicationAction, ReplicationActionRequest.fromPartial(req), o);
  }

  // ------------------------------------------------------------------ archives

  /** Asks this (target) host to pull a zonepath from the source agent at sourceAddress. */
  pullZonepath(req: MutatingReq<PullZonepathRequest>, o?: AgentCallOptions): Promise<PullZonepathResponse> {
    const request = PullZonepathRequest.fromPartial(req);
    // One grant per call, sent unchanged on a retry: the source consumes it once, and a
    // retry that reached the target before is answered from the target's op record.
    if (this.grantFor && !request.mutation?.dryRun) request.grant = this.grantFor({ mutation: request.mutation, sourceAddress: request.sourceAddress, sourcePath: request.sourceZonepath });
    return this.call('PullZonepath', this.client.pullZonepath, request, o);
  }
  /** Asks this (target) host to copy an archive file from the source agent at sourceAddress. */
  pullArchiveFile(req: MutatingReq<PullArchiveFileRequest>, o?: AgentCallOptions): Promise<PullArchiveFileResponse> {
    const request = PullArchiveFileRequest.fromPartial(req);
    if (this.grantFor && !request.mutation?.dryRun) request.grant = this.grantFor({ mutation: request.mutation, sourceAddress: request.sourceAddress, sourcePath: request.sourceArchivePath });
    return this.call('PullArchiveFile', this.client.pullArchiveFile, request, o);
  }
  createArchiveFile(req: MutatingReq<CreateArchiveFileRequest>, o?: AgentCallOptions): Promise<CreateArchiveFileResponse> {
    return this.call('CreateArchiveFile', this.client.createArchiveFile, CreateArchiveFileRequest.fromPartial(req), o);
  }
  extractArchiveFile(req: MutatingReq<ExtractArchiveFileRequest>, o?: AgentCallOptions): Promise<ExtractArchiveFileResponse> {
    return this.call('ExtractArchiveFile', this.client.extractArchiveFile, ExtractArchiveFileRequest.fromPartial(req), o);
  }

  // ------------------------------------------------------------------ the one call path

  private async call<Q, R>(rpc: UnaryAgentRpc, method: UnaryMethod<Q, R>, request: Q, o: AgentCallOptions = {}): Promise<R> {
    const op = opIdOf(rpc, request);
    const deadlineMs = o.deadlineMs ?? this.deadlineMs(rpc, request);
    const rule = RPC_RETRY[rpc];
    // A mutation without an op id has no record on the agent to answer a repeat from.
    const mayRetry = rule === 'read-only' || (rule === 'by-op-id' && op !== undefined);
    const bound = method.bind(this.client) as UnaryMethod<Q, R>;
    let attempts = 0;
    try {
      return await withRetries(
        (n) => {
          attempts = n;
          return rawUnaryCall(bound, request, { deadlineMs, op, signal: o.signal });
        },
        {
          policy: this.policy,
          retryable: (err) => mayRetry && isTransportFailure(err),
          signal: o.signal,
          random: this.random,
          onRetry: (err, failed, delayMs) =>
            this.log?.warn({ rpc, op, attempt: failed, delayMs, grpcCode: (err as Partial<ServiceError>).code }, 'agent call failed in transport; retrying'),
        },
      );
    } catch (err) {
      throw this.hostError(err, rpc, deadlineMs, Math.max(attempts, 1));
    }
  }

  /** The caller's error: the agent's own (code, sentence, commands) or the transport's, always naming the host. */
  private hostError(err: unknown, rpc: UnaryAgentRpc, deadlineMs: number, attempts: number): TwinzoneError {
    const te = fromGrpcError(err);
    const fields: Record<string, string> = { ...te.details.fields, host: this.host, address: this.address, rpc };
    const reported = te.details.fields?.host;
    // The agent names itself by its configured host name; keep it if it disagrees with the inventory's.
    if (reported && reported !== this.host) fields.reportedHost = reported;
    if (!isTransportFailure(err)) return new TwinzoneError(te.code, te.message, { ...te.details, fields });
    fields.attempts = String(attempts);
    const tried = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
    const grpcText = (err as Partial<ServiceError>).details ?? te.message;
    const message =
      te.code === 'AGENT_UNREACHABLE'
        ? `${this.host}: agent at ${this.address} unreachable (${rpc}, ${tried}): ${grpcText}`
        : `${this.host}: agent at ${this.address} gave no answer to ${rpc} within ${deadlineMs} ms (${tried})`;
    return new TwinzoneError(te.code, message, { ...te.details, fields });
  }
}
