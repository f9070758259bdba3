// The inventory file as operators write it, as zod schemas: every field's type, range,
// default and Solaris naming rule. Policies and probe timings are partial layers here;
// resolve-inventory.ts stacks them into the model of inventory-schema.ts, and
// inventory-rules.ts checks what spans sections (references, uniqueness, twin roles).
import net from 'node:net';
import { z } from 'zod';
import { checkedBy, checkedText, fields, got, matching, text, wholeNumber } from '../../shared/config/config-fields.js';
import { addressProblem, hostNameProblem, parseEndpoint } from '../../shared/validate/host-name.js';
import { pathProblem } from '../../shared/validate/paths.js';
import { requireDatasetName, requirePoolName, requireRdfGroupName, requireVxName } from '../../shared/validate/storage-names.js';
import { describeZoneNameProblem, zoneNameProblem } from '../../shared/validate/zone-name.js';
import { HooksFile } from '../hooks/hook-file.js';
import {
  Brand,
  DEFAULT_PRIORITY,
  DrMode,
  INVENTORY_VERSION,
  LEASE_TTL_MIN_MS,
  LeaseLossPolicy,
  AutomationMode,
  ConcurrencyResponse,
  Machine,
  RENEWAL_FLOOR_MS,
  ReplicationMode,
  TwinRole,
  VOLUME_FSTYPES,
  ZONE_FS_TYPES,
} from './inventory-schema.js';

const HOUR_MS = 3_600_000;

// Sites appear only in twinzone's own records and messages, so the zone-name alphabet
// (no spaces, no shell characters) is enough.
const SITE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
// Solaris interface names: driver name then instance (bge0, e1000g0), optionally a logical unit.
const INTERFACE = /^[a-z][a-z0-9_]*[0-9]+(?::[0-9]+)?$/;
// zonecfg `add device` match patterns: device paths with shell-style wildcards.
const DEVICE_MATCH = /^\/dev\/[A-Za-z0-9._,+=@:/*?[\]-]+$/;
// Mount options are one comma-separated column each; keep them to what mount -o takes.
const MOUNT_OPTION = /^[A-Za-z0-9_.=/-]+$/;
const HTTP_PATH = /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/?-]*$/;

const quoted = (v: string, problem: string | null) => (problem === null ? null : `${JSON.stringify(v)} ${problem}`);

const siteName = () => matching(SITE_NAME, 'is not a site name (1-63 letters, digits, "_", "." and "-", starting with a letter or digit)');
const hostName = () => checkedText((n) => (hostNameProblem(n) === null ? null : `host name ${JSON.stringify(n)} ${hostNameProblem(n)!}`));
const address = () => checkedText((a) => quoted(a, addressProblem(a)));
/** A Solaris path: absolute, normalised, plain characters (shared/validate/paths.ts). */
const solarisPath = () => checkedText((p) => quoted(p, pathProblem(p)));
const port = () => wholeNumber(1, 65535);

function ipWithPrefixProblem(v: string): string | null {
  const [ip, prefix, extra] = v.split('/');
  const prefixOk = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (net.isIPv6(ip ?? '') ? 128 : 32));
  return extra !== undefined || net.isIP(ip ?? '') === 0 || !prefixOk ? `${JSON.stringify(v)} is not an IP address (optionally /prefix)` : null;
}

/** One policy layer (defaults, a site, a zone): only the fields it changes. */
export const PolicyLayer = fields({
  leaseTtlMs: wholeNumber(1, HOUR_MS)
    // The agent renews every TTL/3 and never sooner than the renewal floor after the last
    // renewal; a shorter TTL expires before a single late renewal can land.
    .refine((ms) => ms >= LEASE_TTL_MIN_MS, {
      error: (iss) => `${String(iss.input)} ms is shorter than ${LEASE_TTL_MIN_MS} ms (3 × the ${RENEWAL_FLOOR_MS} ms renewal floor): the agent renews every TTL/3`,
    })
    .optional(),
  leaseLossPolicy: z.enum(LeaseLossPolicy).optional(),
  safetyMarginMs: wholeNumber(0, HOUR_MS).optional(),
  restartLimit: wholeNumber(0, 100).optional(),
  restartWindowMs: wholeNumber(1_000, 24 * HOUR_MS).optional(),
  dr: z.enum(DrMode).optional(),
  autoAfterMs: wholeNumber(0, 24 * HOUR_MS).optional(),
  automation: z.enum(AutomationMode).optional(),
  holdOffMs: wholeNumber(0, 24 * HOUR_MS).optional(),
  flapLimit: wholeNumber(1, 100).optional(),
  flapWindowMs: wholeNumber(1_000, 7 * 24 * HOUR_MS).optional(),
  onConcurrencyViolation: z.enum(ConcurrencyResponse).optional(),
});
export type PolicyLayer = z.output<typeof PolicyLayer>;

