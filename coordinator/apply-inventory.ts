// The inventory into the store at start: hosts, zones (with the policy fields the lease
// rules read) and twins, in one transaction so a reader never sees half of a new file.
// An operator's confirm-down survives (host-store keeps it); leases are left as they are.
import type { Clock } from '../shared/time/clock.js';
import type { Inventory } from './inventory/inventory-schema.js';
import type { Store } from './store/open-database.js';

export function applyInventory(store: Store, inventory: Inventory, clock: Clock): void {
  store.transaction(() => {
    const nowMs = clock.nowMs();
    for (const h of inventory.hosts) store.hosts.upsert({ name: h.name, site: h.site, agentAddress: h.agent }, nowMs);
    for (const z of inventory.zones) {
      store.zones.upsert({ name: z.name, brand: z.brand, zonepath: z.zonepath, lossPolicy: z.policy.leaseLossPolicy, leaseTtlMs: z.policy.leaseTtlMs }, nowMs);
      store.zones.setTwins(z.name, z.twins);
    }
  });
}
