// The coordinator's inventory for a lab: the lab's preset (sites, hosts, SAN groups,
// replication, zones) plus what only the running lab knows — each agent's address from
// DIR/lab.json (so call it after labUp) and each zone application's port from
// <zonepath>/root/etc/solsim-app.json. deploy/inventory.example.yaml is the commented
// form of the same inventory for the bc-dr lab.
import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import type { HealthCheckTiming, ZonePolicy } from '../../coordinator/inventory/inventory-schema.js';
import { RECORD_FILE_NAME, readAppConfig } from '../solsim/src/app/app-control.js';
import { readHostConfig } from '../solsim/src/state/host-config.js';
import { readLabConfig, type LabConfig } from '../solsim/src/state/lab-config.js';
import { LabError, labEnv } from './create-lab.js';
import { presets } from './presets/bc-dr.js';
import type { LabPreset, PresetZone } from './presets/preset.js';

export interface LabInventoryOptions {
  /** Global policy defaults (lab tests want short leases). */
  policy?: Partial<ZonePolicy>;
  healthCheck?: Partial<HealthCheckTiming>;
  /** Changes the document before it is written (a test's hooks, say). */
  edit?: (doc: Record<string, unknown>) => void;
}

export function labInventoryPath(labDir: string): string {
  return path.join(path.resolve(labDir), 'inventory.yaml');
}

function presetOf(config: LabConfig): LabPreset {
  const preset = presets[config.preset];
  if (!preset) throw new LabError(`the lab was built from preset ${config.preset}, which no longer exists`);
  return preset;
}

function agentAddress(lab: string, config: LabConfig, host: string): string {
  const agent = config.hosts[host]?.agent;
  if (!agent) throw new LabError(`no agent address for ${host} in ${path.join(lab, 'lab.json')}; start the agents first: npm run lab -- up ${lab}`);
  return agent.address;
}

function appPort(lab: string, zone: PresetZone): number {
  const app = readAppConfig(labEnv(lab, zone.primary), zone.zonepath);
  if (!app) throw new LabError(`no application configuration for ${zone.name} on ${zone.primary} (${zone.zonepath}/root/etc/solsim-app.json)`);
  return app.port;
}

/** Where a group's volume is mounted: the mount of the zone using it, else below /data. */
function mountPointOf(preset: LabPreset, group: string, volume: string): string {
  return preset.zones.find((z) => z.dataGroup === group && z.dataVolume === volume)?.dataMount ?? `/data/${group}-${volume}`;
}

function zoneEntry(lab: string, config: LabConfig, preset: LabPreset, zone: PresetZone): Record<string, unknown> {
  const siteOf = (host: string) => config.hosts[host]!.site;
  const primarySite = siteOf(zone.primary);
  const replicatedTo = preset.replication.find((r) => r.diskGroup === zone.dataGroup)?.r2Site;
  // Every host the zone can live on is a twin, installed there or not: the first-time
  // migration to hostB needs web01's twin there declared before it exists.
  const twins = Object.keys(config.hosts).flatMap((host) => {
    if (host === zone.primary) return [{ host, role: 'primary' }];
    if (preset.installedTwinsOnly && !zone.twins.includes(host)) return [];
    if (siteOf(host) === primarySite) return [{ host, role: 'bc' }];
    return siteOf(host) === replicatedTo ? [{ host, role: 'dr' }] : [];
  });
  // A zone configured on one host names that host's interface; landing elsewhere, its net
  // resource is rewritten to the interface plumbed there (bge0 on sun4u, e1000g0 on sun4v).
  const iface = (host: string) => readHostConfig(labEnv(lab, host)).interfaces[0]!;
  const remaps = twins.flatMap(({ host }) => {
    const others = [...new Set(twins.map((t) => iface(t.host)).filter((i) => i !== iface(host)))];
    return others.length === 0 ? [] : [{ host, net: others.map((from) => ({ fromPhysical: from, toPhysical: iface(host) })) }];
  });
  return {
    name: zone.name,
    brand: zone.brand,
    zonepath: zone.zonepath,
    // The simulated application listens on the loopback of the machine running the lab;
    // a zone without one (many-zone labs) is checked by its state alone.
    service: zone.app === false ? { address: zone.address.split('/')[0], port: 80, httpPath: '/' } : { address: '127.0.0.1', port: appPort(lab, zone), httpPath: '/' },
    storageGroup: zone.dataGroup,
    ...(zone.priority !== undefined && { priority: zone.priority }),
    // The application's record log on the data volume: an upgrade's data rollback counts its lines.
    ...(zone.app !== false && { dataLog: `${zone.dataMount}/${RECORD_FILE_NAME}` }),
    fs: [{ dir: '/data', special: zone.dataMount, type: 'lofs' }],
    twins,
    remaps,
    healthChecks: zone.app === false ? [{ kind: 'zone-state' }] : [{ kind: 'zone-state' }, { kind: 'tcp' }, { kind: 'http' }],
    // The DR drill's copy gets a loopback address of its own, on which its application
    // listens (zone-app.ts), beside production's on 127.0.0.1 on the same machine.
    ...(zone.app !== false && { drill: { address: `127.0.2.${zone.address.split('/')[0]!.split('.')[3]}/24` } }),
  };
}

