// Loads and validates the coordinator's inventory file (YAML or JSON). Every problem is
// collected, each naming the file, the line and the field path, and thrown as one
// ConfigError: nothing is returned, so nothing is applied, from an invalid file.
import path from 'node:path';
import { openConfig, type ConfigReader } from '../../shared/config/load-config.js';
import { checkInventoryRules } from './inventory-rules.js';
import { TIMING_KEYS, readPolicy, readTiming } from './read-policy.js';
import { readHosts, readSites, readStorageGroups, type Items } from './read-topology.js';
import { readZones } from './read-zones.js';
import {
  BUILTIN_HEALTH_CHECK,
  BUILTIN_POLICY,
  INVENTORY_VERSION,
  type HealthCheckTiming,
  type Inventory,
  type ZonePolicy,
} from './inventory-schema.js';

export { ConfigError } from '../../shared/config/load-config.js';

const TOP_KEYS = ['version', 'defaults', 'sites', 'hosts', 'storageGroups', 'zones'];

function readDefaults(c: ConfigReader): { policy: ZonePolicy; healthCheck: HealthCheckTiming } {
  if (!c.mapping('defaults', ['policy', 'healthCheck'])) return { policy: BUILTIN_POLICY, healthCheck: BUILTIN_HEALTH_CHECK };
  const policy = readPolicy(c, 'defaults.policy', BUILTIN_POLICY);
  const healthCheck = c.mapping('defaults.healthCheck', [...TIMING_KEYS]) ? readTiming(c, 'defaults.healthCheck', BUILTIN_HEALTH_CHECK) : BUILTIN_HEALTH_CHECK;
  return { policy, healthCheck };
}

/** Only reached once the reader found no problem, so every item is present. */
function present<T>(items: Items<T>): T[] {
  return items.filter((x): x is T => x !== undefined);
}

export function loadInventory(file: string): Inventory {
  const c = openConfig(file);
  if (!c.mapping('', TOP_KEYS, { required: true })) c.finish();
  const version = c.number('version', { integer: true });
  if (Number.isInteger(version) && version !== INVENTORY_VERSION) c.problem('version', `this coordinator reads inventory version ${INVENTORY_VERSION}, not ${version}`);

  const defaults = readDefaults(c);
  const sites = readSites(c, defaults.policy);
  const hosts = readHosts(c);
  const storageGroups = readStorageGroups(c);
  const siteByHost = new Map(present(hosts).map((h) => [h.name, h.site]));
  const siteByName = new Map(present(sites).map((s) => [s.name, s]));
  const zones = readZones(c, {
    policyBase: (primary) => siteByName.get(siteByHost.get(primary ?? '') ?? '')?.policy ?? defaults.policy,
    healthCheck: defaults.healthCheck,
  });
  checkInventoryRules(c, { sites, hosts, storageGroups, zones });
  c.finish();

  return {
    file: path.resolve(file),
    version,
    sites: present(sites),
    hosts: present(hosts),
    storageGroups: present(storageGroups),
    zones: present(zones).map((z) => ({ ...z, twins: present(z.twins), remaps: present(z.remaps) })),
    defaults,
  };
}
