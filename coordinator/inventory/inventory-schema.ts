// The coordinator's inventory: the sites, hosts, storage and zones it manages, which
// hosts hold a twin of each zone, and the policies that govern them. This is the model
// after loading: every name and path validated, every reference resolved to something
// that exists, every default applied (load-inventory.ts). The file format uses the same
// field names (camelCase), so an error's field path is also the path in this model.

import type { Hook } from '../hooks/hook-spec.js';

/** The format version this loader reads; a breaking change in the file format bumps it. */
export const INVENTORY_VERSION = 1;

export const StorageKind = { Vxdg: 'vxdg', Zpool: 'zpool' } as const;
export type StorageKind = (typeof StorageKind)[keyof typeof StorageKind];

export const Brand = { Solaris8: 'solaris8', Solaris9: 'solaris9', Native: 'native' } as const;
export type Brand = (typeof Brand)[keyof typeof Brand];

export const Machine = { Sun4u: 'sun4u', Sun4v: 'sun4v', I86pc: 'i86pc' } as const;
export type Machine = (typeof Machine)[keyof typeof Machine];

/**
 * primary: where the zone normally runs. bc: a twin in the primary's site, on the shared
 * SAN (switchover/failover). dr: a twin in another site, on replicated storage.
 */
export const TwinRole = { Primary: 'primary', Bc: 'bc', Dr: 'dr' } as const;
export type TwinRole = (typeof TwinRole)[keyof typeof TwinRole];

/** DESIGN "Leases and fencing": what a holder does when it loses its lease. */
export const LeaseLossPolicy = { Halt: 'halt', Freeze: 'freeze' } as const;
export type LeaseLossPolicy = (typeof LeaseLossPolicy)[keyof typeof LeaseLossPolicy];

/** DESIGN "Health checks and automation": when a cross-site failover may start by itself. */
export const DrMode = { Manual: 'manual', Connected: 'connected', Auto: 'auto' } as const;
export type DrMode = (typeof DrMode)[keyof typeof DrMode];

/** Whether automation may start runs for a zone by itself (README "Automation"). */
export const AutomationMode = { On: 'on', Off: 'off' } as const;
export type AutomationMode = (typeof AutomationMode)[keyof typeof AutomationMode];

/** A twin found live outside a run (I1 at risk): raise an alarm only, or also halt it. */
export const ConcurrencyResponse = { Alarm: 'alarm', HaltIntruder: 'halt-intruder' } as const;
export type ConcurrencyResponse = (typeof ConcurrencyResponse)[keyof typeof ConcurrencyResponse];

export const ReplicationMode = { Sync: 'sync', Async: 'async' } as const;
export type ReplicationMode = (typeof ReplicationMode)[keyof typeof ReplicationMode];

export const HealthCheckKind = { ZoneState: 'zone-state', Tcp: 'tcp', Http: 'http', Zlogin: 'zlogin' } as const;
export type HealthCheckKind = (typeof HealthCheckKind)[keyof typeof HealthCheckKind];

/** File-system types a volume of each storage kind can carry. */
export const VOLUME_FSTYPES = { vxdg: ['vxfs', 'ufs'], zpool: ['zfs'] } as const satisfies Record<StorageKind, readonly string[]>;
export type VolumeFstype = (typeof VOLUME_FSTYPES)[StorageKind][number];

/** File-system types of a zone's `add fs` resources that twinzone moves with the zone. */
export const ZONE_FS_TYPES = ['lofs', 'vxfs', 'ufs', 'zfs'] as const;
export type ZoneFsType = (typeof ZONE_FS_TYPES)[number];

export interface Site {
  name: string;
  /**
   * A witness site holds no twins and no storage; its view of the other sites decides
   * `dr: connected` (failover across sites only while the witness still sees the DR site).
   */
  witness: boolean;
  /** The policy zones whose primary twin is in this site start from (global defaults + this site's). */
  policy: ZonePolicy;
  /** Run hooks for every zone whose primary twin is in this site (README "Hooks"). */
  hooks: Hook[];
}

export interface Host {
  name: string;
  site: string;
  /** The agent's gRPC address, HOST:PORT. */
  agent: string;
  machine?: Machine;
}

export interface Volume {
  /** A Veritas volume name (vxdg) or a dataset below the pool (zpool). */
  name: string;
  fstype: VolumeFstype;
  /** Where the volume is mounted in the global zone of the host holding the group. */
  mountPoint: string;
  /** The vfstab mount-options column ("-" for none); mount at boot is always "no" for shared storage. */
  vfstabOptions: string;
}

export interface Replication {
  /** The SRDF device group (`symrdf -g`). */
  rdfGroup: string;
  /** The site holding the R2 (replica) side; the group's own site holds R1. */
  r2Site: string;
  mode: ReplicationMode;
  /** The lag operators expect; reported with the RPO, never used as a bound. */
  lagMsHint: number;
}

export interface StorageGroup {
  name: string;
  kind: StorageKind;
  /** The site whose SAN holds the group (the R1 side when replicated). */
  site: string;
  volumes: Volume[];
  replication?: Replication;
}

export interface ZoneService {
  /** Where the application answers (the zone's address; 127.0.0.1 in the lab). */
  address: string;
  port: number;
  httpPath?: string;
}

