// An inventory of many zones for store and lease-path measurements: HOSTS hosts in one
// site, ZONES zones each with a primary and a bc twin, one vxdg group per zone. The agent
// addresses lead nowhere: these measurements exercise the coordinator's own paths.
import fs from 'node:fs';
import { stringify } from 'yaml';

export interface SyntheticInventoryOptions {
  hosts: number;
  zones: number;
  leaseTtlMs: number;
}

export const hostName = (i: number) => `host${String(i).padStart(3, '0')}`;
export const zoneName = (i: number) => `z${String(i).padStart(5, '0')}`;

/** The host holding zone I: zones are spread round-robin. */
export const primaryOf = (i: number, hosts: number) => hostName(i % hosts);

export function writeSyntheticInventory(file: string, o: SyntheticInventoryOptions): void {
  const doc = {
    version: 1,
    defaults: { policy: { leaseTtlMs: o.leaseTtlMs, safetyMarginMs: 1000 }, healthCheck: { intervalMs: 1000, timeoutMs: 500, failureThreshold: 3 } },
    sites: [{ name: 'dc1' }],
    // Port 9 (discard) on loopback: nothing answers, nothing is asked.
    hosts: Array.from({ length: o.hosts }, (_, i) => ({ name: hostName(i), site: 'dc1', agent: '127.0.0.1:9', machine: 'sun4v' })),
    storageGroups: Array.from({ length: o.zones }, (_, i) => ({
      name: `${zoneName(i)}dg`,
      kind: 'vxdg',
      site: 'dc1',
      volumes: [{ name: 'datavol', fstype: 'vxfs', mountPoint: `/data/${zoneName(i)}` }],
    })),
    zones: Array.from({ length: o.zones }, (_, i) => ({
      name: zoneName(i),
      brand: 'solaris8',
      zonepath: `/zones/${zoneName(i)}`,
      // One service address per zone (the inventory refuses two zones on one address:port).
      service: { address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, port: 8000, httpPath: '/' },
      storageGroup: `${zoneName(i)}dg`,
      fs: [{ dir: '/data', special: `/data/${zoneName(i)}`, type: 'lofs' }],
      twins: [
        { host: primaryOf(i, o.hosts), role: 'primary' },
        { host: hostName((i + 1) % o.hosts), role: 'bc' },
      ],
      healthChecks: [{ kind: 'zone-state' }],
    })),
  };
  fs.writeFileSync(file, stringify(doc));
}
