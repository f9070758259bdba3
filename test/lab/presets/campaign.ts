// The fault campaign's lab (test/campaign): the bc-dr world with more zones. Site dc1 has
// hostA and hostB on a shared SAN, site dc2 has hostC with replicated copies of every
// disk group. Four zones have twins on all three hosts (the pairs the campaign moves
// back and forth, two starting on each dc1 host); web01 exists only on hostA, the
// subject of the first-time migration to hostB. app04 keeps its data on a ZFS pool of
// dc1's SAN (twins on hostA and hostB, no DR copy): the zone the rolling upgrade moves.
import { bcDrPreset } from './bc-dr.js';
import type { LabPreset, PresetZone } from './preset.js';

function pair(name: string, index: number, primary: 'hostA' | 'hostB'): PresetZone {
  return {
    name,
    brand: 'solaris8',
    zonepath: `/zones/${name}`,
    address: `192.168.10.${40 + index}/24`,
    dataMount: `/data/${name}`,
    dataGroup: `${name}dg`,
    dataVolume: 'datavol',
    primary,
    twins: primary === 'hostA' ? ['hostB', 'hostC'] : ['hostA', 'hostC'],
    appIntervalMs: 200,
  };
}

const pairs = [pair('db01', 1, 'hostA'), pair('app01', 2, 'hostB'), pair('app02', 3, 'hostA'), pair('app03', 4, 'hostB')];
const web01 = bcDrPreset.zones.find((z) => z.name === 'web01')!;
const app04: PresetZone = {
  name: 'app04',
  brand: 'solaris8',
  zonepath: '/zones/app04',
  address: '192.168.10.45/24',
  dataMount: '/data/app04',
  dataGroup: 'app04pool',
  dataVolume: 'app04pool/app04',
  dataKind: 'zpool',
  primary: 'hostA',
  twins: ['hostB'],
  appIntervalMs: 200,
};
const vxdgZones = [web01, ...pairs];
const zones = [...vxdgZones, app04];

/** The zones whose data is on ZFS (snapshots work): those an upgrade may move. */
export const CAMPAIGN_ZFS_ZONES = new Set(zones.filter((z) => z.dataKind === 'zpool').map((z) => z.name));

export const campaignPreset: LabPreset = {
  name: 'campaign',
  description: 'bc-dr with four twinned zones (db01, app01, app02, app03), web01 to migrate and app04 on ZFS to upgrade: dc1 (hostA, hostB), dc2 (hostC)',
  hosts: bcDrPreset.hosts,
  diskGroups: vxdgZones.map((z) => ({ site: 'dc1', name: z.dataGroup, volumes: [z.dataVolume] })),
  zpools: [{ site: 'dc1', name: app04.dataGroup, datasets: [{ name: app04.dataVolume, mountpoint: app04.dataMount }] }],
  replication: vxdgZones.map((z) => ({ rdfGroup: z.dataGroup, diskGroup: z.dataGroup, r1Site: 'dc1', r2Site: 'dc2', lagMs: 2000 })),
  zones,
};
