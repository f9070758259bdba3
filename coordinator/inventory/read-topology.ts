// Reading the sites, hosts and storage groups of an inventory, field by field. Each list
// keeps its indices (an unusable item is undefined) so the cross-checks can name the
// exact item a problem is in.
import type { ConfigReader } from '../../shared/config/load-config.js';
import { parseEndpoint } from '../../shared/validate/host-name.js';
import { requireDatasetName, requirePoolName, requireRdfGroupName, requireVxName } from '../../shared/validate/storage-names.js';
import { checkWith, readHostName, readPath, readSiteName, reportDuplicates } from './field-checks.js';
import { readPolicy } from './read-policy.js';
import {
  Machine,
  ReplicationMode,
  StorageKind,
  VOLUME_FSTYPES,
  type Host,
  type Replication,
  type Site,
  type StorageGroup,
  type Volume,
  type ZonePolicy,
} from './inventory-schema.js';

export type Items<T> = (T | undefined)[];

export function readSites(c: ConfigReader, global: ZonePolicy): Items<Site> {
  const sites: Items<Site> = [];
  const count = c.list('sites', { nonEmpty: true });
  for (let i = 0; i < count; i++) {
    const p = `sites.${i}`;
    if (!c.mapping(p, ['name', 'witness', 'policy'], { required: true })) {
      sites.push(undefined);
      continue;
    }
    sites.push({
      name: readSiteName(c, `${p}.name`),
      witness: c.boolean(`${p}.witness`, { default: false }),
      policy: readPolicy(c, `${p}.policy`, global),
    });
  }
  return sites;
}

export function readHosts(c: ConfigReader): Items<Host> {
  const hosts: Items<Host> = [];
  const count = c.list('hosts', { nonEmpty: true });
  for (let i = 0; i < count; i++) {
    const p = `hosts.${i}`;
    if (!c.mapping(p, ['name', 'site', 'agent', 'machine'], { required: true })) {
      hosts.push(undefined);
      continue;
    }
    const agent = c.string(`${p}.agent`);
    if (agent !== '') {
      const endpoint = parseEndpoint(agent);
      if (typeof endpoint === 'string') c.problem(`${p}.agent`, `${JSON.stringify(agent)}: ${endpoint}`);
    }
    const machine = c.raw(`${p}.machine`) === undefined ? undefined : c.oneOf(`${p}.machine`, Object.values(Machine));
    hosts.push({
      name: readHostName(c, `${p}.name`),
      site: c.string(`${p}.site`),
      agent,
      ...(machine !== undefined && { machine }),
    });
  }
  return hosts;
}

function readVolume(c: ConfigReader, p: string, group: string, kind: StorageKind): Volume | undefined {
  if (!c.mapping(p, ['name', 'fstype', 'mountPoint', 'vfstabOptions'], { required: true })) return undefined;
  const name = c.string(`${p}.name`);
  if (kind === 'vxdg') checkWith(c, `${p}.name`, name, requireVxName, 'volume name');
  else {
    checkWith(c, `${p}.name`, name, requireDatasetName, 'dataset name');
    // A pool's datasets are named below it; anything else would be another pool's.
    if (name !== '' && group !== '' && name !== group && !name.startsWith(`${group}/`)) {
      c.problem(`${p}.name`, `dataset ${JSON.stringify(name)} is not in pool ${group} (expected ${group}/...)`);
    }
  }
  const fstypes = VOLUME_FSTYPES[kind];
  const fstype = c.oneOf(`${p}.fstype`, fstypes, { default: fstypes[0] }) ?? fstypes[0];
  return {
    name,
    fstype,
    mountPoint: readPath(c, `${p}.mountPoint`),
    // One vfstab column: blanks would shift every column after it.
    vfstabOptions: c.string(`${p}.vfstabOptions`, { default: '-', pattern: /^\S+$/, hint: 'must be one vfstab column ("-" or comma-separated options, no blanks)' }),
  };
}

function readReplication(c: ConfigReader, p: string): Replication | undefined {
  if (!c.mapping(p, ['rdfGroup', 'r2Site', 'mode', 'lagMsHint'])) return undefined;
  const rdfGroup = c.string(`${p}.rdfGroup`);
  checkWith(c, `${p}.rdfGroup`, rdfGroup, requireRdfGroupName, 'rdfGroup');
  return {
    rdfGroup,
    r2Site: c.string(`${p}.r2Site`),
    mode: c.oneOf(`${p}.mode`, Object.values(ReplicationMode), { default: 'async' }) ?? 'async',
    lagMsHint: c.number(`${p}.lagMsHint`, { default: 0, min: 0, max: 86_400_000, integer: true }),
  };
}

export function readStorageGroups(c: ConfigReader): Items<StorageGroup> {
  const groups: Items<StorageGroup> = [];
  // Two volumes mounted on one path in a site would land on top of each other on the
  // host that imports both groups.
  const mountPoints: { path: string; key: string }[] = [];
  const count = c.list('storageGroups');
  for (let i = 0; i < count; i++) {
    const p = `storageGroups.${i}`;
    if (!c.mapping(p, ['name', 'kind', 'site', 'volumes', 'replication'], { required: true })) {
      groups.push(undefined);
      continue;
    }
    const kind = c.oneOf(`${p}.kind`, Object.values(StorageKind));
    const name = c.string(`${p}.name`);
    const site = c.string(`${p}.site`);
    const volumeCount = c.list(`${p}.volumes`, { nonEmpty: true });
    if (kind === undefined) {
      // Names and volumes are checked by the rules of their kind; without one, stop here.
      groups.push(undefined);
      continue;
    }
    checkWith(c, `${p}.name`, name, kind === 'vxdg' ? requireVxName : requirePoolName, kind === 'vxdg' ? 'disk group name' : 'pool name');
    const volumes: Volume[] = [];
    const volumeNames: { path: string; key: string }[] = [];
    for (let v = 0; v < volumeCount; v++) {
      const volume = readVolume(c, `${p}.volumes.${v}`, name, kind);
      if (!volume) continue;
      volumes.push(volume);
      volumeNames.push({ path: `${p}.volumes.${v}.name`, key: volume.name });
      if (volume.mountPoint !== '') mountPoints.push({ path: `${p}.volumes.${v}.mountPoint`, key: `${volume.mountPoint} in site ${site}` });
    }
    reportDuplicates(c, volumeNames, 'volume');
    const replication = readReplication(c, `${p}.replication`);
    groups.push({ name, kind, site, volumes, ...(replication && { replication }) });
  }
  reportDuplicates(c, mountPoints, 'mount point');
  return groups;
}