/** Probe timing fields; each defaults to the layer below (defaults.healthCheck, then built-in). */
const timing = {
  intervalMs: wholeNumber(100, HOUR_MS).optional(),
  timeoutMs: wholeNumber(10, HOUR_MS).optional(),
  failureThreshold: wholeNumber(1, 100).optional(),
};
export const TimingLayer = fields(timing);
export type TimingLayer = z.output<typeof TimingLayer>;

const argvError = (iss: { input?: unknown; code?: string }) =>
  iss.input === undefined ? 'is required (the command to run inside the zone, as a list)' : iss.code === 'too_small' ? 'must name a command to run inside the zone' : undefined;

/** tcp and http checks default to the zone's service (resolve-inventory.ts). */
export const HealthCheckFile = z.discriminatedUnion('kind', [
  fields({ kind: z.literal('zone-state'), ...timing }),
  fields({ kind: z.literal('tcp'), ...timing, address: address().optional(), port: port().optional() }),
  fields({
    kind: z.literal('http'),
    ...timing,
    port: port().optional(),
    path: matching(HTTP_PATH, 'must be a URL path starting with "/"').optional(),
    // 0: any 2xx (agent.proto HttpProbe).
    expectStatus: wholeNumber(0, 599).default(0),
  }),
  fields({
    kind: z.literal('zlogin'),
    ...timing,
    argv: z
      .array(z.string(), { error: argvError })
      .min(1, { error: argvError })
      .refine((argv) => argv[0] !== '', { error: 'must name a command to run inside the zone' }),
    expectExitCode: wholeNumber(0, 255).default(0),
  }),
]);
export type HealthCheckFile = z.output<typeof HealthCheckFile>;

const site = fields({ name: siteName(), witness: z.boolean().default(false), policy: PolicyLayer.optional(), hooks: HooksFile });

const host = fields({
  name: hostName(),
  site: text(),
  /** The agent's gRPC address, HOST:PORT. */
  agent: checkedText((a) => {
    const endpoint = parseEndpoint(a);
    return typeof endpoint === 'string' ? `${JSON.stringify(a)}: ${endpoint}` : null;
  }),
  machine: z.enum(Machine).optional(),
});

function volume<const F extends readonly [string, ...string[]]>(name: z.ZodType<string>, fstypes: F) {
  return fields({
    name,
    fstype: z.enum(fstypes).default(fstypes[0]),
    mountPoint: solarisPath(),
    // One vfstab column: blanks would shift every column after it.
    vfstabOptions: matching(/^\S+$/, 'must be one vfstab column ("-" or comma-separated options, no blanks)').default('-'),
  });
}

const replication = fields({
  rdfGroup: checkedBy(requireRdfGroupName, 'rdfGroup'),
  r2Site: text(),
  mode: z.enum(ReplicationMode).default('async'),
  lagMsHint: wholeNumber(0, 86_400_000).default(0),
});

/** Names and volumes follow the rules of the group's kind. */
const storageGroup = z.discriminatedUnion('kind', [
  fields({
    name: checkedBy(requireVxName, 'disk group name'),
    kind: z.literal('vxdg'),
    site: text(),
    volumes: z.array(volume(checkedBy(requireVxName, 'volume name'), VOLUME_FSTYPES.vxdg)).min(1),
    replication: replication.optional(),
  }),
  fields({
    name: checkedBy(requirePoolName, 'pool name'),
    kind: z.literal('zpool'),
    site: text(),
    volumes: z.array(volume(checkedBy(requireDatasetName, 'dataset name'), VOLUME_FSTYPES.zpool)).min(1),
    replication: replication.optional(),
  }).superRefine((group, ctx) => {
    // A pool's datasets are named below it; anything else would be another pool's.
    group.volumes.forEach((v, i) => {
      if (v.name !== group.name && !v.name.startsWith(`${group.name}/`)) {
        ctx.addIssue({ code: 'custom', path: ['volumes', i, 'name'], message: `dataset ${JSON.stringify(v.name)} is not in pool ${group.name} (expected ${group.name}/...)` });
      }
    });
  }),
]);