/** One `add fs` resource of the zone: special (global zone) appears at dir (inside the zone). */
export interface ZoneFs {
  dir: string;
  special: string;
  type: ZoneFsType;
  options: string[];
}

export interface Twin {
  host: string;
  role: TwinRole;
}

/** Mirrors agent.proto NetRemap: rewrite a net resource when the zone lands on this host. */
export interface NetRemap {
  fromPhysical: string;
  toPhysical: string;
  /** A new address (address/prefix) for another site; absent: unchanged. */
  address?: string;
  defrouter?: string;
}

/** Mirrors agent.proto DeviceRemap: rewrite `add device` match patterns on this host. */
export interface DeviceRemap {
  fromMatch: string;
  toMatch: string;
}

export interface HostRemaps {
  host: string;
  net: NetRemap[];
  devices: DeviceRemap[];
}

export interface HealthCheckTiming {
  intervalMs: number;
  timeoutMs: number;
  /** Consecutive failures before the check counts as failed. */
  failureThreshold: number;
}

export interface ZoneStateCheck extends HealthCheckTiming {
  kind: 'zone-state';
}

export interface TcpCheck extends HealthCheckTiming {
  kind: 'tcp';
  /** Default: the zone's service address and port. */
  address: string;
  port: number;
}

export interface HttpCheck extends HealthCheckTiming {
  kind: 'http';
  /** Default: the zone's service port. */
  port: number;
  /** Default: the service's httpPath, else "/". */
  path: string;
  /** 0: any 2xx (agent.proto HttpProbe). */
  expectStatus: number;
}

export interface ZloginCheck extends HealthCheckTiming {
  kind: 'zlogin';
  argv: string[];
  expectExitCode: number;
}

export type HealthCheck = ZoneStateCheck | TcpCheck | HttpCheck | ZloginCheck;

export interface ZonePolicy {
  leaseTtlMs: number;
  leaseLossPolicy: LeaseLossPolicy;
  /** Added to a lease's expiry before it may be granted elsewhere (clock rate differences, fencing time). */
  safetyMarginMs: number;
  /** Restarts in place within restartWindowMs before failing over inside the site. */
  restartLimit: number;
  restartWindowMs: number;
  dr: DrMode;
  /** For dr connected|auto: how long the primary site must be lost before the failover starts. */
  autoAfterMs: number;
  /** off: automation only records what it would have done (automation.held). */
  automation: AutomationMode;
  /** No automatic run for the zone within this time after its last run ended. */
  holdOffMs: number;
  /** flapLimit automatic moves within flapWindowMs freeze the zone (until `twinzone unfreeze`). */
  flapLimit: number;
  flapWindowMs: number;
  onConcurrencyViolation: ConcurrencyResponse;
}

export interface Zone {
  name: string;
  brand: Brand;
  zonepath: string;
  service: ZoneService;
  /** The storage group holding the zone's application data (by name). */
  storageGroup: string;
  /**
   * A file on the zone's data volume, as the global zone of the holder sees it, to which
   * the application appends one line per write (a journal, a record log). An upgrade's
   * data rollback reports how many lines it discarded; absent: no count.
   */
  dataLog?: string;
  fs: ZoneFs[];
  /** 1 moves first in a site-wide DR run (priority waves), 5 last. */
  priority: number;
  twins: Twin[];
  remaps: HostRemaps[];
  healthChecks: HealthCheck[];
  policy: ZonePolicy;
  /** This zone's own run hooks; its site's run before them (coordinator/hooks/run-hooks.ts). */
  hooks: Hook[];
  /** The DR drill's copy: its address (CIDR), zone name (default <zone>-drill) and interface (default the DR twin's). */
  drill?: ZoneDrill;
}

export interface ZoneDrill {
  address: string;
  name?: string;
  interface?: string;
}

export interface Inventory {
  /** The file it was loaded from (absolute). */
  file: string;
  version: number;
  sites: Site[];
  hosts: Host[];
  storageGroups: StorageGroup[];
  zones: Zone[];
  defaults: { policy: ZonePolicy; healthCheck: HealthCheckTiming };
}

/**
 * The agent renews every TTL/3 and a renewal may not be scheduled sooner than this after
 * the previous one (a slower event loop or a GC pause must not cost the lease).
 */
export const RENEWAL_FLOOR_MS = 500;
/** A TTL below three renewal floors leaves no room for a single late renewal. */
export const LEASE_TTL_MIN_MS = 3 * RENEWAL_FLOOR_MS;

export const BUILTIN_POLICY: ZonePolicy = {
  leaseTtlMs: 15_000,
  leaseLossPolicy: 'halt',
  safetyMarginMs: 5_000,
  restartLimit: 3,
  restartWindowMs: 600_000,
  // Every anchor ships cross-site failover as an operator's decision (DESIGN).
  dr: 'manual',
  autoAfterMs: 60_000,
  automation: 'on',
  // A minute lets the health of a zone that just moved or restarted settle before the
  // next automatic decision about it.
  holdOffMs: 60_000,
  flapLimit: 3,
  flapWindowMs: 3_600_000,
  // The cluster products leave the intruder alone by default (DESIGN); halting is opt-in.
  onConcurrencyViolation: 'alarm',
};

export const BUILTIN_HEALTH_CHECK: HealthCheckTiming = { intervalMs: 5_000, timeoutMs: 2_000, failureThreshold: 3 };
export const DEFAULT_PRIORITY = 3;
