// The step catalogue (STYLE §5): every step a run kind may name, with what it does.
// - An agent step is one Agent RPC on one host: its RPC, whether it changes the host,
//   the request builder from the step's journalled args plus the sequencer's Mutation
//   (op id, epoch, zone, dry run), and its default undo.
// - A coordinator step is carried out by the sequencer itself (lease transitions, waits,
//   checks that read several agents, the --via-file copy); it names the read-only RPCs it
//   uses so `twinzone plan` and the retry table can reason about it.
// Args are plain JSON (the journal's args_json; `twinzone plan --json`). This module is
// the edge between the pure run plans and the Agent client, so it alone among the run
// modules knows the generated request TYPES (type-only imports: nothing of grpc-js loads).
import type {
  AttachZoneRequest,
  BootZoneRequest,
  ConvertZoneRequest,
  CreateArchiveFileRequest,
  CreateZoneFromDetachedRequest,
  DeleteZoneConfigRequest,
  DeportStorageRequest,
  DetachZoneRequest,
  ExtractArchiveFileRequest,
  HaltZoneRequest,
  ImportStorageRequest,
  MountFsRequest,
  PrepareZonepathRequest,
  PullArchiveFileRequest,
  PullZonepathRequest,
  QueryReplicationRequest,
  ReplicationActionRequest,
  ReplicationVerb as ProtoReplicationVerb,
  ShutdownZoneRequest,
  StorageKind as ProtoStorageKind,
  UnmountFsRequest,
} from '../../shared/gen/twinzone/v1/agent.js';
import type { Mutation } from '../../shared/gen/twinzone/v1/common.js';
import type { HealthCheck, LeaseLossPolicy, StorageKind, ZoneService } from '../inventory/inventory-schema.js';
import type { DrillSpec } from './drill-spec.js';

export const StepName = {
  // coordinator-side
  Preflight: 'preflight',
  CheckSpace: 'check-space',
  ReserveLease: 'reserve-lease',
  CommitLease: 'commit-lease',
  AbortLease: 'abort-lease',
  AwaitLeaseGrantable: 'await-lease-grantable',
  GrantLease: 'grant-lease',
  ReleaseLease: 'release-lease',
  WaitReplicaSynced: 'wait-replica-synced',
  CopyArchiveFile: 'copy-archive-file',
  WaitHealthy: 'wait-healthy',
  // coordinator-side, upgrade (coordinator/runs/upgrade-steps.ts)
  SnapshotData: 'snapshot-data',
  RestoreData: 'restore-data',
  Probation: 'probation',
  DropSnapshot: 'drop-snapshot',
  // coordinator-side, DR drill (coordinator/runs/drill-steps.ts)
  DrillPreflight: 'drill-preflight',
  DrillClone: 'drill-clone',
  DrillImport: 'drill-import',
  DrillMount: 'drill-mount',
  DrillCreateZone: 'drill-create-zone',
  DrillBoot: 'drill-boot',
  DrillChecks: 'drill-checks',
  DrillHalt: 'drill-halt',
  DrillRemoveZone: 'drill-remove-zone',
  DrillUnmount: 'drill-unmount',
  DrillDeport: 'drill-deport',
  DrillTerminate: 'drill-terminate',
  // agent steps: zones
  ShutdownZone: 'shutdown-zone',
  HaltZone: 'halt-zone',
  BootZone: 'boot-zone',
  DetachZone: 'detach-zone',
  AttachZone: 'attach-zone',
  CreateZoneFromDetached: 'create-zone-from-detached',
  DeleteZoneConfig: 'delete-zone-config',
  ConvertZone: 'convert-zone',
  PrepareZonepath: 'prepare-zonepath',
  // agent steps: storage
  ImportStorage: 'import-storage',
  DeportStorage: 'deport-storage',
  MountFs: 'mount-fs',
  UnmountFs: 'unmount-fs',
  // agent steps: the zonepath archive
  PullZonepath: 'pull-zonepath',
  CreateArchiveFile: 'create-archive-file',
  ExtractArchiveFile: 'extract-archive-file',
  // agent steps: SRDF
  QueryReplication: 'query-replication',
  ReplicationFailover: 'replication-failover',
  ReplicationFailback: 'replication-failback',
  ReplicationSwap: 'replication-swap',
  ReplicationSplit: 'replication-split',
  ReplicationEstablish: 'replication-establish',
} as const;
export type StepName = (typeof StepName)[keyof typeof StepName];

// ---------------------------------------------------------------- args

type NoArgs = Record<string, never>;

/** The zone states a preflight accepts; `detached` is configured with SUNWdetached.xml present. */
export type ZoneStateName = 'absent' | 'configured' | 'detached' | 'installed' | 'ready' | 'running';

