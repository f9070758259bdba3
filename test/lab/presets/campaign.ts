// The fault campaign's lab (test/campaign): the bc-dr world with more zones. Site dc1 has
// hostA and hostB on a shared SAN, site dc2 has hostC with replicated copies of every
// disk group. Four zones have twins on all three hosts (the pairs the campaign moves
// back and forth, two starting on each dc1 host); web01 exists only on hostA, the
// subject of the first-time migration to hostB.
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
const zones = [web01, ...pairs];

export const campaignPreset: LabPreset = {
  name: 'campaign',
  description: 'bc-dr with four twinned zones (db01, app01, app02, app03) and web01 to migrate: dc1 (hostA, hostB), dc2 (hostC)',
  hosts: bcDrPreset.hosts,
  diskGroups: zones.map((z) => ({ site: 'dc1', name: z.dataGroup, volumes: [z.dataVolume] })),
  zpools: [],
  replication: zones.map((z) => ({ rdfGroup: z.dataGroup, diskGroup: z.dataGroup, r1Site: 'dc1', r2Site: 'dc2', lagMs: 2000 })),
  zones,
};
