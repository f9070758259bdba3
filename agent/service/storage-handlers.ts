// Storage, snapshot and replication RPCs: validate, gate, call one op, convert.
import { unary } from '../../shared/grpc/unary-handler.js';
import { requirePath } from '../../shared/validate/paths.js';
import {
  DeportStorageResponse, ImportStorageResponse, MountFsResponse, ReplicationActionResponse, SnapshotActionResponse, UnmountFsResponse,
  type DeportStorageRequest, type ImportStorageRequest, type ListMountsRequest, type ListMountsResponse, type MountFsRequest,
  type QueryReplicationRequest, type QueryReplicationResponse, type ReplicationActionRequest, type SnapshotActionRequest, type UnmountFsRequest,
} from '../../shared/gen/twinzone/v1/agent.js';
import { requireRdfGroupName } from '../../shared/validate/storage-names.js';
import type { AgentRuntime } from '../agent-runtime.js';
import { queryReplication, replicationAction } from '../ops/replication-ops.js';
import { snapshotAction } from '../ops/snapshot-ops.js';
import { deportStorage, importStorage, listMounts, mountFs, requireGroupRef, unmountFs } from '../ops/storage-ops.js';
import { mutationLabels, type MutationGate } from './mutation-gate.js';
import { fromProtoReplicationVerb, fromProtoSnapshotVerb, fromProtoStorageKind } from './proto-convert.js';


export function storageHandlers(runtime: AgentRuntime, gate: MutationGate) {
  const { log } = runtime;
  const roots = runtime.config.allowedRoots;
  return {
    importStorage: unary<ImportStorageRequest, ImportStorageResponse>(log, 'ImportStorage', mutationLabels, (req, ctx) => {
      const ref = { kind: fromProtoStorageKind(req.kind), group: req.group };
      return gate.run('ImportStorage', req.mutation, ImportStorageResponse, ctx, () => requireGroupRef('group', ref), async (op) => ({
        ...(await importStorage(op, { ...ref, clearForeignLock: req.clearForeignLock, temporary: req.temporary })),
        commands: op.commands,
      }));
    }),
    deportStorage: unary<DeportStorageRequest, DeportStorageResponse>(log, 'DeportStorage', mutationLabels, (req, ctx) => {
      const ref = { kind: fromProtoStorageKind(req.kind), group: req.group };
      return gate.run('DeportStorage', req.mutation, DeportStorageResponse, ctx, () => requireGroupRef('group', ref), async (op) => ({
        ...(await deportStorage(op, ref)),
        commands: op.commands,
      }));
    }),
    mountFs: unary<MountFsRequest, MountFsResponse>(log, 'MountFs', mutationLabels, (req, ctx) =>
      gate.run('MountFs', req.mutation, MountFsResponse, ctx, () => {
        requirePath('mount_point', req.mountPoint, roots);
        // A ZFS dataset is named, not a path; every other special is a device or directory.
        if (req.special && req.fstype !== 'zfs') requirePath('special', req.special, roots);
      }, async (op) => ({
        ...(await mountFs(op, { special: req.special || undefined, mountPoint: req.mountPoint, fstype: req.fstype || undefined, options: req.options })),
        commands: op.commands,
      })),
    ),
    unmountFs: unary<UnmountFsRequest, UnmountFsResponse>(log, 'UnmountFs', mutationLabels, (req, ctx) =>
      gate.run('UnmountFs', req.mutation, UnmountFsResponse, ctx, () => requirePath('mount_point', req.mountPoint, roots), async (op) => ({
        ...(await unmountFs(op, { mountPoint: req.mountPoint, force: req.force })),
        commands: op.commands,
      })),
    ),
    listMounts: unary<ListMountsRequest, ListMountsResponse>(log, 'ListMounts', () => ({}), async (_req, ctx) => {
      const op = runtime.opContext(ctx, undefined, false);
      const mounts = await listMounts(op);
      return { mounts: mounts.map((m) => ({ special: m.special, mountPoint: m.mountPoint, fstype: m.fstype, options: m.options, mountedAtS: m.mountedAtS })) };
    }),
    snapshotAction: unary<SnapshotActionRequest, SnapshotActionResponse>(log, 'SnapshotAction', mutationLabels, (req, ctx) => {
      const verb = fromProtoSnapshotVerb(req.verb);
      return gate.run('SnapshotAction', req.mutation, SnapshotActionResponse, ctx, () => undefined, async (op) => {
        const { discardedLines, ...o } = await snapshotAction(op, { verb, snapshot: req.snapshot, cloneTarget: req.cloneTarget || undefined, countLinesOf: req.countLinesOf || undefined });
        return { ...o, discardedLines: discardedLines ?? 0, commands: op.commands };
      });
    }),
    queryReplication: unary<QueryReplicationRequest, QueryReplicationResponse>(log, 'QueryReplication', () => ({}), async (req, ctx) => {
      requireRdfGroupName('group', req.group);
      const op = runtime.opContext(ctx, undefined, false);
      const s = await queryReplication(op, req.group);
      return {
        group: s.group, pairState: s.pairState, r1InvalidTracks: s.r1InvalidTracks, r2InvalidTracks: s.r2InvalidTracks,
        lostRecords: 0, outcome: s.pairState, changed: false, commands: op.commands,
      };
    }),
    replicationAction: unary<ReplicationActionRequest, ReplicationActionResponse>(log, 'ReplicationAction', mutationLabels, (req, ctx) => {
      const verb = fromProtoReplicationVerb(req.verb);
      return gate.run('ReplicationAction', req.mutation, ReplicationActionResponse, ctx, () => requireRdfGroupName('group', req.group), async (op) => {
        const r = await replicationAction(op, { group: req.group, verb });
        return {
          group: r.group, pairState: r.pairState, r1InvalidTracks: r.r1InvalidTracks, r2InvalidTracks: r.r2InvalidTracks,
          lostRecords: r.lostRecords, outcome: r.outcome, changed: r.changed, commands: op.commands,
        };
      });
    }),
  };
}
