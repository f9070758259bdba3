import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../../test/solsim/src/repo-paths.js';
import { BUILTIN_POLICY } from './inventory-schema.js';
import { ConfigError, loadInventory } from './load-inventory.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function write(text: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'inventory-'));
  dirs.push(d);
  const file = path.join(d, 'inventory.yaml');
  fs.writeFileSync(file, text);
  return file;
}

/** The problems of an invalid file (fails the test if it loads). */
function problems(text: string): { file: string; problems: string[] } {
  const file = write(text);
  try {
    loadInventory(file);
  } catch (err) {
    if (err instanceof ConfigError) return { file, problems: err.problems };
    throw err;
  }
  throw new Error('the inventory loaded');
}

/** 1-based line of the first line containing needle (after `from`, if given). */
function lineOf(text: string, needle: string, from?: string): number {
  const lines = text.split('\n');
  const start = from === undefined ? 0 : lines.findIndex((l) => l.includes(from));
  const i = lines.findIndex((l, n) => n >= start && l.includes(needle));
  if (i < 0) throw new Error(`no line with ${needle}`);
  return i + 1;
}

// A small valid inventory: two sites, three hosts, one replicated group, one zone.
const BASE = `version: 1
sites:
  - name: dc1
  - name: dc2
hosts:
  - name: hostA
    site: dc1
    agent: 127.0.0.1:7001
  - name: hostB
    site: dc1
    agent: 127.0.0.1:7002
  - name: hostC
    site: dc2
    agent: 127.0.0.1:7003
storageGroups:
  - name: dbdg
    kind: vxdg
    site: dc1
    volumes:
      - name: datavol
        mountPoint: /data/db01
    replication:
      rdfGroup: dbdg
      r2Site: dc2
  - name: apppool
    kind: zpool
    site: dc1
    volumes:
      - name: apppool/app
        mountPoint: /export/app
zones:
  - name: db01
    brand: solaris8
    zonepath: /zones/db01
    service:
      address: 127.0.0.1
      port: 8031
    storageGroup: dbdg
    fs:
      - dir: /data
        special: /data/db01
    twins:
      - host: hostA
        role: primary
      - host: hostB
        role: bc
      - host: hostC
        role: dr
`;

function edit(from: string, to: string, text = BASE): string {
  if (!text.includes(from)) throw new Error(`the base has no ${JSON.stringify(from)}`);
  return text.replace(from, to);
}

