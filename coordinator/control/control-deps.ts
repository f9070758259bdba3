// What the Control service works with: the coordinator's ports (store, agents), its
// lease manager and sequencer, the inventory it was started with, and a clock.
import type { Clock } from '../../shared/time/clock.js';
import type { Logger } from '../../shared/log/create-logger.js';
import type { AgentPool } from '../agents/agent-pool.js';
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
}

/**
 * Who is asking. Every Control caller is "operator" until the CLI presents client
 * certificates whose subject can name the person; the peer address is recorded beside it.
 */
export const OPERATOR = 'operator';
