// The one place the daemon gets its run sequencer from. Everything else (main.ts, the
// Control service) sees only the RunSequencer interface (runs/sequencer-api.ts), so a
// different sequencer (a test double, a sharded one) is a change here alone.
import type { Clock } from '../shared/time/clock.js';
import type { Logger } from '../shared/log/create-logger.js';
import type { AgentPool } from './agents/agent-pool.js';
import type { Inventory } from './inventory/inventory-schema.js';
import type { LeaseManager } from './leases/lease-manager.js';
import { Sequencer } from './runs/sequencer.js';
import type { RunSequencer } from './runs/sequencer-api.js';
import type { Store } from './store/open-database.js';

/** What a sequencer is built from: the coordinator's ports and its inventory. */
export interface SequencerDeps {
  store: Store;
  leases: LeaseManager;
  agents: AgentPool;
  inventory: Inventory;
  clock: Clock;
  log: Logger;
}

export function createRunSequencer(deps: SequencerDeps): RunSequencer {
  return new Sequencer({ store: deps.store, leases: deps.leases, pool: deps.agents, inventory: deps.inventory, clock: deps.clock, log: deps.log });
}
