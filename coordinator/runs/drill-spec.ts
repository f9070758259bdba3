// What a DR drill's steps carry (journalled with each step, and kept with every
// run_artifacts row the drill writes, so that `twinzone drill --cleanup` can take a drill
// apart from the database alone, even after the coordinator died in the middle of it).
import type { HealthCheck, ZoneService } from '../inventory/inventory-schema.js';

export interface DrillSpec {
  /** The production zone drilled (its DR twin is copied, never changed). */
  zone: string;
  /** The DR host: the DR twin's host in the drilled site. */
  host: string;
  site: string;
  /** The drill zone's name (default <zone>-drill). */
  drillZone: string;
  zonepath: string;
  /** The drill zone's net address (CIDR) and interface ('' = the DR twin's). */
  address: string;
  physical: string;
  rdfGroup: string;
  /** The production disk group (its R2 devices are cloned). */
  diskGroup: string;
  /** The clone's disk group name on the DR host. */
  cloneGroup: string;
  volumes: { name: string; fstype: string; mountPoint: string }[];
  /** Production mount points → drill mount points, for the zone's fs specials. */
  fsRemaps: { from: string; to: string }[];
  /** The zone's checks aimed at the drill copy (its address; zone state and zlogin of the drill zone). */
  service: ZoneService;
  checks: HealthCheck[];
  checksTimeoutMs: number;
  /** The lease holder when the drill was planned: the attach deltas accepted for holder → DR host let the drill copy attach. */
  deltasFrom: string | null;
  /** Names the drill must never act on (the inventory's zones and storage groups). */
  protectedZones: string[];
  protectedGroups: string[];
}
