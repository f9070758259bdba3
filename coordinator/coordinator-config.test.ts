import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../shared/config/load-config.js';
import { loadCoordinatorConfig } from './coordinator-config.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
function file(text: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'coordcfg-'));
  dirs.push(d);
  fs.writeFileSync(path.join(d, 'coordinator.yaml'), text);
  return path.join(d, 'coordinator.yaml');
}
function problems(text: string): string[] {
  try {
    loadCoordinatorConfig(file(text));
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('coordinator configuration', () => {
  it('fills defaults and resolves the inventory beside the file', () => {
    const f = file('inventory: inv.yaml\n');
    expect(loadCoordinatorConfig(f)).toEqual({
      listen: '0.0.0.0:7430',
      inventory: path.join(path.dirname(f), 'inv.yaml'),
      leases: { marginMs: 5000, graceMs: 30000, sweepIntervalMs: 1000 },
      logLevel: 'info',
      metrics: null,
      http: null,
      // Mutual TLS by default, with the identity in /etc/twinzone/tls (README "Security").
      tls: { insecure: false, location: { dir: '/etc/twinzone/tls', name: 'coordinator' } },
      siteRuns: { concurrency: 4 },
      automation: { enabled: true, site: null },
    });
  });

  it('takes the automation switch and the site the coordinator runs in', () => {
    const c = loadCoordinatorConfig(file('inventory: inv.yaml\nautomation: { enabled: false, site: dc3 }\n'));
    expect(c.automation).toEqual({ enabled: false, site: 'dc3' });
  });

  it('takes a metrics and a status page address', () => {
    const c = loadCoordinatorConfig(file('inventory: /etc/twinzone/inventory.yaml\nmetrics: 127.0.0.1:9430\nhttp: 127.0.0.1:9430\n'));
    expect([c.metrics, c.http]).toEqual(['127.0.0.1:9430', '127.0.0.1:9430']);
  });

  it('names every bad field with its line', () => {
    expect(problems('listen: 7430\nleases:\n  marginMs: -1\n  graceMS: 5\nlogLevel: loud\n')).toEqual([
      expect.stringMatching(/:1: listen: must be HOST:PORT \(got 7430\)$/),
      expect.stringMatching(/coordinator\.yaml:1: inventory: is required: the path of the inventory file$/),
      expect.stringMatching(/:3: leases\.marginMs: must be a whole number >= 0 \(got -1\)$/),
      expect.stringMatching(/:4: leases\.graceMS: is not a known field \(known: marginMs, graceMs, sweepIntervalMs\)$/),
      expect.stringMatching(/:5: logLevel: must be one of fatal, error, warn, info, debug, trace \(got "loud"\)$/),
    ]);
  });
});
