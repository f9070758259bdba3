// The default lab: the seed's world. Site dc1 has hostA (sun4u) and hostB (sun4v) on a
// shared SAN; site dc2 has hostC (sun4v) with replicated copies of dc1's disk groups.
// web01 runs on hostA and exists nowhere else (the subject of a first-time migration);
// db01 runs on hostA with detached twins on hostB and hostC (the steady state).
import type { LabPreset } from './preset.js';

export const bcDrPreset: LabPreset = {
  name: 'bc-dr',
  description: 'two sites: dc1 (hostA sun4u, hostB sun4v, shared SAN) and dc2 (hostC sun4v, replicated storage)',
  hosts: [
    { host: 'hostA', site: 'dc1', machine: 'sun4u' },
    {
      host: 'hostB',
      site: 'dc1',
      machine: 'sun4v',
      // sun4v-only platform patches and a newer kernel patch: the deltas an operator accepts.
      extraPatches: [{ id: '138888', rev: '08', packages: ['SUNWcakr.v', 'SUNWcart200.v'] }],
      packageVersions: { SUNWcsu: '11.10.0,REV=2005.08.10.02.13' },
    },
    {
      host: 'hostC',
      site: 'dc2',
      machine: 'sun4v',
      extraPatches: [
        { id: '138888', rev: '08', packages: ['SUNWcakr.v', 'SUNWcart200.v'] },
        { id: '119254', rev: '47', packages: ['SUNWcsu', 'SUNWcsr'] },
      ],
      missingPatches: ['119254', '137137'],
    },
  ],
  diskGroups: [
    { site: 'dc1', name: 'webdg', volumes: ['datavol'] },
    { site: 'dc1', name: 'dbdg', volumes: ['datavol'] },
  ],
  zpools: [{ site: 'dc1', name: 'apppool', datasets: [{ name: 'apppool/app', mountpoint: '/export/app' }] }],
  replication: [
    { rdfGroup: 'webdg', diskGroup: 'webdg', r1Site: 'dc1', r2Site: 'dc2', lagMs: 2000 },
    { rdfGroup: 'dbdg', diskGroup: 'dbdg', r1Site: 'dc1', r2Site: 'dc2', lagMs: 2000 },
  ],
  zones: [
    {
      name: 'web01',
      brand: 'solaris8',
      zonepath: '/zones/web01',
      address: '192.168.10.21/24',
      dataMount: '/data/web01',
      dataGroup: 'webdg',
      dataVolume: 'datavol',
      primary: 'hostA',
      twins: [],
      appIntervalMs: 200,
    },
    {
      name: 'db01',
      brand: 'solaris8',
      zonepath: '/zones/db01',
      address: '192.168.10.31/24',
      dataMount: '/data/db01',
      dataGroup: 'dbdg',
      dataVolume: 'datavol',
      primary: 'hostA',
      twins: ['hostB', 'hostC'],
      appIntervalMs: 200,
    },
  ],
};

export const presets: Record<string, LabPreset> = { 'bc-dr': bcDrPreset };

// The campaign's preset builds on this one, so it registers itself here after both exist.
export function registerPreset(preset: LabPreset): void {
  presets[preset.name] = preset;
}
