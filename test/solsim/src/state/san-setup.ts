// What the storage administrator and the array did before the hosts ever ran a
// command: disk groups and pools created on a site's SAN, SRDF pairs set up between
// two sites. Called by the lab harness; no simulated command creates storage.
import fs from 'node:fs';
import { readLabConfig } from './lab-config.js';
import { emptyPrState } from './pr-keys.js';
import type { GroupRecord, VolumeRecord } from './san.js';
import { datasetDir, groupDir, readGroup, volumeDir, withGroup, writeGroup } from './san.js';
import type { RdfGroupRecord } from './replication.js';
import { readRdfGroup, replicatingState, withRdfGroup, writeRdfGroup } from './replication.js';
import { rdfLinkRestored } from './rdf-actions.js';

export { volumeDir, datasetDir };

let counter = 0;

/** A stable-looking VxVM dgid: <seconds>.<sequence>.<host that created it>. */
function newDgid(lab: string, site: string): string {
  const creator = readLabConfig(lab).sites[site]?.hosts[0] ?? site;
  counter += 1;
  return `${Math.floor(Date.now() / 1000)}.${1024 + counter}.${creator}`;
}

function newGuid(): string {
  let guid = BigInt(Math.floor(Math.random() * 2 ** 31) + 1);
  for (let i = 0; i < 2; i += 1) guid = guid * 2n ** 31n + BigInt(Math.floor(Math.random() * 2 ** 31));
  return (guid % 2n ** 64n).toString();
}

export interface DiskGroupSpec {
  name: string;
  /** Volume names (vxfs), or volumes with their file system type. */
  volumes: (string | VolumeRecord)[];
}

export function defineDiskGroup(lab: string, site: string, spec: DiskGroupSpec): GroupRecord {
  const volumes = spec.volumes.map((v): VolumeRecord => (typeof v === 'string' ? { name: v, fstype: 'vxfs' } : v));
  return withGroup(lab, site, 'vxdg', spec.name, (existing) => {
    if (existing) throw new Error(`solsim: disk group ${spec.name} already exists on site ${site}`);
    const record: GroupRecord = {
      kind: 'vxdg', name: spec.name, id: newDgid(lab, site), hostLock: null, pr: emptyPrState(),
      volumes, datasets: {}, snapshots: {}, devices: [], sizeBytes: 0,
    };
    for (const v of volumes) fs.mkdirSync(volumeDir(lab, site, spec.name, v.name), { recursive: true, mode: 0o755 });
    writeGroup(lab, site, record);
    return record;
  });
}

export interface ZpoolSpec {
  name: string;
  /** Datasets below the pool (the pool's root dataset always exists); mountpoint 'legacy', 'none' or a path. */
  datasets: { name: string; mountpoint?: string }[];
  /** Capacity for zpool list (default 68G, a 73 GB disk). */
  sizeBytes?: number;
  devices?: string[];
}

export function defineZpool(lab: string, site: string, spec: ZpoolSpec): GroupRecord {
  return withGroup(lab, site, 'zpool', spec.name, (existing) => {
    if (existing) throw new Error(`solsim: pool ${spec.name} already exists on site ${site}`);
    const now = Date.now();
    const record: GroupRecord = {
      kind: 'zpool', name: spec.name, id: newGuid(), hostLock: null, pr: emptyPrState(), volumes: [],
      datasets: { [spec.name]: { createdAt: now } }, snapshots: {},
      devices: spec.devices ?? ['c2t0d0'], sizeBytes: spec.sizeBytes ?? 68 * 2 ** 30,
    };
    for (const ds of spec.datasets) {
      const name = ds.name.startsWith(spec.name + '/') ? ds.name : `${spec.name}/${ds.name}`;
      // Parents are created implicitly, as zfs create -p would.
      for (let p = name; p !== spec.name; p = p.slice(0, p.lastIndexOf('/'))) record.datasets[p] ??= { createdAt: now };
      if (ds.mountpoint !== undefined) record.datasets[name]!.mountpoint = ds.mountpoint;
    }
    for (const ds of Object.keys(record.datasets)) {
      fs.mkdirSync(datasetDir(lab, site, spec.name, ds), { recursive: true, mode: 0o755 });
    }
    fs.mkdirSync(groupDir(lab, site, 'zpool', spec.name) + '/snapshots', { recursive: true });
    writeGroup(lab, site, record);
    return record;
  });
}

export interface ReplicationSpec {
  rdfGroup: string;
  diskGroup: string;
  r1Site: string;
  r2Site: string;
  lagMs: number;
}

/** Pairs a disk group on r1Site with a (new, identical) copy on r2Site, replicating. */
export function defineReplication(lab: string, spec: ReplicationSpec): RdfGroupRecord {
  return withRdfGroup(lab, spec.rdfGroup, (existing) => {
    if (existing) throw new Error(`solsim: RDF group ${spec.rdfGroup} already exists`);
    const source = readGroup(lab, spec.r1Site, 'vxdg', spec.diskGroup);
    if (!source) throw new Error(`solsim: disk group ${spec.diskGroup} is not defined on site ${spec.r1Site}`);
    withGroup(lab, spec.r2Site, 'vxdg', spec.diskGroup, (target) => {
      if (target) return;
      writeGroup(lab, spec.r2Site, { ...source, hostLock: null, pr: emptyPrState() });
      for (const v of source.volumes) {
        fs.mkdirSync(volumeDir(lab, spec.r2Site, spec.diskGroup, v.name), { recursive: true, mode: 0o755 });
      }
    });
    const record: RdfGroupRecord = {
      name: spec.rdfGroup, diskGroup: spec.diskGroup, r1Site: spec.r1Site, r2Site: spec.r2Site,
      lagMs: spec.lagMs, state: replicatingState(spec.lagMs), linkDownAt: null,
    };
    writeRdfGroup(lab, record);
    return record;
  });
}

/** The link (or the whole R1 site) is lost at atMs: nothing written later reaches R2. */
export function cutReplicationLink(lab: string, rdfGroup: string, atMs = Date.now()): RdfGroupRecord {
  return withRdfGroup(lab, rdfGroup, (record) => {
    if (!record) throw new Error(`solsim: no RDF group ${rdfGroup}`);
    if (record.linkDownAt === null) record.linkDownAt = atMs;
    writeRdfGroup(lab, record);
    return record;
  });
}

/** The link is back; pairs that were replicating are now Suspended (establish resumes them). */
export function restoreReplicationLink(lab: string, rdfGroup: string): RdfGroupRecord {
  if (!readRdfGroup(lab, rdfGroup)) throw new Error(`solsim: no RDF group ${rdfGroup}`);
  return rdfLinkRestored(lab, rdfGroup);
}
