// The inventory generated for a running lab loads, carries the agents' real addresses and
// the zone applications' ports, and says what deploy/inventory.example.yaml says about
// the bc-dr lab's sites, hosts, storage and twins.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it as plainIt } from 'vitest';
import { loadInventory } from '../../coordinator/inventory/load-inventory.js';
import type { Inventory } from '../../coordinator/inventory/inventory-schema.js';
import { labTest as it } from '../support/lab-fixture.js';
import { readAppConfig } from '../solsim/src/app/app-control.js';
import { repoRoot } from '../solsim/src/repo-paths.js';
import { readLabConfig } from '../solsim/src/state/lab-config.js';
import { LabError } from './create-lab.js';
import { labInventoryPath, writeLabInventory } from './inventory.js';
import { labUp } from './processes.js';

const labCli = path.join(repoRoot(), 'dist', 'test', 'lab', 'lab-cli.js');

/** What the example and a lab's inventory must agree on: everything but addresses and probe details. */
function shape(inv: Inventory) {
  return {
    sites: inv.sites.map((s) => ({ name: s.name, witness: s.witness })),
    hosts: inv.hosts.map((h) => ({ name: h.name, site: h.site, machine: h.machine })),
    storageGroups: inv.storageGroups,
    zones: inv.zones.map((z) => ({ name: z.name, brand: z.brand, zonepath: z.zonepath, storageGroup: z.storageGroup, fs: z.fs, twins: z.twins, remaps: z.remaps })),
  };
}

describe('the lab inventory', () => {
  it('is written after lab up with the agents\' addresses and the applications\' ports, and loads', async ({ lab }) => {
    await labUp(lab.dir);
    const file = writeLabInventory(lab.dir, { policy: { leaseTtlMs: 3000 } });
    expect(file).toBe(path.join(lab.dir, 'inventory.yaml'));
    const inv = loadInventory(file);

    const config = readLabConfig(lab.dir);
    expect(inv.hosts.map((h) => [h.name, h.agent])).toEqual(Object.entries(config.hosts).map(([name, h]) => [name, h.agent!.address]));
    for (const zone of inv.zones) {
      expect(zone.service).toEqual({ address: '127.0.0.1', port: readAppConfig(lab.env('hostA'), zone.zonepath)!.port, httpPath: '/' });
      expect(zone.policy.leaseTtlMs).toBe(3000);
      expect(zone.healthChecks.map((c) => c.kind)).toEqual(['zone-state', 'tcp', 'http']);
    }
    expect(inv.zones.find((z) => z.name === 'db01')!.twins).toEqual([
      { host: 'hostA', role: 'primary' },
      { host: 'hostB', role: 'bc' },
      { host: 'hostC', role: 'dr' },
    ]);

    // The operators' example describes the same lab.
    expect(shape(inv)).toEqual(shape(loadInventory(path.join(repoRoot(), 'deploy', 'inventory.example.yaml'))));

    // The lab CLI writes the same file and prints its path.
    fs.rmSync(file);
    const r = spawnSync(process.execPath, [labCli, 'inventory', lab.dir], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${labInventoryPath(lab.dir)}\n`);
    expect(loadInventory(file).hosts).toEqual(inv.hosts);
  });

  it('is refused while the agents are down, saying how to start them', ({ lab }) => {
    expect(() => writeLabInventory(lab.dir)).toThrow(LabError);
    expect(() => writeLabInventory(lab.dir)).toThrow(/no agent address for hostA .*npm run lab -- up/);
  });

  plainIt('is refused for a directory that is not a lab', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'not-a-lab-'));
    try {
      expect(() => writeLabInventory(dir)).toThrow(/is not a lab \(no lab\.json\)/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
