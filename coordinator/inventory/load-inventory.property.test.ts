// Random damage to a valid inventory never loads silently: dropping a field, renaming a
// key or giving a value the wrong type either throws ConfigError or, for an optional
// field dropped, loads exactly what the default says.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { Inventory } from './inventory-schema.js';
import { ConfigError, loadInventory } from './load-inventory.js';

// Every optional field written out at its default value, plus optional fields that have
// no default (machine, httpPath, remaps, ...), so each can be dropped.
const BASE = {
  version: 1,
  defaults: {
    policy: { leaseTtlMs: 15000, leaseLossPolicy: 'halt', safetyMarginMs: 5000, restartLimit: 3, restartWindowMs: 600000, dr: 'manual', autoAfterMs: 60000, automation: 'on', holdOffMs: 60000, flapLimit: 3, flapWindowMs: 3600000, onConcurrencyViolation: 'alarm' },
    healthCheck: { intervalMs: 5000, timeoutMs: 2000, failureThreshold: 3 },
  },
  sites: [{ name: 'dc1', witness: false, policy: { leaseTtlMs: 15000 } }, { name: 'dc2' }],
  hosts: [
    { name: 'hostA', site: 'dc1', agent: '127.0.0.1:7001', machine: 'sun4u' },
    { name: 'hostB', site: 'dc1', agent: '127.0.0.1:7002' },
    { name: 'hostC', site: 'dc2', agent: '127.0.0.1:7003' },
  ],
  storageGroups: [
    {
      name: 'dbdg',
      kind: 'vxdg',
      site: 'dc1',
      volumes: [{ name: 'datavol', fstype: 'vxfs', mountPoint: '/data/db01', vfstabOptions: '-' }],
      replication: { rdfGroup: 'dbdg', r2Site: 'dc2', mode: 'async', lagMsHint: 0 },
    },
  ],
  zones: [
    {
      name: 'db01',
      brand: 'solaris8',
      zonepath: '/zones/db01',
      service: { address: '127.0.0.1', port: 8031, httpPath: '/' },
      storageGroup: 'dbdg',
      fs: [{ dir: '/data', special: '/data/db01', type: 'lofs', options: [] }],
      priority: 3,
      twins: [
        { host: 'hostA', role: 'primary' },
        { host: 'hostB', role: 'bc' },
        { host: 'hostC', role: 'dr' },
      ],
      remaps: [
        {
          host: 'hostB',
          net: [{ fromPhysical: 'bge0', toPhysical: 'e1000g0', address: '192.168.20.31/24', defrouter: '192.168.20.1' }],
          devices: [{ fromMatch: '/dev/rdsk/c1t0d0s*', toMatch: '/dev/rdsk/c2t0d0s*' }],
        },
      ],
      healthChecks: [
        { kind: 'zone-state', intervalMs: 5000, timeoutMs: 2000, failureThreshold: 3 },
        { kind: 'tcp', address: '127.0.0.1', port: 8031 },
        { kind: 'http', port: 8031, path: '/', expectStatus: 0 },
        { kind: 'zlogin', argv: ['/usr/bin/true'], expectExitCode: 0 },
      ],
      policy: { leaseLossPolicy: 'halt', dr: 'manual' },
    },
  ],
};

const ABSENT = Symbol('absent');
/**
 * Optional fields (paths with * for list indices) and what the loaded inventory holds at
 * the same path once they are dropped: 'same' (the default equals the base's value) or
 * the value itself (ABSENT: the field is gone). Every other field is required.
 */
const OPTIONAL: Record<string, 'same' | unknown> = {
  defaults: 'same',
  'defaults.policy': 'same',
  ...Object.fromEntries(Object.keys(BASE.defaults.policy).map((k) => [`defaults.policy.${k}`, 'same'])),
  'defaults.healthCheck': 'same',
  ...Object.fromEntries(Object.keys(BASE.defaults.healthCheck).map((k) => [`defaults.healthCheck.${k}`, 'same'])),
  'sites.*.witness': 'same',
  'sites.*.policy': 'same',
  'sites.*.policy.leaseTtlMs': 'same',
  'hosts.*.machine': ABSENT,
  'storageGroups.*.volumes.*.fstype': 'same',
  'storageGroups.*.volumes.*.vfstabOptions': 'same',
  // Without replication the DR twin is refused, so this one must throw.
  'storageGroups.*.replication': ABSENT,
  'storageGroups.*.replication.mode': 'same',
  'storageGroups.*.replication.lagMsHint': 'same',
  'zones.*.service.httpPath': ABSENT,
  'zones.*.fs': [],
  'zones.*.fs.*.type': 'same',
  'zones.*.fs.*.options': 'same',
  'zones.*.priority': 'same',
  'zones.*.remaps': [],
  'zones.*.remaps.*.net': [],
  'zones.*.remaps.*.net.*.address': ABSENT,
  'zones.*.remaps.*.net.*.defrouter': ABSENT,
  'zones.*.remaps.*.devices': [],
  'zones.*.healthChecks': [{ kind: 'zone-state', intervalMs: 5000, timeoutMs: 2000, failureThreshold: 3 }],
  ...Object.fromEntries(['intervalMs', 'timeoutMs', 'failureThreshold'].map((k) => [`zones.*.healthChecks.*.${k}`, 'same'])),
  'zones.*.healthChecks.*.address': 'same',
  'zones.*.healthChecks.*.port': 'same',
  'zones.*.healthChecks.*.path': 'same',
  'zones.*.healthChecks.*.expectStatus': 'same',
  'zones.*.healthChecks.*.expectExitCode': 'same',
  'zones.*.policy': 'same',
  'zones.*.policy.leaseLossPolicy': 'same',
  'zones.*.policy.dr': 'same',
  zones: [],
};

