// A zone of the inventory by name in constant time. The policy engine, the health monitor
// and the Leases edge look zones up once per zone per tick or per renewal; a linear find
// made that quadratic, which at 10,000 zones held the event loop for seconds (bench
// "store"). The index is built once per inventory object: a reload replaces the object.
import type { Inventory, Zone } from './inventory-schema.js';

const indexes = new WeakMap<readonly Zone[], Map<string, Zone>>();

export function findZone(inventory: Pick<Inventory, 'zones'>, name: string): Zone | undefined {
  let index = indexes.get(inventory.zones);
  // A size mismatch means someone changed the array in place (tests build inventories by hand).
  if (!index || index.size !== inventory.zones.length) {
    index = new Map();
    for (const z of inventory.zones) if (!index.has(z.name)) index.set(z.name, z); // the first, as find() would
    indexes.set(inventory.zones, index);
  }
  return index.get(name);
}
