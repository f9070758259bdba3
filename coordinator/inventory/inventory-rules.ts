// The checks across sections: every reference names something that exists, names are
// unique, and each zone's twins and storage make sense together (DESIGN: a BC twin shares
// the primary's SAN; a DR twin sits in another site on the replica of the zone's storage).
import type { ConfigReader } from '../../shared/config/load-config.js';
import { reportDuplicates } from './field-checks.js';
import type { Items } from './read-topology.js';
import type { ZoneDraft } from './read-zones.js';
import type { Host, Site, StorageGroup } from './inventory-schema.js';

export interface InventoryDraft {
  sites: Items<Site>;
  hosts: Items<Host>;
  storageGroups: Items<StorageGroup>;
  zones: Items<ZoneDraft>;
}

function names<T extends { name: string }>(items: Items<T>, section: string): { path: string; key: string }[] {
  return items.flatMap((item, i) => (item ? [{ path: `${section}.${i}.name`, key: item.name }] : []));
}

function known(map: Map<string, unknown>): string {
  return [...map.keys()].join(', ') || 'none';
}

export function checkInventoryRules(c: ConfigReader, d: InventoryDraft): void {
  for (const [items, section, what] of [
    [d.sites, 'sites', 'site'],
    [d.hosts, 'hosts', 'host'],
    [d.storageGroups, 'storageGroups', 'storage group'],
    [d.zones, 'zones', 'zone'],
  ] as const) {
    reportDuplicates(c, names<{ name: string }>(items, section), what);
  }
  const sites = new Map(d.sites.flatMap((s) => (s && s.name !== '' ? [[s.name, s] as const] : [])));
  const hosts = new Map(d.hosts.flatMap((h) => (h && h.name !== '' ? [[h.name, h] as const] : [])));
  const groups = new Map(d.storageGroups.flatMap((g) => (g && g.name !== '' ? [[g.name, g] as const] : [])));
  const isWitness = (site: string) => sites.get(site)?.witness === true;

  d.hosts.forEach((h, i) => {
    if (h && h.site !== '' && !sites.has(h.site)) c.problem(`hosts.${i}.site`, `unknown site ${JSON.stringify(h.site)} (sites: ${known(sites)})`);
  });

  d.storageGroups.forEach((g, i) => {
    if (!g) return;
    const p = `storageGroups.${i}`;
    if (g.site !== '' && !sites.has(g.site)) c.problem(`${p}.site`, `unknown site ${JSON.stringify(g.site)} (sites: ${known(sites)})`);
    else if (isWitness(g.site)) c.problem(`${p}.site`, `site ${g.site} is a witness site and holds no storage`);
    const r2 = g.replication?.r2Site;
    if (r2 === undefined || r2 === '') return;
    if (!sites.has(r2)) c.problem(`${p}.replication.r2Site`, `unknown site ${JSON.stringify(r2)} (sites: ${known(sites)})`);
    else if (r2 === g.site) c.problem(`${p}.replication.r2Site`, `is the group's own site ${g.site}; the replica must be in another site`);
    else if (isWitness(r2)) c.problem(`${p}.replication.r2Site`, `site ${r2} is a witness site and holds no storage`);
  });

  checkZones(c, d, { sites, hosts, groups });
  checkDrConnected(c, d, [...sites.values()].some((s) => s.witness));
}

interface Lookup {
  sites: Map<string, Site>;
  hosts: Map<string, Host>;
  groups: Map<string, StorageGroup>;
}