/** One thing the preflight verifies before anything changes (DESIGN "Planned switchover": preflight). */
export type PreflightCheck =
  /** The agent answers (GetHostFacts). */
  | { check: 'agent-up'; host: string }
  /** The zone's state on the host is one of `allow` (GetZone; NOT_FOUND is `absent`). */
  | { check: 'zone-state'; host: string; allow: ZoneStateName[] }
  /** The host is configured for the group and sees it (GetHostFacts.storage). */
  | { check: 'storage-visible'; host: string; kind: StorageKind; group: string }
  /** The group is imported on this host, i.e. nowhere else (I2; GetHostFacts.storage). */
  | { check: 'storage-imported'; host: string; kind: StorageKind; group: string }
  /**
   * `attach -n` on the target (AttachZone validate_only, which changes nothing) reports
   * only deltas accepted for this host pair (coordinator/store/delta-store.ts).
   */
  | { check: 'deltas-accepted'; fromHost: string; toHost: string }
  /** The path exists on the host (GetHostFacts df answers for it): an `add fs` special the seed says to replicate. */
  | { check: 'path-present'; host: string; path: string }
  /** The SRDF pair is in one of these states, seen from the host (QueryReplication). */
  | { check: 'replication-state'; host: string; rdfGroup: string; allow: string[] };

/**
 * check-space (DESIGN "First-time migration": df on both sides): `measure` is what the
 * copy will occupy (df used of the source zonepath); each need is a path whose file
 * system must have that much available (GetHostFacts.df).
 */
export interface SpaceNeed {
  host: string;
  path: string;
  why: string;
}

export interface MountSpec {
  /** The device (vxfs/ufs) or dataset (zfs). */
  special: string;
  mountPoint: string;
  fstype: string;
  options: string[];
}

/** agent.proto NetRemap with every field present (empty: unchanged). */
export interface NetRemapArgs {
  fromPhysical: string;
  toPhysical: string;
  address: string;
  defrouter: string;
}

export interface VfstabEntryArgs {
  special: string;
  fsckDevice: string;
  mountPoint: string;
  fstype: string;
  fsckPass: string;
  mountAtBoot: boolean;
  options: string;
}

export interface StorageArgs {
  kind: StorageKind;
  group: string;
}

export interface RdfArgs {
  /** The SRDF device group (`symrdf -g`). */
  rdfGroup: string;
}