const hint = { interface: 'is not an interface name (driver and instance, e.g. bge0, e1000g0)', device: 'is not a device match (a /dev/... path, wildcards allowed)' };

const hostRemaps = fields({
  host: hostName(),
  net: z
    .array(
      fields({
        fromPhysical: matching(INTERFACE, hint.interface),
        toPhysical: matching(INTERFACE, hint.interface),
        address: checkedText(ipWithPrefixProblem).optional(),
        defrouter: checkedText((v) => (net.isIP(v) === 0 ? `${JSON.stringify(v)} is not an IP address` : null)).optional(),
      }),
    )
    .default([]),
  devices: z.array(fields({ fromMatch: matching(DEVICE_MATCH, hint.device), toMatch: matching(DEVICE_MATCH, hint.device) })).default([]),
});

const zone = fields({
  name: checkedText((n) => {
    const problem = zoneNameProblem(n);
    return problem === null ? null : describeZoneNameProblem(n, problem);
  }),
  brand: z.enum(Brand),
  // zonecfg refuses "/" as a zonepath: the zone's root would be the global zone's.
  zonepath: solarisPath().refine((p) => p !== '/', { error: 'cannot be "/" (the zone root would be the global zone\'s)' }),
  service: fields({
    address: address(),
    port: port(),
    httpPath: matching(/^\/\S*$/, 'must be a URL path starting with "/"').optional(),
  }),
  storageGroup: text(),
  /** A file on the zone's data volume (global-zone path) the application appends one line per write to: an upgrade's data rollback reports how many it discards. */
  dataLog: solarisPath().optional(),
  fs: z
    .array(
      fields({
        dir: solarisPath(),
        special: solarisPath(),
        type: z.enum(ZONE_FS_TYPES).default('lofs'),
        options: z.array(matching(MOUNT_OPTION, 'is not a mount option')).default([]),
      }),
    )
    .default([]),
  /** 1 moves first in a site-wide DR run (priority waves), 5 last. */
  priority: wholeNumber(1, 5).default(DEFAULT_PRIORITY),
  twins: z.array(fields({ host: hostName(), role: z.enum(TwinRole) })).min(1),
  remaps: z.array(hostRemaps).default([]),
  /** Absent: the zone-state check alone. */
  healthChecks: z.array(HealthCheckFile).optional(),
  policy: PolicyLayer.optional(),
  /** Run hooks of this zone (README "Hooks"), after its site's. */
  hooks: HooksFile,
  /** The DR drill's copy (README "DR drill"): its own address (CIDR), and optionally its zone name and interface. */
  drill: fields({
    address: checkedText(ipWithPrefixProblem),
    name: checkedText((n) => {
      const problem = zoneNameProblem(n);
      return problem === null ? null : describeZoneNameProblem(n, problem);
    }).optional(),
    interface: matching(INTERFACE, hint.interface).optional(),
  }).optional(),
});

export const InventoryFile = fields({
  version: z
    .number({ error: (iss) => (iss.input === undefined ? 'is required' : `must be a whole number${got(iss.input)}`) })
    .int()
    .refine((v) => v === INVENTORY_VERSION, { error: (iss) => `this coordinator reads inventory version ${INVENTORY_VERSION}, not ${String(iss.input)}` }),
  defaults: fields({ policy: PolicyLayer.optional(), healthCheck: TimingLayer.optional() }).optional(),
  sites: z.array(site).min(1),
  hosts: z.array(host).min(1),
  storageGroups: z.array(storageGroup).default([]),
  zones: z.array(zone).default([]),
});
export type InventoryFile = z.output<typeof InventoryFile>;
