// Conversions between the generated proto enums and the agent's domain words. Only the
// service edge uses generated types; ops speak in plain strings and unions.
import { errors } from '../../shared/errors/twinzone-error.js';
import { DeltaKind, ReplicationVerb, SnapshotVerb, StorageKind } from '../../shared/gen/twinzone/v1/agent.js';
import { ZoneState } from '../../shared/gen/twinzone/v1/common.js';
import type { ZoneStateName } from '../ops/op-result.js';
import type { StorageKind as DomainStorageKind } from '../ops/storage-ops.js';
import type { SnapshotVerb as DomainSnapshotVerb } from '../ops/snapshot-ops.js';
import type { RdfControlVerb } from '../commands/symrdf.js';

const ZONE_STATE_TO_PROTO: Record<ZoneStateName, ZoneState> = {
  configured: ZoneState.ZONE_STATE_CONFIGURED,
  incomplete: ZoneState.ZONE_STATE_INCOMPLETE,
  installed: ZoneState.ZONE_STATE_INSTALLED,
  ready: ZoneState.ZONE_STATE_READY,
  running: ZoneState.ZONE_STATE_RUNNING,
  shutting_down: ZoneState.ZONE_STATE_SHUTTING_DOWN,
  down: ZoneState.ZONE_STATE_DOWN,
  mounted: ZoneState.ZONE_STATE_MOUNTED,
};

export function toProtoZoneState(state: ZoneStateName | string | undefined): ZoneState {
  if (!state) return ZoneState.ZONE_STATE_UNSPECIFIED;
  return ZONE_STATE_TO_PROTO[state as ZoneStateName] ?? ZoneState.ZONE_STATE_UNSPECIFIED;
}

export function fromProtoStorageKind(kind: StorageKind, field = 'kind'): DomainStorageKind {
  if (kind === StorageKind.STORAGE_KIND_VXDG) return 'vxdg';
  if (kind === StorageKind.STORAGE_KIND_ZPOOL) return 'zpool';
  throw errors.invalidArgument(`${field} must be STORAGE_KIND_VXDG or STORAGE_KIND_ZPOOL`, { field });
}

export function toProtoStorageKind(kind: DomainStorageKind): StorageKind {
  return kind === 'vxdg' ? StorageKind.STORAGE_KIND_VXDG : StorageKind.STORAGE_KIND_ZPOOL;
}

const SNAPSHOT_VERBS: Partial<Record<SnapshotVerb, DomainSnapshotVerb>> = {
  [SnapshotVerb.SNAPSHOT_VERB_CREATE]: 'create',
  [SnapshotVerb.SNAPSHOT_VERB_ROLLBACK]: 'rollback',
  [SnapshotVerb.SNAPSHOT_VERB_CLONE]: 'clone',
  [SnapshotVerb.SNAPSHOT_VERB_DESTROY]: 'destroy',
};

export function fromProtoSnapshotVerb(verb: SnapshotVerb): DomainSnapshotVerb {
  const v = SNAPSHOT_VERBS[verb];
  if (!v) throw errors.invalidArgument('verb must be one of SNAPSHOT_VERB_CREATE, _ROLLBACK, _CLONE, _DESTROY', { field: 'verb' });
  return v;
}

const REPLICATION_VERBS: Partial<Record<ReplicationVerb, RdfControlVerb>> = {
  [ReplicationVerb.REPLICATION_VERB_FAILOVER]: 'failover',
  [ReplicationVerb.REPLICATION_VERB_FAILBACK]: 'failback',
  [ReplicationVerb.REPLICATION_VERB_SWAP]: 'swap',
  [ReplicationVerb.REPLICATION_VERB_SPLIT]: 'split',
  [ReplicationVerb.REPLICATION_VERB_ESTABLISH]: 'establish',
};

export function fromProtoReplicationVerb(verb: ReplicationVerb): RdfControlVerb {
  const v = REPLICATION_VERBS[verb];
  if (!v) throw errors.invalidArgument('verb must be one of REPLICATION_VERB_FAILOVER, _FAILBACK, _SWAP, _SPLIT, _ESTABLISH', { field: 'verb' });
  return v;
}

export function toProtoDeltaKind(kind: 'missing' | 'extra' | 'version-mismatch'): DeltaKind {
  switch (kind) {
    case 'missing':
      return DeltaKind.DELTA_KIND_MISSING;
    case 'extra':
      return DeltaKind.DELTA_KIND_EXTRA;
    case 'version-mismatch':
      return DeltaKind.DELTA_KIND_VERSION_MISMATCH;
  }
}