/** The args of each step, as journalled (args_json) and printed by `twinzone plan`. */
export interface StepArgs {
  preflight: { checks: PreflightCheck[] };
  'check-space': { measure: { host: string; path: string }; needs: SpaceNeed[] };
  /** The next epoch is reserved for target; the source keeps its lease meanwhile (lease-rules decideReserve). */
  'reserve-lease': { target: string };
  /** The target holds the zone under the reserved epoch (decideCommit). */
  'commit-lease': { target: string };
  /** The source keeps its tenure; the reserved epoch stays spent (decideAbort). */
  'abort-lease': { target: string };
  /**
   * DESIGN "Unplanned failover": wait for the holder's lease to expire plus the margin
   * (policy halt: its agent has self-fenced by then), or for `confirm-down` (the only way
   * under freeze). holder null: the zone had no holder.
   */
  'await-lease-grantable': { holder: string | null; lossPolicy: LeaseLossPolicy; safetyMarginMs: number };
  /** A fresh epoch for host, durable before any agent acts on it (decideGrant). */
  'grant-lease': { host: string };
  /** The holder gives the lease back (decideRelease): the undo of a grant. */
  'release-lease': { host: string };
  /** Polls QueryReplication on host until R2 owes nothing (r2_invalid_tracks 0): I5 for a planned DR move. */
  'wait-replica-synced': { host: string; rdfGroup: string; timeoutMs: number; pollMs: number };
  /** The --via-file method's host-to-host copy of the archive file (no Agent RPC carries files; the sequencer does). */
  'copy-archive-file': { sourceHost: string; sourceAddress: string; archivePath: string };
  /** RunProbe on host for each check until all pass, within timeoutMs (DESIGN: "wait for running and the application health checks"). */
  'wait-healthy': { host: string; service: ZoneService; checks: HealthCheck[]; timeoutMs: number };
  /** zfs snapshot of each of the zone's datasets on host (the holder, its zone quiesced), recorded in run_artifacts. */
  'snapshot-data': { host: string; snapshots: string[] };
  /**
   * The undo of snapshot-data, on the host that holds the pool again: with rollback,
   * zfs rollback of each snapshot (counting the lines of countLinesOf it discards) before
   * the zone boots there; then zfs destroy unless keep.
   */
  'restore-data': { host: string; snapshots: string[]; rollback: boolean; keep: boolean; countLinesOf: string | null };
  /** RunProbe on host for each check at its interval for probationMs; fails when a check fails failureThreshold times in a row. */
  probation: { host: string; service: ZoneService; checks: HealthCheck[]; probationMs: number };
  /** After a good probation: zfs destroy of the snapshots on the new holder, unless keep. Never fails the run (it is past the commit). */
  'drop-snapshot': { host: string; snapshots: string[]; keep: boolean };
  /** The DR drill's steps (drill-steps.ts): each a DrillAction on the DR host under the drill zone's name. */
  'drill-preflight': DrillSpec;
  'drill-clone': DrillSpec;
  'drill-import': DrillSpec;
  'drill-mount': DrillSpec;
  'drill-create-zone': DrillSpec;
  'drill-boot': DrillSpec;
  'drill-checks': DrillSpec;
  'drill-halt': DrillSpec;
  'drill-remove-zone': DrillSpec;
  'drill-unmount': DrillSpec;
  'drill-deport': DrillSpec;
  'drill-terminate': DrillSpec;
  'shutdown-zone': { timeoutMs: number };
  'halt-zone': NoArgs;
  'boot-zone': { bootArgs: string[] };
  'detach-zone': NoArgs;
  /**
   * force: `attach -F` as asked. forceIfAccepted: the sequencer attaches without -F and,
   * when zoneadm refuses over deltas that are all accepted for deltasFrom → this host,
   * repeats with force (a new attempt); otherwise the run stops and shows them (DESIGN).
   */
  'attach-zone': { force: boolean; forceIfAccepted: boolean; deltasFrom: string | null };
  'create-zone-from-detached': { zonepath: string; netRemaps: NetRemapArgs[]; deviceRemaps: { fromMatch: string; toMatch: string }[] };
  'delete-zone-config': NoArgs;
  'convert-zone': NoArgs;
  'prepare-zonepath': { zonepath: string; zonesLofsSpecial: string; zonesLofsMountPoint: string; vfstab: VfstabEntryArgs[] };
  'import-storage': StorageArgs & { clearForeignLock: boolean; temporary: boolean };
  'deport-storage': StorageArgs;
  'mount-fs': MountSpec;
  /** Carries what it takes off (special, type, options) so that its undo can mount it again. */
  'unmount-fs': MountSpec & { force: boolean };
  'pull-zonepath': { sourceHost: string; sourceAddress: string; sourceZonepath: string; zonepath: string };
  'create-archive-file': { zonepath: string; archivePath: string };
  'extract-archive-file': { zonepath: string; archivePath: string };
  'query-replication': RdfArgs;
  'replication-failover': RdfArgs;
  'replication-failback': RdfArgs;
  'replication-swap': RdfArgs;
  'replication-split': RdfArgs;
  'replication-establish': RdfArgs;
}

// Every name has args and every args entry has a name.
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const namesMatchArgs: Exact<StepName, keyof StepArgs> = true;
void namesMatchArgs;

/** An undo as the catalogue proposes it; the plan adds the host (the step's own) and the epoch (the step's own). */
export type UndoSpec = { [N in StepName]: { name: N; args: StepArgs[N] } }[StepName];

// ---------------------------------------------------------------- agent requests

/** The generated request type of each unary RPC a step calls (shared/gen/twinzone/v1/agent.ts). */
export interface AgentRequestByRpc {
  ShutdownZone: ShutdownZoneRequest;
  HaltZone: HaltZoneRequest;
  BootZone: BootZoneRequest;
  DetachZone: DetachZoneRequest;
  AttachZone: AttachZoneRequest;
  CreateZoneFromDetached: CreateZoneFromDetachedRequest;
  DeleteZoneConfig: DeleteZoneConfigRequest;
  ConvertZone: ConvertZoneRequest;
  PrepareZonepath: PrepareZonepathRequest;
  ImportStorage: ImportStorageRequest;
  DeportStorage: DeportStorageRequest;
  MountFs: MountFsRequest;
  UnmountFs: UnmountFsRequest;
  PullZonepath: PullZonepathRequest;
  PullArchiveFile: PullArchiveFileRequest;
  CreateArchiveFile: CreateArchiveFileRequest;
  ExtractArchiveFile: ExtractArchiveFileRequest;
  QueryReplication: QueryReplicationRequest;
  ReplicationAction: ReplicationActionRequest;
}
export type StepRpc = keyof AgentRequestByRpc;

/** The RPCs coordinator steps use, none of them to change anything (AttachZone only with validate_only: `attach -n`). */
export type ReadRpc = 'GetHostFacts' | 'GetZone' | 'AttachZone' | 'QueryReplication' | 'RunProbe';

// The wire enums by value; `satisfies` makes tsc check each against the generated enum.
const PROTO_STORAGE_KIND = { vxdg: 1, zpool: 2 } as const satisfies Record<StorageKind, ProtoStorageKind>;
const PROTO_REPLICATION_VERB = {
  'replication-failover': 1,
  'replication-failback': 2,
  'replication-swap': 3,
  'replication-split': 4,
  'replication-establish': 5,
} as const satisfies Record<string, ProtoReplicationVerb>;

