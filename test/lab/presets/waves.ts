// The site-wide run's lab (README "Site-wide runs"): the bc-dr world with six zones, each
// on its own disk group replicated to dc2, in three priority waves: three zones of
// priority 1, two of priority 2, one of priority 3. Primaries alternate between hostA
// and hostB; every zone has a BC twin on the other dc1 host and a DR twin on hostC.
import { bcDrPreset } from './bc-dr.js';
import type { LabPreset, PresetZone } from './preset.js';

function zone(name: string, index: number, priority: number, primary: 'hostA' | 'hostB', app: boolean): PresetZone {
  return {
    name,
    brand: 'solaris8',
    zonepath: `/zones/${name}`,
    address: `192.168.10.${60 + index}/24`,
    dataMount: `/data/${name}`,
    dataGroup: `${name}dg`,
    dataVolume: 'datavol',
    primary,
    twins: primary === 'hostA' ? ['hostB', 'hostC'] : ['hostA', 'hostC'],
    appIntervalMs: 500,
    imageBytes: 64 * 1024,
    priority,
    // One application per wave: its tcp and http checks gate the next wave; the others
    // are checked by their state alone (six applications would crowd two shared cores).
    app,
  };
}

const zones = [
  zone('pay01', 1, 1, 'hostA', true),
  zone('pay02', 2, 1, 'hostB', false),
  zone('pay03', 3, 1, 'hostA', false),
  zone('app01', 4, 2, 'hostB', true),
  zone('app02', 5, 2, 'hostA', false),
  zone('rep01', 6, 3, 'hostB', true),
];

export const wavesPreset: LabPreset = {
  name: 'waves',
  description: 'bc-dr with six twinned zones in priority waves 1 (pay01-03), 2 (app01-02), 3 (rep01): dc1 (hostA, hostB), dc2 (hostC)',
  hosts: bcDrPreset.hosts,
  diskGroups: zones.map((z) => ({ site: 'dc1', name: z.dataGroup, volumes: [z.dataVolume] })),
  zpools: [],
  replication: zones.map((z) => ({ rdfGroup: z.dataGroup, diskGroup: z.dataGroup, r1Site: 'dc1', r2Site: 'dc2', lagMs: 500 })),
  zones,
};
