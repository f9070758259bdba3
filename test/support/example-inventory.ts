// The operators' example inventory (deploy/inventory.example.yaml), loaded once: the
// bc-dr world the run-plan tests are written against.
import { loadInventory } from '../../coordinator/inventory/load-inventory.js';

export const exampleInventory = loadInventory(new URL('../../deploy/inventory.example.yaml', import.meta.url).pathname);
