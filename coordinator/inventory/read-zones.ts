// Reading the zones of an inventory: identity, service, storage, the `add fs` resources
// that move with the zone, twins, per-host remaps, health checks and policy. References
// to hosts, sites and groups are resolved afterwards (inventory-rules.ts).
import net from 'node:net';
import type { ConfigReader } from '../../shared/config/load-config.js';
import { readAddress, readHostName, readPath, readZoneName, reportDuplicates } from './field-checks.js';
import { readHealthChecks } from './read-health-checks.js';
import { readPolicy } from './read-policy.js';
import type { Items } from './read-topology.js';
import {
  Brand,
  DEFAULT_PRIORITY,
  TwinRole,
  ZONE_FS_TYPES,
  type DeviceRemap,
  type HealthCheckTiming,
  type HostRemaps,
  type NetRemap,
  type Twin,
  type Zone,
  type ZoneFs,
  type ZonePolicy,
  type ZoneService,
} from './inventory-schema.js';

const ZONE_KEYS = ['name', 'brand', 'zonepath', 'service', 'storageGroup', 'fs', 'priority', 'twins', 'remaps', 'healthChecks', 'policy'];
// Solaris interface names: driver name then instance (bge0, e1000g0), optionally a logical unit.
const INTERFACE = /^[a-z][a-z0-9_]*[0-9]+(?::[0-9]+)?$/;
// zonecfg `add device` match patterns: device paths with shell-style wildcards.
const DEVICE_MATCH = /^\/dev\/[A-Za-z0-9._,+=@:/*?[\]-]+$/;
// Mount options are one comma-separated column each; keep them to what mount -o takes.
const MOUNT_OPTION = /^[A-Za-z0-9_.=/-]+$/;

function readService(c: ConfigReader, p: string): ZoneService {
  if (!c.mapping(p, ['address', 'port', 'httpPath'], { required: true })) return { address: '', port: Number.NaN };
  const address = readAddress(c, `${p}.address`);
  const port = c.number(`${p}.port`, { min: 1, max: 65535, integer: true });
  const httpPath = c.optionalString(`${p}.httpPath`);
  if (httpPath !== undefined && !/^\/\S*$/.test(httpPath)) c.problem(`${p}.httpPath`, `${JSON.stringify(httpPath)} must be a URL path starting with "/"`);
  return { address, port, ...(httpPath !== undefined && { httpPath }) };
}

function readFs(c: ConfigReader, p: string): ZoneFs[] {
  const result: ZoneFs[] = [];
  const dirs: { path: string; key: string }[] = [];
  const count = c.list(p);
  for (let i = 0; i < count; i++) {
    const q = `${p}.${i}`;
    if (!c.mapping(q, ['dir', 'special', 'type', 'options'], { required: true })) continue;
    const options = c.stringList(`${q}.options`);
    options.forEach((o, j) => {
      if (!MOUNT_OPTION.test(o)) c.problem(`${q}.options.${j}`, `${JSON.stringify(o)} is not a mount option`);
    });
    const entry: ZoneFs = {
      dir: readPath(c, `${q}.dir`),
      special: readPath(c, `${q}.special`),
      type: c.oneOf(`${q}.type`, ZONE_FS_TYPES, { default: 'lofs' }) ?? 'lofs',
      options,
    };
    dirs.push({ path: `${q}.dir`, key: entry.dir });
    result.push(entry);
  }
  reportDuplicates(c, dirs, 'file system directory');
  return result;
}

function readTwins(c: ConfigReader, p: string): Items<Twin> {
  const twins: Items<Twin> = [];
  const count = c.list(p, { nonEmpty: true });
  for (let i = 0; i < count; i++) {
    const q = `${p}.${i}`;
    if (!c.mapping(q, ['host', 'role'], { required: true })) {
      twins.push(undefined);
      continue;
    }
    const host = readHostName(c, `${q}.host`);
    const role = c.oneOf(`${q}.role`, Object.values(TwinRole));
    twins.push(role === undefined ? undefined : { host, role });
  }
  return twins;
}

function readIpWithPrefix(c: ConfigReader, path: string): string | undefined {
  const v = c.optionalString(path);
  if (v === undefined) return undefined;
  const [ip, prefix, extra] = v.split('/');
  const prefixOk = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (net.isIPv6(ip ?? '') ? 128 : 32));
  if (extra !== undefined || net.isIP(ip ?? '') === 0 || !prefixOk) c.problem(path, `${JSON.stringify(v)} is not an IP address (optionally /prefix)`);
  return v;
}

function readNetRemap(c: ConfigReader, q: string): NetRemap | undefined {
  if (!c.mapping(q, ['fromPhysical', 'toPhysical', 'address', 'defrouter'], { required: true })) return undefined;
  const hint = 'is not an interface name (driver and instance, e.g. bge0, e1000g0)';
  const address = readIpWithPrefix(c, `${q}.address`);
  const defrouter = c.optionalString(`${q}.defrouter`);
  if (defrouter !== undefined && net.isIP(defrouter) === 0) c.problem(`${q}.defrouter`, `${JSON.stringify(defrouter)} is not an IP address`);
  return {
    fromPhysical: c.string(`${q}.fromPhysical`, { pattern: INTERFACE, hint }),
    toPhysical: c.string(`${q}.toPhysical`, { pattern: INTERFACE, hint }),
    ...(address !== undefined && { address }),
    ...(defrouter !== undefined && { defrouter }),
  };
}

function readDeviceRemap(c: ConfigReader, q: string): DeviceRemap | undefined {
  if (!c.mapping(q, ['fromMatch', 'toMatch'], { required: true })) return undefined;
  const hint = 'is not a device match (a /dev/... path, wildcards allowed)';
  return {
    fromMatch: c.string(`${q}.fromMatch`, { pattern: DEVICE_MATCH, hint }),
    toMatch: c.string(`${q}.toMatch`, { pattern: DEVICE_MATCH, hint }),
  };
}

function readRemaps(c: ConfigReader, p: string): Items<HostRemaps> {
  const remaps: Items<HostRemaps> = [];
  const count = c.list(p);
  for (let i = 0; i < count; i++) {
    const q = `${p}.${i}`;
    if (!c.mapping(q, ['host', 'net', 'devices'], { required: true })) {
      remaps.push(undefined);
      continue;
    }
    const host = readHostName(c, `${q}.host`);
    const netRemaps: NetRemap[] = [];
    for (let j = 0, n = c.list(`${q}.net`); j < n; j++) {
      const r = readNetRemap(c, `${q}.net.${j}`);
      if (r) netRemaps.push(r);
    }
    const devices: DeviceRemap[] = [];
    for (let j = 0, n = c.list(`${q}.devices`); j < n; j++) {
      const r = readDeviceRemap(c, `${q}.devices.${j}`);
      if (r) devices.push(r);
    }
    remaps.push({ host, net: netRemaps, devices });
  }
  return remaps;
}

/** A zone as read, with its twins and remaps still indexed for the cross-checks. */
export interface ZoneDraft extends Omit<Zone, 'twins' | 'remaps'> {
  twins: Items<Twin>;
  remaps: Items<HostRemaps>;
}

export interface ZoneContext {
  /** The policy layer below the zone's own: its primary twin's site's, or the global one. */
  policyBase(primaryHost: string | undefined): ZonePolicy;
  healthCheck: HealthCheckTiming;
}

export function readZones(c: ConfigReader, ctx: ZoneContext): Items<ZoneDraft> {
  const zones: Items<ZoneDraft> = [];
  const count = c.list('zones');
  for (let i = 0; i < count; i++) {
    const p = `zones.${i}`;
    if (!c.mapping(p, ZONE_KEYS, { required: true })) {
      zones.push(undefined);
      continue;
    }
    const name = readZoneName(c, `${p}.name`);
    const brand = c.oneOf(`${p}.brand`, Object.values(Brand));
    const zonepath = readPath(c, `${p}.zonepath`);
    // zonecfg refuses "/" as a zonepath: the zone's root would be the global zone's.
    if (zonepath === '/') c.problem(`${p}.zonepath`, 'cannot be "/" (the zone root would be the global zone\'s)');
    const service = readService(c, `${p}.service`);
    const twins = readTwins(c, `${p}.twins`);
    const primary = twins.find((t) => t?.role === 'primary')?.host;
    const draft: Omit<ZoneDraft, 'brand'> = {
      name,
      zonepath,
      service,
      storageGroup: c.string(`${p}.storageGroup`),
      fs: readFs(c, `${p}.fs`),
      priority: c.number(`${p}.priority`, { default: DEFAULT_PRIORITY, min: 1, max: 5, integer: true }),
      twins,
      remaps: readRemaps(c, `${p}.remaps`),
      healthChecks: readHealthChecks(c, `${p}.healthChecks`, service, ctx.healthCheck),
      policy: readPolicy(c, `${p}.policy`, ctx.policyBase(primary)),
    };
    zones.push(brand === undefined ? undefined : { ...draft, brand });
  }
  return zones;
}
