// Loads and validates the coordinator's inventory file (YAML or JSON): the fields by the
// zod schemas of inventory-file.ts, then the checks across sections, then the policy and
// timing layers. Every problem is collected, each naming the file, the line and the field
// path, and thrown as one ConfigError: nothing is returned, so nothing is applied, from
// an invalid file.
import { salvage } from '../../shared/config/config-fields.js';
import { openConfig } from '../../shared/config/load-config.js';
import { InventoryFile } from './inventory-file.js';
import { checkInventoryRules } from './inventory-rules.js';
import type { Inventory } from './inventory-schema.js';
import { resolveInventory } from './resolve-inventory.js';

export { ConfigError } from '../../shared/config/load-config.js';

export function loadInventory(file: string): Inventory {
  const c = openConfig(file);
  if (c.raw('') === null || c.raw('') === undefined) c.problem('', 'the file is empty');
  c.finish();
  const parsed = c.parse('', InventoryFile);
  // The cross-section checks run on whatever passed, so one pass reports every problem.
  checkInventoryRules(c, salvage(InventoryFile, c.raw('')) ?? {});
  c.finish();
  const inventory = resolveInventory(c, parsed!);
  c.finish();
  return inventory;
}
