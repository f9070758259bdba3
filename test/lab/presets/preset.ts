// A lab preset is data: sites, hosts, SAN disk groups, replication and zones. The
// builder (create-lab.ts) turns it into simulated hosts by running the simulated
// commands, the way an administrator would have set the machines up.
import type { PatchRecord } from '../../solsim/src/state/host-config.js';

export interface PresetHost {
  host: string;
  site: string;
  machine: 'sun4u' | 'sun4v';
  /** Patches beyond the common baseline, or other revisions of baseline ones. */
  extraPatches?: PatchRecord[];
  /** Baseline patch ids this host lacks. */
  missingPatches?: string[];
  /** Packages at another version than the baseline (name → version). */
  packageVersions?: Record<string, string>;
}

export interface PresetDiskGroup {
  site: string;
  name: string;
  volumes: string[];
}

export interface PresetZpool {
  site: string;
  name: string;
  /** Datasets below the pool; mountpoint a path, 'legacy' or 'none'. */
  datasets: { name: string; mountpoint?: string }[];
}

export interface PresetReplication {
  rdfGroup: string;
  diskGroup: string;
  r1Site: string;
  r2Site: string;
  lagMs: number;
}

export interface PresetZone {
  name: string;
  brand: 'solaris8';
  zonepath: string;
  /** Service address inside the zone (shared-IP). */
  address: string;
  /** Where the zone's data volume is mounted in the global zone, and looped into the zone at /data. */
  dataMount: string;
  dataGroup: string;
  /** A Veritas volume of dataGroup, or (dataKind zpool) a dataset of the pool dataGroup whose mountpoint is dataMount. */
  dataVolume: string;
  /** Default vxdg. zpool: the data is a ZFS dataset, snapshots work (rolling upgrade). */
  dataKind?: 'vxdg' | 'zpool';
  /** The host it runs on. */
  primary: string;
  /** Hosts holding an installed-then-detached copy (the zone's twins). */
  twins: string[];
  /** Milliseconds between two application records. */
  appIntervalMs: number;
  /** False: the image carries no application, so booting it starts no process (many-zone labs). */
  app?: boolean;
  /** Bytes of the image's one large file (default 1 MiB). */
  imageBytes?: number;
  /** The inventory's priority (site-wide runs move 1 first); absent: the inventory default. */
  priority?: number;
}

export interface LabPreset {
  name: string;
  description: string;
  hosts: PresetHost[];
  diskGroups: PresetDiskGroup[];
  /** ZFS pools on the site's SAN, imported nowhere at first (snapshot and clone work). */
  zpools: PresetZpool[];
  replication: PresetReplication[];
  zones: PresetZone[];
  /**
   * The inventory names as twins only the hosts holding a copy (primary and twins), not
   * every host of the sites: many-zone labs, where a site run must pick each zone's own
   * DR twin rather than ask which of several.
   */
  installedTwinsOnly?: boolean;
}
