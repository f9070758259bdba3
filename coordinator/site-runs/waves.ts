// Which zones a site-wide run moves and in which waves (DESIGN "Health checks and
// automation": priority groups as SRM's): the zones living in the site being left that
// have a twin in the site they go to, grouped by their inventory priority, 1 first.
// Pure: the caller reads the leases.
import type { Inventory, Zone } from '../inventory/inventory-schema.js';
import type { Lease } from '../leases/lease-rules.js';

export interface WaveZone {
  zone: string;
  priority: number;
  /** The twin it moves to. */
  target: string;
}

export interface Wave {
  priority: number;
  zones: string[];
  /** zone → the twin it moves to. */
  targets: Record<string, string>;
}

/** A zone of the site that the run leaves alone, and why. */
export interface LeftOut {
  zone: string;
  why: string;
}

export interface SiteSelection {
  waves: Wave[];
  leftOut: LeftOut[];
}

function siteOfHost(inventory: Inventory): (host: string | null | undefined) => string | undefined {
  const sites = new Map(inventory.hosts.map((h) => [h.name, h.site]));
  return (host) => (host ? sites.get(host) : undefined);
}

/**
 * Where a zone lives now: its lease holder's site while the lease is held, migrating or
 * expired (a lost site's leases expire), else its primary twin's site.
 */
export function homeSite(inventory: Inventory, zone: Zone, lease: Lease | undefined): string | undefined {
  const siteOf = siteOfHost(inventory);
  if (lease && lease.holder && lease.state !== 'free' && lease.state !== 'released') return siteOf(lease.holder);
  return siteOf(zone.twins.find((t) => t.role === 'primary')?.host);
}

/**
 * The zones of FROM with a twin to go to: in TO when named, else a DR twin in another
 * site. Zones of other sites are not mentioned; zones of FROM without such a twin are
 * left out with the reason, as are those not in ONLY when it is given.
 */
export function selectSiteZones(
  inventory: Inventory,
  fromSite: string,
  toSite: string | undefined,
  leaseOf: (zone: string) => Lease | undefined,
  only?: readonly string[],
): SiteSelection {
  const siteOf = siteOfHost(inventory);
  const moving: WaveZone[] = [];
  const leftOut: LeftOut[] = [];
  for (const zone of inventory.zones) {
    if (homeSite(inventory, zone, leaseOf(zone.name)) !== fromSite) continue;
    if (only && !only.includes(zone.name)) {
      leftOut.push({ zone: zone.name, why: 'not asked for in this site run' });
      continue;
    }
    const candidates = zone.twins.filter((t) => {
      const s = siteOf(t.host);
      return s !== fromSite && (toSite ? s === toSite : t.role === 'dr');
    });
    // Back to a site with two twins (a return after a DR run): the primary one, where the zone normally runs.
    const twin = candidates.find((t) => t.role === 'primary') ?? candidates[0];
    if (twin) moving.push({ zone: zone.name, priority: zone.priority, target: twin.host });
    else leftOut.push({ zone: zone.name, why: toSite ? `no twin in site ${toSite}` : 'no DR twin in another site' });
  }
  return { waves: groupWaves(moving), leftOut };
}

/** Priority 1 first; inside a wave, zones in name order (stable runs and reports). */
export function groupWaves(zones: readonly WaveZone[]): Wave[] {
  const byPriority = new Map<number, WaveZone[]>();
  for (const z of zones) byPriority.set(z.priority, [...(byPriority.get(z.priority) ?? []), z]);
  return [...byPriority.entries()]
    .sort(([a], [b]) => a - b)
    .map(([priority, members]) => ({
      priority,
      zones: members.map((m) => m.zone).sort(),
      targets: Object.fromEntries(members.map((m) => [m.zone, m.target])),
    }));
}
