// What the Control service works with: the coordinator's ports (store, agents), its
// lease manager and sequencer, the inventory it was started with, and a clock.
import type { CallContext } from '../../shared/grpc/call-context.js';
import type { Clock } from '../../shared/time/clock.js';
import type { Logger } from '../../shared/log/create-logger.js';
import type { AgentPool } from '../agents/agent-pool.js';
import type { HealthView } from '../health/health-view.js';
import type { Inventory } from '../inventory/inventory-schema.js';
import type { LeaseManager } from '../leases/lease-manager.js';
import type { RunSequencer } from '../runs/sequencer-api.js';
import type { Store } from '../store/open-database.js';

export interface ControlDeps {
  store: Store;
  leases: LeaseManager;
  agents: AgentPool;
  inventory: Inventory;
  sequencer: RunSequencer;
  clock: Clock;
  log: Logger;
  /** Probe results and host health (coordinator/health); absent in tests that do not need them. */
  health?: HealthView;
  /** Site runs (site-runs/site-run.ts): runs at once inside a wave unless asked, and the sequencer's limit. */
  siteRunConcurrency?: number;
  maxConcurrentRuns?: number;
}

/**
 * Who is asking when no one can be known: a coordinator run --insecure has no client
 * certificates to name the caller; the peer address is recorded beside it.
 */
export const OPERATOR = 'operator';

/** Who is asking: the name on the caller's certificate (the audit log's "who"). */
export function whoOf(ctx: CallContext): string {
  return ctx.caller?.name ?? OPERATOR;
}
