// The coordinator's configuration file (YAML or JSON). The inventory is a file of its own
// (operators edit it; this file says where it is); the database path comes from --db so
// one configuration can serve a standby copy with its own file.
//
//   listen: 0.0.0.0:7430             # the Control (and Leases) endpoint
//   inventory: /etc/twinzone/inventory.yaml   # relative paths are from this file
//   leases: { marginMs: 5000, graceMs: 30000 }
//   logLevel: info
import path from 'node:path';
import { openConfig } from '../shared/config/load-config.js';

export interface CoordinatorConfig {
  listen: string;
  /** Absolute path of the inventory file. */
  inventory: string;
  leases: {
    /** Past a lease's expiry, how long a `halt` holder gets to finish self-fencing before a grant elsewhere. */
    marginMs: number;
    /** After a restart, the least time a held lease gets to be renewed (agents could not renew while we were down). */
    graceMs: number;
  };
  logLevel: string;
}

/** The CLI's default endpoint is 127.0.0.1 on this port (cli/control-client.ts). */
export const DEFAULT_CONTROL_PORT = 7430;
const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

export function loadCoordinatorConfig(file: string): CoordinatorConfig {
  const c = openConfig(file);
  c.onlyKeys('', ['listen', 'inventory', 'leases', 'logLevel']);
  const listen = c.string('listen', { default: `0.0.0.0:${DEFAULT_CONTROL_PORT}`, pattern: /^[^\s]+:\d{1,5}$/, hint: 'must be HOST:PORT' });
  const inventory = c.string('inventory', { default: '' });
  if (inventory === '') c.problem('inventory', 'is required: the path of the inventory file');
  c.onlyKeys('leases', ['marginMs', 'graceMs']);
  const marginMs = c.number('leases.marginMs', { default: 5_000, min: 0, integer: true });
  const graceMs = c.number('leases.graceMs', { default: 30_000, min: 0, integer: true });
  const logLevel = c.string('logLevel', { default: 'info' });
  if (!LEVELS.includes(logLevel)) c.problem('logLevel', `must be one of ${LEVELS.join(', ')}`);
  c.finish();
  return { listen, inventory: path.resolve(path.dirname(file), inventory), leases: { marginMs, graceMs }, logLevel };
}
