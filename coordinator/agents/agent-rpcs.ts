// The Agent RPCs as the coordinator's client sees them: which may be retried and how
// long each may take. Both are tables so a reader can check them against agent.proto,
// and test/contract/retry-table.test.ts checks the retry table against the proto's
// idempotency_level options (the table is the executable copy of those options).

export const AGENT_RPCS = [
  'GetHostFacts', 'ListZones', 'GetZone',
  'ShutdownZone', 'HaltZone', 'ReadyZone', 'BootZone', 'DetachZone', 'AttachZone',
  'CreateZoneFromDetached', 'ConvertZone', 'DeleteZoneConfig', 'PrepareZonepath',
  'ImportStorage', 'DeportStorage', 'MountFs', 'UnmountFs', 'ListMounts',
  'SnapshotAction', 'QueryReplication', 'ReplicationAction',
  'StreamZonepathOut', 'ReceiveZonepath', 'PullZonepath', 'CreateArchiveFile', 'ExtractArchiveFile',
  'StreamArchiveFileOut', 'PullArchiveFile', 'GetTransferProgress',
  'RunProbe', 'GetOperationResult', 'RunHook', 'DrillAction',
] as const;

export type AgentRpc = (typeof AGENT_RPCS)[number];

/** The streams are agent-to-agent (PullZonepath and PullArchiveFile drive them); the coordinator never opens one. */
export type UnaryAgentRpc = Exclude<AgentRpc, 'StreamZonepathOut' | 'ReceiveZonepath' | 'StreamArchiveFileOut'>;

/**
 * - `read-only`: NO_SIDE_EFFECTS in the proto; a repeat changes nothing.
 * - `by-op-id`: IDEMPOTENT in the proto and carries `Mutation`; a repeat with the same
 *   op id is answered from the agent's record of the first (or joins it while it runs).
 * - `never`: no such guarantee; a failure goes straight to the caller.
 */
export type RetryClass = 'read-only' | 'by-op-id' | 'never';

export const RPC_RETRY = {
  GetHostFacts: 'read-only',
  ListZones: 'read-only',
  GetZone: 'read-only',
  ShutdownZone: 'by-op-id',
  HaltZone: 'by-op-id',
  ReadyZone: 'by-op-id',
  BootZone: 'by-op-id',
  DetachZone: 'by-op-id',
  AttachZone: 'by-op-id',
  CreateZoneFromDetached: 'by-op-id',
  ConvertZone: 'by-op-id',
  DeleteZoneConfig: 'by-op-id',
  PrepareZonepath: 'by-op-id',
  ImportStorage: 'by-op-id',
  DeportStorage: 'by-op-id',
  MountFs: 'by-op-id',
  UnmountFs: 'by-op-id',
  ListMounts: 'read-only',
  SnapshotAction: 'by-op-id',
  QueryReplication: 'read-only',
  ReplicationAction: 'by-op-id',
  // A half-consumed stream cannot be replayed by resending a request.
  StreamZonepathOut: 'never',
  ReceiveZonepath: 'never',
  PullZonepath: 'by-op-id',
  CreateArchiveFile: 'by-op-id',
  ExtractArchiveFile: 'by-op-id',
  StreamArchiveFileOut: 'never',
  PullArchiveFile: 'by-op-id',
  GetTransferProgress: 'read-only',
  RunProbe: 'read-only',
  GetOperationResult: 'read-only',
  // A hook runs each time it is asked: a lost answer is the hook's failure, never a second run.
  RunHook: 'never',
  DrillAction: 'by-op-id',
} as const satisfies Record<AgentRpc, RetryClass>;

/**
 * What a call's deadline is made of. Each is a budget for work on the agent, so the
 * agent's own command timeout fires first and its answer (COMMAND_TIMEOUT with the
 * killed command's record) reaches us, rather than our deadline cutting it off blind.
 */