function checkZones(c: ConfigReader, d: InventoryDraft, { sites, hosts, groups }: Lookup): void {
  const zonepaths: { path: string; key: string }[] = [];
  const endpoints: { path: string; key: string }[] = [];
  // One group per zone: twinzone moves a zone with its storage, so a group shared by two
  // zones would be taken from under the other one (I2 is per group).
  const groupUsers: { path: string; key: string }[] = [];

  d.zones.forEach((z, i) => {
    if (!z) return;
    const p = `zones.${i}`;
    zonepaths.push({ path: `${p}.zonepath`, key: z.zonepath });
    if (z.service.address !== '' && Number.isFinite(z.service.port)) endpoints.push({ path: `${p}.service`, key: `${z.service.address}:${z.service.port}` });
    groupUsers.push({ path: `${p}.storageGroup`, key: z.storageGroup });

    reportDuplicates(c, z.twins.flatMap((t, j) => (t ? [{ path: `${p}.twins.${j}.host`, key: t.host }] : [])), 'twin host');
    const siteOf = (host: string) => hosts.get(host)?.site;
    z.twins.forEach((t, j) => {
      if (!t || t.host === '') return;
      if (!hosts.has(t.host)) c.problem(`${p}.twins.${j}.host`, `unknown host ${JSON.stringify(t.host)} (hosts: ${known(hosts)})`);
      else if (sites.get(siteOf(t.host) ?? '')?.witness) c.problem(`${p}.twins.${j}.host`, `${t.host} is in witness site ${siteOf(t.host)!}, which holds no twins`);
    });

    const primaries = z.twins.flatMap((t, j) => (t?.role === 'primary' ? [{ t, j }] : []));
    if (primaries.length === 0 && z.twins.every((t) => t !== undefined)) c.problem(`${p}.twins`, `zone ${z.name} has no twin with role primary`);
    for (const { t, j } of primaries.slice(1)) {
      c.problem(`${p}.twins.${j}.role`, `zone ${z.name} has two twins with role primary (${primaries[0]!.t.host} and ${t.host}); exactly one is`);
    }
    const primary = primaries.length === 1 ? primaries[0]!.t : undefined;
    const primarySite = primary ? siteOf(primary.host) : undefined;
    const group = groups.get(z.storageGroup);

    if (primarySite !== undefined) {
      z.twins.forEach((t, j) => {
        const site = t ? siteOf(t.host) : undefined;
        if (!t || site === undefined) return;
        if (t.role === 'dr' && site === primarySite) {
          c.problem(`${p}.twins.${j}.role`, `DR twin on ${t.host} is in site ${site}, the primary's site; a twin in the same site has role bc`);
        } else if (t.role === 'bc' && site !== primarySite) {
          c.problem(`${p}.twins.${j}.role`, `BC twin on ${t.host} is in site ${site}, not the primary's site ${primarySite}; a twin in another site has role dr`);
        } else if (t.role === 'dr' && group && group.replication?.r2Site !== site) {
          c.problem(`${p}.twins.${j}.role`, `DR twin on ${t.host} in site ${site} needs storage group ${group.name} replicated to ${site} (replication.r2Site)`);
        }
      });
    }

    if (z.storageGroup !== '' && !group) {
      c.problem(`${p}.storageGroup`, `unknown storage group ${JSON.stringify(z.storageGroup)} (groups: ${known(groups)})`);
    } else if (group && group.site !== '' && sites.has(group.site)) {
      const twinSites = [...new Set(z.twins.flatMap((t) => (t && siteOf(t.host) ? [siteOf(t.host)!] : [])))];
      if (!twinSites.includes(group.site)) {
        c.problem(`${p}.storageGroup`, `storage group ${group.name} is in site ${group.site}, where zone ${z.name} has no twin (twins in ${twinSites.join(', ') || 'no known site'})`);
      } else if (primarySite !== undefined && primarySite !== group.site) {
        c.problem(`${p}.storageGroup`, `storage group ${group.name} is in site ${group.site}, but the primary twin ${primary!.host} is in ${primarySite}`);
      }
    }

    reportDuplicates(c, z.remaps.flatMap((r, j) => (r ? [{ path: `${p}.remaps.${j}.host`, key: r.host }] : [])), 'remap host');
    const twinHosts = new Set(z.twins.flatMap((t) => (t ? [t.host] : [])));
    z.remaps.forEach((r, j) => {
      if (r && r.host !== '' && !twinHosts.has(r.host)) c.problem(`${p}.remaps.${j}.host`, `${r.host} holds no twin of zone ${z.name} (twins: ${[...twinHosts].join(', ')})`);
    });
  });

  reportDuplicates(c, zonepaths, 'zonepath');
  reportDuplicates(c, endpoints, 'service address:port');
  reportDuplicates(c, groupUsers, 'storage group (each zone needs its own)');
}

/** `dr: connected` needs a third site's view of the DR site; say so where it is set. */
function checkDrConnected(c: ConfigReader, d: InventoryDraft, hasWitness: boolean): void {
  if (hasWitness) return;
  const layers = ['defaults.policy', ...d.sites.map((_, i) => `sites.${i}.policy`), ...d.zones.map((_, i) => `zones.${i}.policy`)];
  for (const layer of layers) {
    if (c.raw(`${layer}.dr`) === 'connected') c.problem(`${layer}.dr`, 'connected needs a witness site (a site with witness: true) to see the DR site');
  }
}
