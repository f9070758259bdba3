// The checks across sections: every reference names something that exists, names are
// unique, and each zone's twins and storage make sense together (DESIGN: a BC twin shares
// the primary's SAN; a DR twin sits in another site on the replica of the zone's storage).
import type { Salvaged } from '../../shared/config/config-fields.js';
import type { ConfigReader } from '../../shared/config/load-config.js';
import { checkHookHosts } from '../hooks/hook-file.js';
import type { InventoryFile } from './inventory-file.js';

/** What passed its field checks; every field may be missing where it did not. */
export type InventoryDraft = Salvaged<InventoryFile>;
type Item<L> = NonNullable<L> extends readonly (infer T)[] ? NonNullable<T> : never;

/** Reports every value that occurs twice in a list, at the second and later occurrences. */
export function reportDuplicates(c: ConfigReader, entries: { path: string; key: string | undefined }[], what: string): void {
  const first = new Map<string, string>();
  for (const { path, key } of entries) {
    if (key === undefined) continue;
    const earlier = first.get(key);
    if (earlier === undefined) first.set(key, path);
    else c.problem(path, `duplicate ${what} ${JSON.stringify(key)} (already at ${earlier})`);
  }
}

function names(items: ({ name?: string } | undefined)[] | undefined, section: string): { path: string; key: string | undefined }[] {
  return (items ?? []).map((item, i) => ({ path: `${section}.${i}.name`, key: item?.name }));
}

function known(map: Map<string, unknown>): string {
  return [...map.keys()].join(', ') || 'none';
}

function byName<T extends { name?: string }>(items: (T | undefined)[] | undefined): Map<string, T> {
  return new Map((items ?? []).flatMap((x) => (x?.name !== undefined ? [[x.name, x] as const] : [])));
}

export function checkInventoryRules(c: ConfigReader, d: InventoryDraft): void {
  for (const [items, section, what] of [
    [d.sites, 'sites', 'site'],
    [d.hosts, 'hosts', 'host'],
    [d.storageGroups, 'storageGroups', 'storage group'],
    [d.zones, 'zones', 'zone'],
  ] as const) {
    reportDuplicates(c, names(items, section), what);
  }
  const sites = byName(d.sites);
  const hosts = byName(d.hosts);
  const groups = byName(d.storageGroups);
  const isWitness = (site: string) => sites.get(site)?.witness === true;

  d.hosts?.forEach((h, i) => {
    if (h?.site !== undefined && !sites.has(h.site)) c.problem(`hosts.${i}.site`, `unknown site ${JSON.stringify(h.site)} (sites: ${known(sites)})`);
  });

  // Two volumes mounted on one path in a site would land on top of each other on the
  // host that imports both groups.
  const mountPoints: { path: string; key: string | undefined }[] = [];
  d.storageGroups?.forEach((g, i) => {
    if (!g) return;
    const p = `storageGroups.${i}`;
    const volumes = g.volumes ?? [];
    reportDuplicates(c, volumes.map((v, j) => ({ path: `${p}.volumes.${j}.name`, key: v?.name })), 'volume');
    volumes.forEach((v, j) => mountPoints.push({ path: `${p}.volumes.${j}.mountPoint`, key: v?.mountPoint === undefined ? undefined : `${v.mountPoint} in site ${g.site ?? ''}` }));
    if (g.site === undefined) return;
    if (!sites.has(g.site)) c.problem(`${p}.site`, `unknown site ${JSON.stringify(g.site)} (sites: ${known(sites)})`);
    else if (isWitness(g.site)) c.problem(`${p}.site`, `site ${g.site} is a witness site and holds no storage`);
    const r2 = g.replication?.r2Site;
    if (r2 === undefined) return;
    if (!sites.has(r2)) c.problem(`${p}.replication.r2Site`, `unknown site ${JSON.stringify(r2)} (sites: ${known(sites)})`);
    else if (r2 === g.site) c.problem(`${p}.replication.r2Site`, `is the group's own site ${g.site}; the replica must be in another site`);
    else if (isWitness(r2)) c.problem(`${p}.replication.r2Site`, `site ${r2} is a witness site and holds no storage`);
  });
  reportDuplicates(c, mountPoints, 'mount point');

  checkZones(c, d, { sites, hosts, groups });
  checkHookHosts(c, new Set(hosts.keys()), [
    ...(d.sites ?? []).map((s, i) => ({ at: `sites.${i}.hooks`, hooks: s?.hooks })),
    ...(d.zones ?? []).map((z, i) => ({ at: `zones.${i}.hooks`, hooks: z?.hooks })),
  ]);
  checkDrConnected(c, d, [...sites.values()].some((s) => s.witness === true));
}

interface Lookup {
  sites: Map<string, Item<InventoryDraft['sites']>>;
  hosts: Map<string, Item<InventoryDraft['hosts']>>;
  groups: Map<string, Item<InventoryDraft['storageGroups']>>;
}

