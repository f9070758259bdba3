// The scale lab: many zones per host instead of many hosts (200 hosts' worth of agents
// is too many processes for 2 cores). Site dc1 holds the live zones, spread over its
// hosts; site dc2 holds each zone's DR twin on replicated storage. Zones carry no
// application (booting one starts no process) and a small image.
import { presets } from '../test/lab/presets/bc-dr.js';
import type { LabPreset, PresetZone } from '../test/lab/presets/preset.js';

export interface ScaleOptions {
  /** Hosts per site (two sites). */
  hostsPerSite: number;
  zones: number;
}

export const scaleHost = (site: 1 | 2, i: number) => `s${site}h${String(i + 1).padStart(2, '0')}`;
export const scaleZone = (i: number) => `z${String(i + 1).padStart(3, '0')}`;

export function scalePreset(o: ScaleOptions): LabPreset {
  const zones: PresetZone[] = Array.from({ length: o.zones }, (_, i) => ({
    name: scaleZone(i),
    brand: 'solaris8',
    zonepath: `/zones/${scaleZone(i)}`,
    address: `192.168.${100 + Math.floor(i / 250)}.${(i % 250) + 1}/24`,
    dataMount: `/data/${scaleZone(i)}`,
    dataGroup: `${scaleZone(i)}dg`,
    dataVolume: 'datavol',
    primary: scaleHost(1, i % o.hostsPerSite),
    twins: [scaleHost(2, i % o.hostsPerSite)],
    appIntervalMs: 1000,
    app: false,
    imageBytes: 4096,
  }));
  return {
    name: `scale-${o.hostsPerSite * 2}x${o.zones}`,
    description: `${o.zones} zones on ${o.hostsPerSite} hosts in dc1, their DR twins on ${o.hostsPerSite} hosts in dc2`,
    hosts: ([1, 2] as const).flatMap((site) => Array.from({ length: o.hostsPerSite }, (_, i) => ({ host: scaleHost(site, i), site: `dc${site}`, machine: 'sun4v' as const }))),
    diskGroups: zones.map((z) => ({ site: 'dc1', name: z.dataGroup, volumes: ['datavol'] })),
    zpools: [],
    replication: zones.map((z) => ({ rdfGroup: z.dataGroup, diskGroup: z.dataGroup, r1Site: 'dc1', r2Site: 'dc2', lagMs: 0 })),
    zones,
    installedTwinsOnly: true,
  };
}

/**
 * Makes the preset known by name to test/lab (createLab, the agents' storage lists and
 * the inventory look presets up by the name lab.json records), in this process only.
 */
export function registerScalePreset(o: ScaleOptions): LabPreset {
  const preset = scalePreset(o);
  presets[preset.name] = preset;
  return preset;
}