/** The inventory document (the file's shape) for a lab whose agents are up. */
export function buildLabInventory(labDir: string, opts: LabInventoryOptions = {}): Record<string, unknown> {
  const lab = path.resolve(labDir);
  let config: LabConfig;
  try {
    config = readLabConfig(lab);
  } catch {
    throw new LabError(`${labDir} is not a lab (no lab.json); create one with: npm run lab -- create ${labDir}`);
  }
  const preset = presetOf(config);
  const machineOf = new Map(preset.hosts.map((h) => [h.host, h.machine]));
  const doc: Record<string, unknown> = {
    version: 1,
    defaults: {
      ...(opts.policy && { policy: opts.policy }),
      // The lab's applications answer in microseconds; probe them often. The timeout is
      // most of the interval: the simulated zoneadm's start-up on a loaded 2-core machine.
      healthCheck: { intervalMs: 2000, timeoutMs: 1900, failureThreshold: 3, ...opts.healthCheck },
    },
    sites: Object.keys(config.sites).map((name) => ({ name })),
    hosts: Object.entries(config.hosts).map(([name, h]) => ({
      name,
      site: h.site,
      agent: agentAddress(lab, config, name),
      ...(machineOf.has(name) && { machine: machineOf.get(name) }),
    })),
    storageGroups: [
      ...preset.diskGroups.map((dg) => {
        const r = preset.replication.find((x) => x.diskGroup === dg.name);
        return {
          name: dg.name,
          kind: 'vxdg',
          site: dg.site,
          volumes: dg.volumes.map((v) => ({ name: v, fstype: 'vxfs', mountPoint: mountPointOf(preset, dg.name, v) })),
          ...(r && { replication: { rdfGroup: r.rdfGroup, r2Site: r.r2Site, mode: 'async', lagMsHint: r.lagMs } }),
        };
      }),
      ...preset.zpools.flatMap((pool) => {
        // Datasets with mountpoint legacy or none are not mounted by twinzone.
        const volumes = pool.datasets.flatMap((d) => (d.mountpoint?.startsWith('/') ? [{ name: d.name, fstype: 'zfs', mountPoint: d.mountpoint }] : []));
        return volumes.length === 0 ? [] : [{ name: pool.name, kind: 'zpool', site: pool.site, volumes }];
      }),
    ],
    zones: preset.zones.map((z) => zoneEntry(lab, config, preset, z)),
  };
  opts.edit?.(doc);
  return doc;
}

/** Writes DIR/inventory.yaml for a lab whose agents are up (after labUp) and returns its path. */
export function writeLabInventory(labDir: string, opts: LabInventoryOptions = {}): string {
  const file = labInventoryPath(labDir);
  const header = `# twinzone inventory for the lab ${path.resolve(labDir)} (written by npm run lab -- inventory)\n`;
  fs.writeFileSync(file, header + stringify(buildLabInventory(labDir, opts)));
  return file;
}