export interface DeadlineBudgets {
  /** Reads that parse one or two quick commands (zoneadm list, mnttab, symrdf query). */
  readMs: number;
  /** GetHostFacts: `showrev -p` walks the whole patch database and `df` every path asked. */
  hostFactsMs: number;
  /**
   * One mutating operation: the agent's default command timeout (120 s, agent.yaml
   * timeouts.defaultMs) plus the zone-state reads around the command.
   */
  operationMs: number;
  /** pax over a whole zonepath: the agent's pax timeout (README: 21600000 ms, 6 h). */
  archiveMs: number;
  /** Added to derived deadlines for the network and the agent's own bookkeeping. */
  slackMs: number;
}

export const DEFAULT_DEADLINE_BUDGETS: DeadlineBudgets = {
  readMs: 15_000,
  hostFactsMs: 60_000,
  operationMs: 150_000,
  archiveMs: 6 * 60 * 60_000,
  slackMs: 15_000,
};

/** The agent's defaults when a request leaves its timeout at 0 (proto: ShutdownZone 60 s; agent probe 5 s). */
export const AGENT_DEFAULT_SHUTDOWN_TIMEOUT_MS = 60_000;
export const AGENT_DEFAULT_PROBE_TIMEOUT_MS = 5_000;

/** The agent's default when RunHook leaves its timeout at 0 (agent/ops/hook-ops.ts). */
export const AGENT_DEFAULT_HOOK_TIMEOUT_MS = 60_000;

export type DeadlineKind = 'read' | 'host-facts' | 'probe' | 'operation' | 'shutdown' | 'archive' | 'hook';

export const RPC_DEADLINE = {
  GetHostFacts: 'host-facts',
  ListZones: 'read',
  GetZone: 'read',
  ShutdownZone: 'shutdown',
  HaltZone: 'operation',
  ReadyZone: 'operation',
  BootZone: 'operation',
  DetachZone: 'operation',
  AttachZone: 'operation',
  CreateZoneFromDetached: 'operation',
  ConvertZone: 'operation',
  DeleteZoneConfig: 'operation',
  PrepareZonepath: 'operation',
  ImportStorage: 'operation',
  DeportStorage: 'operation',
  MountFs: 'operation',
  UnmountFs: 'operation',
  ListMounts: 'read',
  SnapshotAction: 'operation',
  QueryReplication: 'read',
  ReplicationAction: 'operation',
  PullZonepath: 'archive',
  CreateArchiveFile: 'archive',
  ExtractArchiveFile: 'archive',
  PullArchiveFile: 'archive',
  GetTransferProgress: 'read',
  RunProbe: 'probe',
  GetOperationResult: 'read',
  RunHook: 'hook',
  // Its create-zone copies the twin's zonepath with pax.
  DrillAction: 'archive',
} as const satisfies Record<UnaryAgentRpc, DeadlineKind>;

/**
 * The deadline of one attempt of RPC with this request: derived from the operation,
 * never one global number (a graceful shutdown may legitimately take its own timeout
 * plus a halt; a health read must not).
 */
export function deadlineFor(rpc: UnaryAgentRpc, request: unknown, budgets: DeadlineBudgets): number {
  const ownTimeout = (request as { timeoutMs?: number } | undefined)?.timeoutMs;
  const given = (fallback: number) => (ownTimeout !== undefined && ownTimeout > 0 ? ownTimeout : fallback);
  switch (RPC_DEADLINE[rpc]) {
    case 'read':
      return budgets.readMs;
    case 'host-facts':
      return budgets.hostFactsMs;
    case 'probe':
      return given(AGENT_DEFAULT_PROBE_TIMEOUT_MS) + budgets.slackMs;
    case 'operation':
      return budgets.operationMs + budgets.slackMs;
    case 'shutdown':
      // The agent waits up to the timeout for the zone to go down, then halts it.
      return given(AGENT_DEFAULT_SHUTDOWN_TIMEOUT_MS) + budgets.operationMs + budgets.slackMs;
    case 'archive':
      return budgets.archiveMs + budgets.slackMs;
    case 'hook':
      // The agent kills the hook at its timeout, with a grace for SIGKILL.
      return given(AGENT_DEFAULT_HOOK_TIMEOUT_MS) + budgets.slackMs;
  }
}