type Key = string | number;
type Mutation =
  | { kind: 'drop'; at: Key[] }
  | { kind: 'rename'; at: Key[]; suffix: string }
  | { kind: 'retype'; at: Key[]; pick: number };

/** Every path in the document: [path, value]. */
function paths(value: unknown, prefix: Key[] = []): [Key[], unknown][] {
  const here: [Key[], unknown][] = prefix.length ? [[prefix, value]] : [];
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => paths(v, [...prefix, i]))];
  if (typeof value === 'object' && value !== null) return [...here, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...prefix, k]))];
  return here;
}

const pattern = (p: Key[]) => p.map((k) => (typeof k === 'number' ? '*' : k)).join('.');

function parentOf(doc: unknown, p: Key[]): Record<Key, unknown> {
  return p.slice(0, -1).reduce<unknown>((cur, k) => (cur as Record<Key, unknown>)[k], doc) as Record<Key, unknown>;
}

/** A value of another type than v (what an operator's slip produces). */
function wrongType(v: unknown, pick: number): unknown {
  if (typeof v === 'string') return [42, true, ['x']][pick % 3];
  if (typeof v === 'number') return [String(v), true, { n: v }][pick % 3];
  if (typeof v === 'boolean') return [String(v), 1, null][pick % 3];
  if (Array.isArray(v)) return [{}, 'x', 3][pick % 3];
  return [[], 'x', 7][pick % 3];
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'inventory-prop-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;
function load(doc: unknown): Inventory {
  const file = path.join(dir, `inv-${n++}.yaml`);
  fs.writeFileSync(file, stringify(doc));
  return loadInventory(file);
}

/** The base's loaded inventory with the value at p replaced (or removed). */
function expectedAfterDrop(base: Inventory, p: Key[], value: unknown): unknown {
  const copy = structuredClone({ ...base, file: '' }) as Record<Key, unknown>;
  const parent = parentOf(copy, p);
  if (value === ABSENT) delete parent[p.at(-1)!];
  else parent[p.at(-1)!] = structuredClone(value);
  return copy;
}

describe('damaged inventories', () => {
  const all = paths(BASE);
  const keyed = all.filter(([p]) => typeof p.at(-1) === 'string');
  const base = load(BASE);

  it('start from a valid one', () => {
    expect(base.zones[0]!.healthChecks).toHaveLength(4);
  });

  it('covers every optional field it names', () => {
    const seen = new Set(keyed.map(([p]) => pattern(p)));
    expect(Object.keys(OPTIONAL).filter((k) => !seen.has(k))).toEqual([]);
  });

  /** Applies one mutation and checks the outcome; shared by the exhaustive and random runs. */
  function check(m: Mutation): void {
    const doc = structuredClone(BASE) as unknown;
    const parent = parentOf(doc, m.at);
    const key = m.at.at(-1)!;
    if (m.kind === 'drop') delete parent[key];
    else if (m.kind === 'rename') {
      parent[`${String(key)}${m.suffix}`] = parent[key];
      delete parent[key];
    } else parent[key] = wrongType(parent[key], m.pick);

    let loaded: Inventory;
    try {
      loaded = load(doc);
    } catch (err) {
      expect(err, String(err)).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems.length).toBeGreaterThan(0);
      return;
    }
    // Loaded: only an optional field dropped, and it reads as its default.
    expect(m.kind, `${m.kind} ${m.at.join('.')} loaded`).toBe('drop');
    const rule = OPTIONAL[pattern(m.at)];
    expect(rule, `required field ${m.at.join('.')} dropped and still loaded`).toBeDefined();
    const want = rule === 'same' ? { ...base, file: '' } : expectedAfterDrop(base, m.at, rule);
    expect({ ...loaded, file: '' }).toEqual(want);
  }

  it('never load silently with any one field dropped', () => {
    for (const [at] of keyed) check({ kind: 'drop', at });
  });

  it('never load silently under a random drop, rename or wrong type', () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('drop' as const), at: fc.constantFrom(...keyed.map(([p]) => p)) }),
      fc.record({ kind: fc.constant('rename' as const), at: fc.constantFrom(...keyed.map(([p]) => p)), suffix: fc.constantFrom('x', 's', '_', 'Ms') }),
      fc.record({ kind: fc.constant('retype' as const), at: fc.constantFrom(...all.map(([p]) => p)), pick: fc.nat(2) }),
    );
    fc.assert(fc.property(mutation, check), { numRuns: 400 });
  });
});