describe('loading the inventory', () => {
  it('loads the operators\' example', () => {
    const inv = loadInventory(path.join(repoRoot(), 'deploy', 'inventory.example.yaml'));
    expect(inv.sites.map((s) => s.name)).toEqual(['dc1', 'dc2']);
    expect(inv.hosts.map((h) => [h.name, h.site, h.machine])).toEqual([
      ['hostA', 'dc1', 'sun4u'],
      ['hostB', 'dc1', 'sun4v'],
      ['hostC', 'dc2', 'sun4v'],
    ]);
    expect(inv.storageGroups.map((g) => [g.name, g.kind, g.replication?.r2Site])).toEqual([
      ['webdg', 'vxdg', 'dc2'],
      ['dbdg', 'vxdg', 'dc2'],
      ['apppool', 'zpool', undefined],
    ]);
    const [web01, db01] = inv.zones;
    expect(web01!.twins).toEqual([
      { host: 'hostA', role: 'primary' },
      { host: 'hostB', role: 'bc' },
      { host: 'hostC', role: 'dr' },
    ]);
    expect(web01!.remaps.find((r) => r.host === 'hostB')!.net).toEqual([{ fromPhysical: 'bge0', toPhysical: 'e1000g0' }]);
    expect(web01!.policy).toEqual({ ...BUILTIN_POLICY, leaseTtlMs: 20_000 });
    expect(db01!.policy).toEqual({ ...BUILTIN_POLICY, leaseLossPolicy: 'freeze' });
    // tcp and http checks default to the zone's service; timing to defaults.healthCheck.
    expect(web01!.healthChecks).toEqual([
      { kind: 'zone-state', intervalMs: 5000, timeoutMs: 2000, failureThreshold: 3 },
      { kind: 'tcp', address: '192.168.10.21', port: 8021, intervalMs: 5000, timeoutMs: 2000, failureThreshold: 3 },
      { kind: 'http', port: 8021, path: '/', expectStatus: 0, intervalMs: 10_000, timeoutMs: 3000, failureThreshold: 3 },
    ]);
    expect(db01!.fs).toEqual([{ dir: '/data', special: '/data/db01', type: 'lofs', options: [] }]);
  });

  it('fills every default of a minimal file', () => {
    const inv = loadInventory(write(BASE));
    expect(inv.defaults.policy).toEqual(BUILTIN_POLICY);
    expect(inv.sites[0]).toEqual({ name: 'dc1', witness: false, policy: BUILTIN_POLICY, hooks: [] });
    expect(inv.storageGroups[0]).toEqual({
      name: 'dbdg',
      kind: 'vxdg',
      site: 'dc1',
      volumes: [{ name: 'datavol', fstype: 'vxfs', mountPoint: '/data/db01', vfstabOptions: '-' }],
      replication: { rdfGroup: 'dbdg', r2Site: 'dc2', mode: 'async', lagMsHint: 0 },
    });
    expect(inv.storageGroups[1]!.volumes[0]!.fstype).toBe('zfs');
    const zone = inv.zones[0]!;
    expect(zone.priority).toBe(3);
    expect(zone.remaps).toEqual([]);
    expect(zone.healthChecks).toEqual([{ kind: 'zone-state', intervalMs: 5000, timeoutMs: 2000, failureThreshold: 3 }]);
    expect(zone.policy).toEqual({ leaseTtlMs: 15_000, leaseLossPolicy: 'halt', safetyMarginMs: 5000, restartLimit: 3, restartWindowMs: 600_000, dr: 'manual', autoAfterMs: 60_000, automation: 'on', holdOffMs: 60_000, flapLimit: 3, flapWindowMs: 3_600_000, onConcurrencyViolation: 'alarm' });
  });

  it('layers policies: built-in < defaults < the primary\'s site < the zone', () => {
    const text = edit('sites:\n  - name: dc1\n', 'defaults:\n  policy:\n    leaseTtlMs: 9000\n    restartLimit: 5\n    dr: auto\n  healthCheck:\n    intervalMs: 800\n    timeoutMs: 300\nsites:\n  - name: dc1\n    policy:\n      leaseTtlMs: 6000\n      leaseLossPolicy: freeze\n') +
      '    policy:\n      leaseLossPolicy: halt\n      autoAfterMs: 1000\n    healthChecks:\n      - kind: tcp\n        timeoutMs: 100\n';
    const inv = loadInventory(write(text));
    expect(inv.defaults.policy).toEqual({ ...BUILTIN_POLICY, leaseTtlMs: 9000, restartLimit: 5, dr: 'auto' });
    expect(inv.sites[0]!.policy).toEqual({ ...BUILTIN_POLICY, leaseTtlMs: 6000, restartLimit: 5, dr: 'auto', leaseLossPolicy: 'freeze' });
    expect(inv.sites[1]!.policy).toEqual(inv.defaults.policy);
    expect(inv.zones[0]!.policy).toEqual({ ...BUILTIN_POLICY, leaseTtlMs: 6000, restartLimit: 5, dr: 'auto', leaseLossPolicy: 'halt', autoAfterMs: 1000 });
    expect(inv.zones[0]!.healthChecks).toEqual([{ kind: 'tcp', address: '127.0.0.1', port: 8031, intervalMs: 800, timeoutMs: 100, failureThreshold: 3 }]);
  });

  it('reads JSON as well', () => {
    const inv = loadInventory(write(JSON.stringify({ version: 1, sites: [{ name: 's' }], hosts: [{ name: 'h', site: 's', agent: 'h:7420' }] })));
    expect(inv.zones).toEqual([]);
    expect(inv.hosts[0]!.agent).toBe('h:7420');
  });
});