function checkZones(c: ConfigReader, d: InventoryDraft, { sites, hosts, groups }: Lookup): void {
  const zonepaths: { path: string; key: string | undefined }[] = [];
  const endpoints: { path: string; key: string | undefined }[] = [];
  // One group per zone: twinzone moves a zone with its storage, so a group shared by two
  // zones would be taken from under the other one (I2 is per group).
  const groupUsers: { path: string; key: string | undefined }[] = [];

  d.zones?.forEach((z, i) => {
    if (!z) return;
    const p = `zones.${i}`;
    const twins = z.twins ?? [];
    zonepaths.push({ path: `${p}.zonepath`, key: z.zonepath });
    const { address, port } = z.service ?? {};
    endpoints.push({ path: `${p}.service`, key: address !== undefined && port !== undefined ? `${address}:${port}` : undefined });
    groupUsers.push({ path: `${p}.storageGroup`, key: z.storageGroup });
    reportDuplicates(c, (z.fs ?? []).map((f, j) => ({ path: `${p}.fs.${j}.dir`, key: f?.dir })), 'file system directory');

    reportDuplicates(c, twins.map((t, j) => ({ path: `${p}.twins.${j}.host`, key: t?.host })), 'twin host');
    const siteOf = (host: string | undefined) => hosts.get(host ?? '')?.site;
    twins.forEach((t, j) => {
      if (t?.host === undefined) return;
      if (!hosts.has(t.host)) c.problem(`${p}.twins.${j}.host`, `unknown host ${JSON.stringify(t.host)} (hosts: ${known(hosts)})`);
      else if (sites.get(siteOf(t.host) ?? '')?.witness) c.problem(`${p}.twins.${j}.host`, `${t.host} is in witness site ${siteOf(t.host)!}, which holds no twins`);
    });

    const primaries = twins.flatMap((t, j) => (t?.role === 'primary' ? [{ host: t.host ?? '?', j }] : []));
    if (primaries.length === 0 && twins.length > 0 && twins.every((t) => t?.role !== undefined)) c.problem(`${p}.twins`, `zone ${z.name ?? i} has no twin with role primary`);
    for (const { host, j } of primaries.slice(1)) {
      c.problem(`${p}.twins.${j}.role`, `zone ${z.name ?? i} has two twins with role primary (${primaries[0]!.host} and ${host}); exactly one is`);
    }
    const primary = primaries.length === 1 ? primaries[0]!.host : undefined;
    const primarySite = siteOf(primary);
    const group = groups.get(z.storageGroup ?? '');

    if (primarySite !== undefined) {
      twins.forEach((t, j) => {
        const site = siteOf(t?.host);
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

    if (z.storageGroup !== undefined && !group) {
      c.problem(`${p}.storageGroup`, `unknown storage group ${JSON.stringify(z.storageGroup)} (groups: ${known(groups)})`);
    } else if (group?.site !== undefined && sites.has(group.site)) {
      const twinSites = [...new Set(twins.flatMap((t) => (siteOf(t?.host) !== undefined ? [siteOf(t?.host)!] : [])))];
      if (!twinSites.includes(group.site)) {
        c.problem(`${p}.storageGroup`, `storage group ${group.name} is in site ${group.site}, where zone ${z.name ?? i} has no twin (twins in ${twinSites.join(', ') || 'no known site'})`);
      } else if (primarySite !== undefined && primarySite !== group.site) {
        c.problem(`${p}.storageGroup`, `storage group ${group.name} is in site ${group.site}, but the primary twin ${primary!} is in ${primarySite}`);
      }
    }

    const remaps = z.remaps ?? [];
    reportDuplicates(c, remaps.map((r, j) => ({ path: `${p}.remaps.${j}.host`, key: r?.host })), 'remap host');
    const twinHosts = new Set(twins.flatMap((t) => (t?.host !== undefined ? [t.host] : [])));
    remaps.forEach((r, j) => {
      if (r?.host !== undefined && !twinHosts.has(r.host)) c.problem(`${p}.remaps.${j}.host`, `${r.host} holds no twin of zone ${z.name ?? i} (twins: ${[...twinHosts].join(', ')})`);
    });
  });

  reportDuplicates(c, zonepaths, 'zonepath');
  reportDuplicates(c, endpoints, 'service address:port');
  reportDuplicates(c, groupUsers, 'storage group (each zone needs its own)');
}

/** `dr: connected` needs a third site's view of the DR site; say so where it is set. */
function checkDrConnected(c: ConfigReader, d: InventoryDraft, hasWitness: boolean): void {
  if (hasWitness) return;
  const layers = ['defaults.policy', ...(d.sites ?? []).map((_, i) => `sites.${i}.policy`), ...(d.zones ?? []).map((_, i) => `zones.${i}.policy`)];
  for (const layer of layers) {
    if (c.raw(`${layer}.dr`) === 'connected') c.problem(`${layer}.dr`, 'connected needs a witness site (a site with witness: true) to see the DR site');
  }
}