interface StepContext {
  zone: string;
  host: string | null;
}

interface StepSpecBase<N extends StepName> {
  /** One line for `twinzone plan` (the host is prefixed by the plan). */
  describe: (args: StepArgs[N], ctx: StepContext) => string;
  /** The default undo on the same host, or null when there is nothing to undo. */
  undo: (args: StepArgs[N]) => UndoSpec | null;
  /**
   * True when a completed step cannot be taken back by the sequencer (an SRDF swap, a
   * committed lease): a rollback stops there and the run ends in rollback_failed with
   * an event for the operator, rather than pretending (I4).
   */
  irreversible: boolean;
}

export interface AgentStepSpec<N extends StepName, R extends StepRpc> extends StepSpecBase<N> {
  side: 'agent';
  rpc: R;
  /** Changes the host, so it carries an op id and the fencing epoch (I3). */
  mutates: boolean;
  build: (args: StepArgs[N], mutation: Mutation) => AgentRequestByRpc[R];
}

export interface CoordinatorStepSpec<N extends StepName> extends StepSpecBase<N> {
  side: 'coordinator';
  /** The read-only Agent RPCs the sequencer uses to carry it out (none for lease steps). */
  reads: readonly ReadRpc[];
  /**
   * Agent RPCs that change a host, made by the step itself under op ids derived from its
   * own (auxOpId): the step records what they made in run_artifacts in the same breath.
   */
  changes?: readonly StepChangeRpc[];
  /** Its outcome belongs in the run's final reason (a data rollback's count, a probation's verdict). */
  reportsOutcome?: boolean;
}

/** The mutating RPCs coordinator steps make (every one state-idempotent by op id on the agent). */
export type StepChangeRpc = 'SnapshotAction' | 'DrillAction';

export type StepSpec<N extends StepName> = AgentStepSpec<N, StepRpc> | CoordinatorStepSpec<N>;

const none = () => null;

function agent<N extends StepName, R extends StepRpc>(spec: Omit<AgentStepSpec<N, R>, 'side' | 'irreversible'> & { irreversible?: boolean }): AgentStepSpec<N, R> {
  return { side: 'agent', irreversible: false, ...spec };
}

function coordinator<N extends StepName>(spec: Omit<CoordinatorStepSpec<N>, 'side' | 'irreversible'> & { irreversible?: boolean }): CoordinatorStepSpec<N> {
  return { side: 'coordinator', irreversible: false, ...spec };
}

function replication<N extends keyof typeof PROTO_REPLICATION_VERB>(
  name: N,
  what: string,
  undo: (args: RdfArgs) => UndoSpec | null,
  irreversible = false,
): AgentStepSpec<N, 'ReplicationAction'> {
  return agent<N, 'ReplicationAction'>({
    rpc: 'ReplicationAction',
    mutates: true,
    build: (a, mutation) => ({ mutation, group: a.rdfGroup, verb: PROTO_REPLICATION_VERB[name] }),
    describe: (a) => `symrdf -g ${a.rdfGroup} ${name.replace('replication-', '')}: ${what}`,
    undo,
    irreversible,
  });
}

function mountText(m: MountSpec): string {
  return `${m.special} on ${m.mountPoint} (${m.fstype}${m.options.length > 0 ? `, ${m.options.join(',')}` : ''})`;
}

const REMOUNT = (a: StepArgs['unmount-fs']): UndoSpec => ({
  name: StepName.MountFs,
  args: { special: a.special, mountPoint: a.mountPoint, fstype: a.fstype, options: a.options },
});

/** Every step, by name. */
/**
 * The DR drill (README "DR drill"): coordinator steps, each one DrillAction on the DR host
 * under the drill zone's name (drill-steps.ts), which records what it makes in
 * run_artifacts before making it. Each making step's undo is the matching taking-apart
 * step, so a failed drill rolls back to nothing left; a drill that succeeds takes itself
 * apart as its last steps (unless --keep).
 */
function drillStep(what: (d: DrillSpec) => string, undo: StepName | null, reportsOutcome = false): CoordinatorStepSpec<DrillStepName> {
  return coordinator<DrillStepName>({
    reads: [],
    changes: ['DrillAction'],
    ...(reportsOutcome && { reportsOutcome }),
    describe: (d) => `${d.host}: ${what(d)}`,
    undo: undo === null ? none : (d) => ({ name: undo, args: d }) as UndoSpec,
  });
}

type DrillStepName = Extract<StepName, `drill-${string}`>;