describe('an invalid inventory names the file, the line and the field', () => {
  // Each case: the broken file, the field path, the line it is reported on, the message.
  const cases: { name: string; text: string; field: string; line: number; message: RegExp }[] = [];
  const add = (name: string, text: string, field: string, line: number, message: RegExp) => cases.push({ name, text, field, line, message });
  {
    const t = edit('    site: dc1\n    agent: 127.0.0.1:7001\n', '    site: dc1\n    agent: 127.0.0.1:7001\n    rack: 12\n');
    add('an unknown field', t, 'hosts.0.rack', lineOf(t, 'rack:'), /is not a known field \(known: name, site, agent, machine\)/);
  }
  {
    const t = edit('    brand: solaris8\n', '');
    add('a missing required field', t, 'zones.0.brand', lineOf(t, '- name: db01'), /is required \(one of solaris8, solaris9, native\)/);
  }
  {
    const t = edit('    zonepath: /zones/db01\n', '');
    add('a missing zonepath', t, 'zones.0.zonepath', lineOf(t, '- name: db01'), /is required/);
  }
  {
    const t = edit('  - name: db01\n', '  - name: SUNWdb\n');
    add('a bad zone name', t, 'zones.0.name', lineOf(t, 'SUNWdb'), /invalid zone name "SUNWdb": names starting with SUNW are reserved/);
  }
  {
    const t = edit('  - name: hostB\n', '  - name: host_B\n');
    add('a bad host name', t, 'hosts.1.name', lineOf(t, 'host_B'), /host name "host_B" is not a host name/);
  }
  {
    const t = edit('  - name: dbdg\n', '  - name: -dbdg\n');
    add('a bad disk group name', t, 'storageGroups.0.name', lineOf(t, '-dbdg'), /disk group name "-dbdg" is not a valid Veritas name/);
  }
  {
    const t = edit('  - name: apppool\n', '  - name: mirror\n');
    add('a bad pool name', t, 'storageGroups.1.name', lineOf(t, 'name: mirror'), /pool name "mirror" is not a valid pool name/);
  }
  {
    const t = edit('      - name: apppool/app\n', '      - name: otherpool/app\n');
    add('a dataset outside its pool', t, 'storageGroups.1.volumes.0.name', lineOf(t, 'otherpool/app'), /dataset "otherpool\/app" is not in pool apppool/);
  }
  {
    const t = edit('      - host: hostB\n', '      - host: hostX\n');
    add('a twin on an unknown host', t, 'zones.0.twins.1.host', lineOf(t, 'hostX'), /unknown host "hostX" \(hosts: hostA, hostB, hostC\)/);
  }
  {
    const t = edit('    storageGroup: dbdg\n', '    storageGroup: nosuchdg\n');
    add('an unknown storage group', t, 'zones.0.storageGroup', lineOf(t, 'nosuchdg'), /unknown storage group "nosuchdg" \(groups: dbdg, apppool\)/);
  }
  {
    // The zone's group lives in dc2 (replicated to dc1) while every twin is in dc1.
    let t = edit('  - name: dbdg\n    kind: vxdg\n    site: dc1\n', '  - name: dbdg\n    kind: vxdg\n    site: dc2\n');
    t = edit('      r2Site: dc2\n', '      r2Site: dc1\n', t);
    t = edit('      - host: hostC\n        role: dr\n', '', t);
    add('a storage group in a site without twins', t, 'zones.0.storageGroup', lineOf(t, 'storageGroup: dbdg'), /storage group dbdg is in site dc2, where zone db01 has no twin \(twins in dc1\)/);
  }
  {
    const t = edit('      - host: hostB\n        role: bc\n', '      - host: hostB\n        role: primary\n');
    add('two primary twins', t, 'zones.0.twins.1.role', lineOf(t, 'role: primary', '- host: hostB'), /zone db01 has two twins with role primary \(hostA and hostB\); exactly one is/);
  }
  {
    const t = edit('      - host: hostB\n        role: bc\n', '      - host: hostB\n        role: dr\n');
    add('a DR twin in the primary\'s site', t, 'zones.0.twins.1.role', lineOf(t, 'role: dr', '- host: hostB'), /DR twin on hostB is in site dc1, the primary's site; a twin in the same site has role bc/);
  }
  {
    const t = edit('      - host: hostC\n        role: dr\n', '      - host: hostC\n        role: bc\n');
    add('a BC twin in another site', t, 'zones.0.twins.2.role', lineOf(t, 'role: bc', '- host: hostC'), /BC twin on hostC is in site dc2, not the primary's site dc1/);
  }
  {
    const t = edit('    replication:\n      rdfGroup: dbdg\n      r2Site: dc2\n', '');
    add('a DR twin without a replica in its site', t, 'zones.0.twins.2.role', lineOf(t, 'role: dr'), /DR twin on hostC in site dc2 needs storage group dbdg replicated to dc2/);
  }
  {
    const t = edit('  - name: hostC\n', '  - name: hostA\n');
    add('a duplicate host name', t, 'hosts.2.name', lineOf(t, 'name: hostA', 'agent: 127.0.0.1:7002'), /duplicate host "hostA" \(already at hosts\.0\.name\)/);
  }
  {
    const t = `${BASE}  - name: db01\n    brand: solaris8\n    zonepath: /zones/db02\n    service: { address: 127.0.0.2, port: 8032 }\n    storageGroup: apppool\n    twins: [{ host: hostA, role: primary }]\n`;
    add('a duplicate zone name', t, 'zones.1.name', lineOf(t, 'name: db01', 'role: dr'), /duplicate zone "db01" \(already at zones\.0\.name\)/);
  }
  {
    const t = edit('      port: 8031\n', '      port: 70000\n');
    add('a service port out of range', t, 'zones.0.service.port', lineOf(t, 'port: 70000'), /must be a whole number >= 1 <= 65535 \(got 70000\)/);
  }
  {
    const t = edit('    agent: 127.0.0.1:7003\n', '    agent: 127.0.0.1:0\n');
    add('an agent port out of range', t, 'hosts.2.agent', lineOf(t, '127.0.0.1:0'), /"127\.0\.0\.1:0": port 0 is out of range \(1-65535\)/);
  }
  {
    const t = edit('    agent: 127.0.0.1:7003\n', '    agent: hostC\n');
    add('an agent address without a port', t, 'hosts.2.agent', lineOf(t, 'agent: hostC'), /must be HOST:PORT/);
  }
  {
    const t = `${BASE}    policy:\n      leaseTtlMs: 1000\n`;
    add('a lease TTL under three renewal floors', t, 'zones.0.policy.leaseTtlMs', lineOf(t, 'leaseTtlMs'), /1000 ms is shorter than 1500 ms \(3 × the 500 ms renewal floor\)/);
  }
  {
    const t = edit('    zonepath: /zones/db01\n', '    zonepath: zones/db01\n');
    add('a relative zonepath', t, 'zones.0.zonepath', lineOf(t, 'zonepath:'), /"zones\/db01" is not absolute/);
  }
  {
    const t = edit('        mountPoint: /data/db01\n', '        mountPoint: /data//db01/\n');
    add('a mount point not normalised', t, 'storageGroups.0.volumes.0.mountPoint', lineOf(t, '/data//db01/'), /is not normalised/);
  }
  {
    const t = edit('      - dir: /data\n', '      - dir: /data/../etc\n');
    add('an fs dir escaping with ..', t, 'zones.0.fs.0.dir', lineOf(t, '/data/../etc'), /contains "\." or "\.\." components/);
  }
  {
    const t = edit('      - host: hostA\n        role: primary\n', '      - host: hostA\n        role: primary\n      - host: hostA\n        role: bc\n');
    add('a host holding two twins of one zone', t, 'zones.0.twins.1.host', lineOf(t, '- host: hostA', 'role: primary'), /duplicate twin host "hostA"/);
  }
  {
    const t = `${BASE}    remaps:\n      - host: hostB\n        net:\n          - fromPhysical: bge0\n            toPhysical: e1000g0\n            address: 10.0.0.300/24\n`;
    add('a remap with a bad address', t, 'zones.0.remaps.0.net.0.address', lineOf(t, 'address: 10.0.0.300'), /"10\.0\.0\.300\/24" is not an IP address/);
  }
  {
    const t = `${BASE}    healthChecks:\n      - kind: http\n        intervalMs: 1000\n        timeoutMs: 1000\n`;
    add('a probe timeout not shorter than its interval', t, 'zones.0.healthChecks.0.timeoutMs', lineOf(t, 'timeoutMs: 1000'), /timeoutMs \(1000\) must be shorter than intervalMs \(1000\)/);
  }
  {
    const t = `${BASE}    healthChecks:\n      - kind: zlogin\n`;
    add('a zlogin check without a command', t, 'zones.0.healthChecks.0.argv', lineOf(t, 'kind: zlogin'), /is required \(the command to run inside the zone/);
  }
  {
    const t = `${BASE}    policy:\n      dr: connected\n`;
    add('dr connected without a witness site', t, 'zones.0.policy.dr', lineOf(t, 'dr: connected'), /connected needs a witness site/);
  }
  {
    const t = edit('version: 1\n', 'version: 2\n');
    add('another format version', t, 'version', 1, /this coordinator reads inventory version 1, not 2/);
  }
  {
    const t = edit('      port: 8031\n', '      port: "8031"\n');
    add('a port written as a string', t, 'zones.0.service.port', lineOf(t, 'port: "8031"'), /must be a whole number >= 1 <= 65535 \(got "8031"\)/);
  }

  it.each(cases)('$name', ({ text, field, line, message }) => {
    const { file, problems: found } = problems(text);
    const prefix = `${file}:${line}: ${field}: `;
    const match = found.find((p) => p.startsWith(prefix));
    expect(match, `no problem at ${prefix} in:\n${found.join('\n')}`).toBeDefined();
    expect(match!.slice(prefix.length)).toMatch(message);
  });

  it('lists every problem of a file at once', () => {
    let t = edit('  - name: db01\n', '  - name: "db 01"\n');
    t = edit('      port: 8031\n', '      port: 0\n', t);
    t = edit('      - host: hostB\n', '      - host: hostQ\n', t);
    t = edit('    agent: 127.0.0.1:7001\n', '    agent: 127.0.0.1:7001\n    colour: blue\n', t);
    const { problems: found } = problems(t);
    expect(found).toHaveLength(4);
    expect(found.map((p) => p.split(': ')[1])).toEqual(expect.arrayContaining(['zones.0.name', 'zones.0.service.port', 'zones.0.twins.1.host', 'hosts.0.colour']));
  });

  it('reports a YAML syntax error with its line', () => {
    const t = edit('    kind: vxdg\n', '    kind: vxdg: zpool\n');
    const { file, problems: found } = problems(t);
    expect(found).toEqual([`${file}:${lineOf(t, 'vxdg: zpool')}: Nested mappings are not allowed in compact mappings`]);
  });

  it('reports duplicate keys, which YAML forbids', () => {
    const t = edit('    brand: solaris8\n', '    brand: solaris8\n    brand: native\n');
    expect(problems(t).problems[0]).toMatch(/:\d+: Map keys must be unique/);
  });

  it('refuses an empty file and a file that is not a mapping', () => {
    expect(problems('').problems).toEqual([expect.stringMatching(/inventory\.yaml: the file is empty$/)]);
    expect(problems('- a\n- b\n').problems[0]).toMatch(/must be a mapping of fields/);
  });

  it('names a file it cannot read', () => {
    expect(() => loadInventory('/nonexistent/inventory.yaml')).toThrow(/\/nonexistent\/inventory\.yaml: cannot read/);
  });
});
