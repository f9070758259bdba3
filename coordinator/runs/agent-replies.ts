// The sequencer's edge to the Agent client for step RPCs: which AgentConnection method
// carries each catalogue RPC, how a recorded reply (GetOperationResult's encoded bytes)
// is decoded after a coordinator restart (STYLE §5 resume), and what of a reply the
// journal keeps (outcome, commands, archive bytes, attach deltas). Like step-catalog.ts
// it is the one run module that knows generated message types.
import { commandFromProto } from '../../shared/errors/grpc-errors.js';
import type { CommandRecord } from '../../shared/errors/twinzone-error.js';
import {
  AttachZoneResponse, BootZoneResponse, ConvertZoneResponse, CreateArchiveFileResponse, CreateZoneFromDetachedResponse,
  DeleteZoneConfigResponse, DeltaKind as ProtoDeltaKind, DeportStorageResponse, DetachZoneResponse, ExtractArchiveFileResponse,
  HaltZoneResponse, ImportStorageResponse, MountFsResponse, PrepareZonepathResponse, PullArchiveFileResponse, PullZonepathResponse, QueryReplicationResponse,
  ReplicationActionResponse, ShutdownZoneResponse, UnmountFsResponse,
  type AttachDeltas,
} from '../../shared/gen/twinzone/v1/agent.js';
import type { AgentCallOptions, AgentConnection, MutatingReq } from '../agents/agent-client.js';
import type { Delta, DeltaKind } from '../store/delta-store.js';
import type { AgentRequestByRpc, StepRpc } from './step-catalog.js';

type Invoke = (c: AgentConnection, request: unknown, o: AgentCallOptions) => Promise<unknown>;
// Requests come from step-catalog's builders, which fill every field including the mutation.
const m = <T>(r: unknown) => r as MutatingReq<T & { mutation?: AgentRequestByRpc['HaltZone']['mutation'] }>;

const INVOKE: Record<StepRpc, Invoke> = {
  ShutdownZone: (c, r, o) => c.shutdownZone(m(r), o),
  HaltZone: (c, r, o) => c.haltZone(m(r), o),
  BootZone: (c, r, o) => c.bootZone(m(r), o),
  DetachZone: (c, r, o) => c.detachZone(m(r), o),
  AttachZone: (c, r, o) => c.attachZone(m(r), o),
  CreateZoneFromDetached: (c, r, o) => c.createZoneFromDetached(m(r), o),
  DeleteZoneConfig: (c, r, o) => c.deleteZoneConfig(m(r), o),
  ConvertZone: (c, r, o) => c.convertZone(m(r), o),
  PrepareZonepath: (c, r, o) => c.prepareZonepath(m(r), o),
  ImportStorage: (c, r, o) => c.importStorage(m(r), o),
  DeportStorage: (c, r, o) => c.deportStorage(m(r), o),
  MountFs: (c, r, o) => c.mountFs(m(r), o),
  UnmountFs: (c, r, o) => c.unmountFs(m(r), o),
  PullZonepath: (c, r, o) => c.pullZonepath(m(r), o),
  PullArchiveFile: (c, r, o) => c.pullArchiveFile(m(r), o),
  CreateArchiveFile: (c, r, o) => c.createArchiveFile(m(r), o),
  ExtractArchiveFile: (c, r, o) => c.extractArchiveFile(m(r), o),
  QueryReplication: (c, r, o) => c.queryReplication(r as { group: string }, o),
  ReplicationAction: (c, r, o) => c.replicationAction(m(r), o),
};

const CODECS: Record<StepRpc, { decode(bytes: Uint8Array): unknown }> = {
  ShutdownZone: ShutdownZoneResponse,
  HaltZone: HaltZoneResponse,
  BootZone: BootZoneResponse,
  DetachZone: DetachZoneResponse,
  AttachZone: AttachZoneResponse,
  CreateZoneFromDetached: CreateZoneFromDetachedResponse,
  DeleteZoneConfig: DeleteZoneConfigResponse,
  ConvertZone: ConvertZoneResponse,
  PrepareZonepath: PrepareZonepathResponse,
  ImportStorage: ImportStorageResponse,
  DeportStorage: DeportStorageResponse,
  MountFs: MountFsResponse,
  UnmountFs: UnmountFsResponse,
  PullZonepath: PullZonepathResponse,
  PullArchiveFile: PullArchiveFileResponse,
  CreateArchiveFile: CreateArchiveFileResponse,
  ExtractArchiveFile: ExtractArchiveFileResponse,
  QueryReplication: QueryReplicationResponse,
  ReplicationAction: ReplicationActionResponse,
};

export function invokeStepRpc(c: AgentConnection, rpc: StepRpc, request: unknown, o: AgentCallOptions): Promise<unknown> {
  return INVOKE[rpc](c, request, o);
}

export function decodeRecordedReply(rpc: StepRpc, bytes: Uint8Array): unknown {
  return CODECS[rpc].decode(bytes);
}

/** What the journal and the progress events keep of a step reply. */
export interface ReplySummary {
  outcome: string;
  commands: CommandRecord[];
  /** Archive bytes written or read (PullZonepath, PullArchiveFile, archive files), for the transfer event. */
  bytes: number | null;
  /** AttachZone refused over software deltas: attached false. */
  deltas: Delta[] | null;
}

const DELTA_KIND: Record<number, DeltaKind> = {
  [ProtoDeltaKind.DELTA_KIND_MISSING]: 'missing',
  [ProtoDeltaKind.DELTA_KIND_EXTRA]: 'extra',
  [ProtoDeltaKind.DELTA_KIND_VERSION_MISMATCH]: 'version-mismatch',
};

/** The agent's structured deltas as the delta store keys them (a patch's id is its name, its revisions its versions). */
export function deltasFromReply(d: AttachDeltas | undefined): Delta[] {
  if (!d) return [];
  return [
    ...d.packages.map((p): Delta => ({ subject: 'package', kind: DELTA_KIND[p.kind] ?? 'version-mismatch', name: p.name, sourceVersion: p.sourceVersion, localVersion: p.localVersion })),
    ...d.patches.map((p): Delta => ({ subject: 'patch', kind: DELTA_KIND[p.kind] ?? 'version-mismatch', name: p.id, sourceVersion: p.sourceRev, localVersion: p.localRev })),
  ];
}

export function summarizeReply(rpc: StepRpc, reply: unknown): ReplySummary {
  const r = reply as { outcome?: string; commands?: CommandRecord[]; summary?: { bytes?: number; commands?: CommandRecord[] } };
  const commands = [...(r.commands ?? []), ...(r.summary?.commands ?? [])].map(commandFromProto);
  const bytes = r.summary ? Number(r.summary.bytes ?? 0) : null;
  let deltas: Delta[] | null = null;
  if (rpc === 'AttachZone') {
    const a = reply as AttachZoneResponse;
    if (!a.attached) deltas = deltasFromReply(a.deltas);
  }
  let outcome = r.outcome ?? '';
  if (rpc === 'ReplicationAction') {
    // A promoted replica's data-loss window (I5): the records R1 had that R2 never got.
    const lost = Number((reply as { lostRecords?: number }).lostRecords ?? 0);
    if (lost > 0) outcome = `${outcome}; ${lost} record(s) not replicated and lost (RPO)`;
  }
  return { outcome, commands, bytes, deltas };
}