const DRILL_CATALOG: { [N in DrillStepName]: StepSpec<N> } = {
  'drill-preflight': coordinator({
    reads: ['GetZone'],
    describe: (d) => `${d.host} answers, ${d.zone}'s DR twin there is detached, ${d.drillZone} does not exist there`,
    undo: none,
  }),
  'drill-clone': drillStep((d) => `symrdf -g ${d.rdfGroup} query; symclone -g ${d.rdfGroup} create -copy, activate (the RDF pairs untouched)`, StepName.DrillTerminate, true),
  'drill-import': drillStep((d) => `vxdg -C -n ${d.cloneGroup} -o useclonedev=on -o updateid import ${d.diskGroup}`, StepName.DrillDeport),
  'drill-mount': drillStep((d) => `mount ${d.volumes.map((v) => `/dev/vx/dsk/${d.cloneGroup}/${v.name} on ${v.mountPoint}`).join(', ')}`, StepName.DrillUnmount),
  'drill-create-zone': drillStep(
    (d) => `${d.drillZone} from ${d.zone}'s detached zonepath (pax copy to ${d.zonepath}), address ${d.address}, fs on the drill mounts, attach`,
    StepName.DrillRemoveZone,
  ),
  'drill-boot': drillStep((d) => `zoneadm -z ${d.drillZone} boot`, StepName.DrillHalt),
  'drill-checks': coordinator({
    reads: ['RunProbe'],
    reportsOutcome: true,
    describe: (d) => `${d.host}: ${d.drillZone}'s checks (${d.checks.map((c) => c.kind).join(', ')}) at ${d.service.address}, up to ${d.checksTimeoutMs} ms`,
    undo: none,
  }),
  'drill-halt': drillStep((d) => `zoneadm -z ${d.drillZone} halt`, null),
  'drill-remove-zone': drillStep((d) => `zoneadm -z ${d.drillZone} detach, zonecfg -z ${d.drillZone} delete -F, rm -r ${d.zonepath}`, null),
  'drill-unmount': drillStep((d) => `umount ${d.volumes.map((v) => v.mountPoint).join(' ')}`, null),
  'drill-deport': drillStep((d) => `vxdg deport ${d.cloneGroup}`, null),
  'drill-terminate': drillStep((d) => `symclone -g ${d.rdfGroup} terminate`, null),
};

export const STEP_CATALOG: { [N in StepName]: StepSpec<N> } = {
  preflight: coordinator({
    reads: ['GetHostFacts', 'GetZone', 'AttachZone', 'QueryReplication'],
    describe: (a) => `preflight: ${a.checks.map(describeCheck).join('; ')}`,
    undo: none,
  }),
  'check-space': coordinator({
    reads: ['GetHostFacts'],
    describe: (a) => `df: room for ${a.measure.path} (as used on ${a.measure.host}) in ${a.needs.map((n) => `${n.path} on ${n.host}`).join(', ')}`,
    undo: none,
  }),
  'reserve-lease': coordinator({
    reads: [],
    describe: (a, c) => `lease ${c.zone} to migrating: next epoch reserved for ${a.target}`,
    undo: (a) => ({ name: StepName.AbortLease, args: { target: a.target } }),
  }),
  'commit-lease': coordinator({
    reads: [],
    describe: (a, c) => `commit the lease of ${c.zone} to ${a.target} under the reserved epoch`,
    undo: none,
    // Once committed the move is done; going back is a new run (fallback), not an undo.
    irreversible: true,
  }),
  'abort-lease': coordinator({
    reads: [],
    describe: (a, c) => `abandon the move of ${c.zone} to ${a.target}: the source keeps its lease, the reserved epoch stays spent`,
    undo: none,
  }),
  'await-lease-grantable': coordinator({
    reads: [],
    describe: (a, c) =>
      a.holder === null
        ? `lease of ${c.zone}: no holder to wait for`
        : a.lossPolicy === 'freeze'
          ? `wait until ${a.holder} is confirmed down (policy freeze: its twin of ${c.zone} may still run)`
          : `wait until ${a.holder}'s lease on ${c.zone} expired plus ${a.safetyMarginMs} ms (policy halt), or ${a.holder} is confirmed down`,
    undo: none,
  }),
  'grant-lease': coordinator({
    reads: [],
    describe: (a, c) => `grant the lease of ${c.zone} to ${a.host} under a fresh epoch`,
    undo: (a) => ({ name: StepName.ReleaseLease, args: { host: a.host } }),
  }),
  'release-lease': coordinator({
    reads: [],
    describe: (a, c) => `${a.host} releases the lease of ${c.zone}`,
    undo: none,
  }),
  'wait-replica-synced': coordinator({
    reads: ['QueryReplication'],
    describe: (a) => `symrdf -g ${a.rdfGroup} query on ${a.host} until R2 owes no tracks (up to ${a.timeoutMs} ms)`,
    undo: none,
  }),
  'wait-healthy': coordinator({
    reads: ['RunProbe'],
    describe: (a, c) => `wait for ${c.zone} running on ${a.host} and its checks (${a.checks.map((k) => k.kind).join(', ')}) healthy, up to ${a.timeoutMs} ms`,
    undo: none,
  }),

  'snapshot-data': coordinator({
    reads: [],
    changes: ['SnapshotAction'],
    describe: (a) => `${a.host}: zfs snapshot ${a.snapshots.join(' ')} (the data as the quiesced zone left it)`,
    // An upgrade's plan says whether to roll back and keep; by default the snapshot just goes.
    undo: (a) => ({ name: StepName.RestoreData, args: { host: a.host, snapshots: a.snapshots, rollback: false, keep: false, countLinesOf: null } }),
  }),
  'restore-data': coordinator({
    reads: [],
    changes: ['SnapshotAction'],
    reportsOutcome: true,
    describe: (a) =>
      [
        a.rollback ? `${a.host}: zfs rollback ${a.snapshots.join(' ')} before the zone boots` : `${a.host}: the data stays as the new holder left it`,
        a.keep ? 'snapshots kept' : `zfs destroy ${a.snapshots.join(' ')}`,
      ].join(', '),
    undo: none,
  }),
  probation: coordinator({
    reads: ['RunProbe'],
    reportsOutcome: true,
    describe: (a, c) =>
      `probation: ${c.zone} on ${a.host} stays healthy for ${a.probationMs} ms (${a.checks.map((k) => `${k.kind} every ${k.intervalMs} ms, ${k.failureThreshold} failures in a row fail it`).join('; ')})`,
    undo: none,
  }),
  'drop-snapshot': coordinator({
    reads: [],
    changes: ['SnapshotAction'],
    reportsOutcome: true,
    describe: (a) => (a.keep ? `keep ${a.snapshots.join(' ')} (--keep-snapshot)` : `${a.host}: zfs destroy ${a.snapshots.join(' ')}`),
    undo: none,
  }),

  ...DRILL_CATALOG,

  'shutdown-zone': agent({
    rpc: 'ShutdownZone',
    mutates: true,
    build: (a, mutation) => ({ mutation, timeoutMs: a.timeoutMs }),
    describe: (a, c) => `zlogin ${c.zone} shutdown -y -g0 -i0, zoneadm halt after ${a.timeoutMs} ms`,
    undo: () => ({ name: StepName.BootZone, args: { bootArgs: [] } }),
  }),
  'halt-zone': agent({
    rpc: 'HaltZone',
    mutates: true,
    build: (_a, mutation) => ({ mutation }),
    describe: (_a, c) => `zoneadm -z ${c.zone} halt`,
    undo: () => ({ name: StepName.BootZone, args: { bootArgs: [] } }),
  }),
  'boot-zone': agent({
    rpc: 'BootZone',
    mutates: true,
    build: (a, mutation) => ({ mutation, bootArgs: [...a.bootArgs] }),
    describe: (a, c) => `zoneadm -z ${c.zone} boot${a.bootArgs.length > 0 ? ` -- ${a.bootArgs.join(' ')}` : ''}`,
    undo: () => ({ name: StepName.HaltZone, args: {} }),
  }),
  'detach-zone': agent({
    rpc: 'DetachZone',
    mutates: true,
    build: (_a, mutation) => ({ mutation }),
    describe: (_a, c) => `zoneadm -z ${c.zone} detach (manifest into the zonepath)`,
    // Re-attaching where it was just detached: the manifest is this host's own, so -F
    // skips a comparison that cannot find anything.
    undo: () => ({ name: StepName.AttachZone, args: { force: true, forceIfAccepted: false, deltasFrom: null } }),
  }),
  'attach-zone': agent({
    rpc: 'AttachZone',
    mutates: true,
    build: (a, mutation) => ({ mutation, force: a.force, validateOnly: false }),
    describe: (a, c) =>
      a.force
        ? `zoneadm -z ${c.zone} attach -F`
        : a.forceIfAccepted
          ? `zoneadm -z ${c.zone} attach; -F only if every delta is accepted${a.deltasFrom ? ` for ${a.deltasFrom} → ${c.host}` : ''}, else stop and show them`
          : `zoneadm -z ${c.zone} attach (stop on any delta)`,
    undo: () => ({ name: StepName.DetachZone, args: {} }),
  }),
  'create-zone-from-detached': agent({
    rpc: 'CreateZoneFromDetached',
    mutates: true,
    build: (a, mutation) => ({
      mutation,
      zonepath: a.zonepath,
      netRemaps: a.netRemaps.map((r) => ({ ...r })),
      deviceRemaps: a.deviceRemaps.map((r) => ({ ...r })),
    }),
    describe: (a, c) => {
      const remaps = [...a.netRemaps.map((r) => `net ${r.fromPhysical} → ${r.toPhysical}`), ...a.deviceRemaps.map((r) => `device ${r.fromMatch} → ${r.toMatch}`)];
      return `zonecfg -z ${c.zone} create -a ${a.zonepath}${remaps.length > 0 ? `, then ${remaps.join(', ')}` : ''}`;
    },
    undo: () => ({ name: StepName.DeleteZoneConfig, args: {} }),
  }),
  'delete-zone-config': agent({
    rpc: 'DeleteZoneConfig',
    mutates: true,
    build: (_a, mutation) => ({ mutation }),
    describe: (_a, c) => `zonecfg -z ${c.zone} delete -F`,
    undo: none,
  }),
  'convert-zone': agent({
    rpc: 'ConvertZone',
    mutates: true,
    build: (_a, mutation) => ({ mutation }),
    describe: (_a, c) => `s8_p2v ${c.zone} (adapt the image to this host before its first boot here)`,
    // The image is adapted to the target; the source keeps its own copy, so a rollback
    // has nothing to restore (the zone's configuration here goes with create's undo).
    undo: none,
  }),
  'prepare-zonepath': agent({
    rpc: 'PrepareZonepath',
    mutates: true,
    build: (a, mutation) => ({
      mutation,
      zonepath: a.zonepath,
      zonesLofsSpecial: a.zonesLofsSpecial,
      zonesLofsMountPoint: a.zonesLofsMountPoint,
      vfstab: a.vfstab.map((e) => ({ ...e })),
    }),
    describe: (a) =>
      `zonepath ${a.zonepath} (root, 700)` +
      (a.zonesLofsMountPoint ? `, ${a.zonesLofsSpecial} looped back at ${a.zonesLofsMountPoint}` : '') +
      (a.vfstab.length > 0 ? `, vfstab ${a.vfstab.map((e) => `${e.mountPoint} (at boot ${e.mountAtBoot ? 'yes' : 'no'})`).join(', ')}` : ''),
    // Directories and vfstab lines with mount at boot "no" start nothing; left for the next attempt.
    undo: none,
  }),
  'import-storage': agent({
    rpc: 'ImportStorage',
    mutates: true,
    build: (a, mutation) => ({ mutation, kind: PROTO_STORAGE_KIND[a.kind], group: a.group, clearForeignLock: a.clearForeignLock, temporary: a.temporary }),
    describe: (a) =>
      a.kind === 'vxdg'
        ? `vxdg${a.clearForeignLock ? ' -C' : ''}${a.temporary ? ' -t' : ''} import ${a.group}`
        : `zpool import${a.clearForeignLock ? ' -f' : ''} ${a.group}`,
    undo: (a) => ({ name: StepName.DeportStorage, args: { kind: a.kind, group: a.group } }),
  }),
  'deport-storage': agent({
    rpc: 'DeportStorage',
    mutates: true,
    build: (a, mutation) => ({ mutation, kind: PROTO_STORAGE_KIND[a.kind], group: a.group }),
    describe: (a) => (a.kind === 'vxdg' ? `vxdg deport ${a.group}` : `zpool export ${a.group}`),
    // Back on the host that just deported it: its own lock, nothing to clear.
    undo: (a) => ({ name: StepName.ImportStorage, args: { kind: a.kind, group: a.group, clearForeignLock: false, temporary: true } }),
  }),
  'mount-fs': agent({
    rpc: 'MountFs',
    mutates: true,
    build: (a, mutation) => ({ mutation, special: a.special, mountPoint: a.mountPoint, fstype: a.fstype, options: [...a.options] }),
    describe: (a) => `mount ${mountText(a)}`,
    undo: (a) => ({ name: StepName.UnmountFs, args: { ...a, force: false } }),
  }),
  'unmount-fs': agent({
    rpc: 'UnmountFs',
    mutates: true,
    build: (a, mutation) => ({ mutation, mountPoint: a.mountPoint, force: a.force }),
    describe: (a) => `umount${a.force ? ' -f' : ''} ${a.mountPoint}`,
    undo: REMOUNT,
  }),
  'pull-zonepath': agent({
    rpc: 'PullZonepath',
    mutates: true,
    // The transfer grant is signed by the agent client when the call is made (agent-pool.ts).
    build: (a, mutation) => ({ mutation, sourceAddress: a.sourceAddress, sourceZonepath: a.sourceZonepath, zonepath: a.zonepath, grant: undefined }),
    describe: (a) => `pax archive of ${a.sourceHost}:${a.sourceZonepath} streamed into ${a.zonepath} (permissions, ACLs, times kept)`,
    // The extracted tree is inert without a configured zone; it stays for the operator
    // to inspect or remove (no Agent RPC deletes a zonepath, on purpose).
    undo: none,
  }),
  'copy-archive-file': agent({
    rpc: 'PullArchiveFile',
    mutates: true,
    build: (a, mutation) => ({ mutation, sourceAddress: a.sourceAddress, sourceArchivePath: a.archivePath, archivePath: a.archivePath, grant: undefined }),
    describe: (a, c) => `copy ${a.sourceHost}:${a.archivePath} to ${c.host ?? 'the target'}:${a.archivePath} agent to agent (sha256 compared before it is renamed into place)`,
    // Like the archive it copies, the file stays for the operator (no Agent RPC deletes files).
    undo: none,
  }),
  'create-archive-file': agent({
    rpc: 'CreateArchiveFile',
    mutates: true,
    build: (a, mutation) => ({ mutation, zonepath: a.zonepath, archivePath: a.archivePath }),
    describe: (a) => `pax -w of ${a.zonepath} into ${a.archivePath}`,
    undo: none,
  }),
  'extract-archive-file': agent({
    rpc: 'ExtractArchiveFile',
    mutates: true,
    build: (a, mutation) => ({ mutation, zonepath: a.zonepath, archivePath: a.archivePath }),
    describe: (a) => `pax -r of ${a.archivePath} into ${a.zonepath} (permissions, ACLs, times kept)`,
    undo: none,
  }),
  'query-replication': agent({
    rpc: 'QueryReplication',
    mutates: false,
    build: (a) => ({ group: a.rdfGroup }),
    describe: (a) => `symrdf -g ${a.rdfGroup} query`,
    undo: none,
  }),
  'replication-failover': replication('replication-failover', 'R1 write-disabled, R2 read/write (reports the records R2 never received: the RPO)', (a) => ({
    name: StepName.ReplicationFailback,
    args: { rdfGroup: a.rdfGroup },
  })),
  'replication-failback': replication('replication-failback', "R2's changes back to R1, R1 read/write again, replication resumed", none),
  // SRDF cannot swap a pair back once it is Suspended in the new direction; reversing a
  // swap is a planned DR move the other way.
  'replication-swap': replication('replication-swap', 'R1 and R2 personalities swapped', none, true),
  'replication-split': replication('replication-split', 'replication suspended, both sides read/write', (a) => ({
    name: StepName.ReplicationEstablish,
    args: { rdfGroup: a.rdfGroup },
  })),
  'replication-establish': replication('replication-establish', 'replication R1 → R2 resumed (incremental)', (a) => ({
    name: StepName.ReplicationSplit,
    args: { rdfGroup: a.rdfGroup },
  })),
};

function describeCheck(c: PreflightCheck): string {
  switch (c.check) {
    case 'agent-up':
      return `agent on ${c.host} answers`;
    case 'zone-state':
      return `zone on ${c.host} is ${c.allow.join(' or ')}`;
    case 'storage-visible':
      return `${c.host} sees ${c.kind} ${c.group}`;
    case 'storage-imported':
      return `${c.kind} ${c.group} imported on ${c.host}`;
    case 'deltas-accepted':
      return `attach deltas ${c.fromHost} → ${c.toHost} all accepted`;
    case 'path-present':
      return `${c.path} exists on ${c.host}`;
    case 'replication-state':
      return `SRDF ${c.rdfGroup} is ${c.allow.join(' or ')} (seen from ${c.host})`;
  }
}

export function isStepName(value: string): value is StepName {
  return Object.prototype.hasOwnProperty.call(STEP_CATALOG, value);
}

export function stepSpec<N extends StepName>(name: N): StepSpec<N> {
  return STEP_CATALOG[name] as StepSpec<N>;
}

/** The agent request for an agent step: what the sequencer sends, with its Mutation. */
export interface AgentCall {
  rpc: StepRpc;
  mutates: boolean;
  request: AgentRequestByRpc[StepRpc];
}

/**
 * Builds the call for a planned step (or undo) by name from its journalled args. null
 * for coordinator steps, which the sequencer carries out itself. The casts are the
 * correlated-union gap in TypeScript: name and args belong together by construction
 * (PlannedStep in run-plan.ts).
 */
export function buildAgentCall<N extends StepName>(name: N, args: StepArgs[N], mutation: Mutation): AgentCall | null {
  const spec = STEP_CATALOG[name] as StepSpec<N>;
  if (spec.side !== 'agent') return null;
  return { rpc: spec.rpc, mutates: spec.mutates, request: spec.build(args, mutation) };
}

/** The catalogue's default undo of a step with these args, on its own host. */
export function defaultUndo<N extends StepName>(name: N, args: StepArgs[N]): UndoSpec | null {
  return (STEP_CATALOG[name] as StepSpec<N>).undo(args);
}

export function describeStep<N extends StepName>(name: N, args: StepArgs[N], ctx: StepContext): string {
  return (STEP_CATALOG[name] as StepSpec<N>).describe(args, ctx);
}
