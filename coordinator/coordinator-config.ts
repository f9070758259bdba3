// The coordinator's configuration file (YAML or JSON). The inventory is a file of its own
// (operators edit it; this file says where it is); the database path comes from --db so
// one configuration can serve a standby copy with its own file.
//
//   listen: 0.0.0.0:7430             # the Control (and Leases) endpoint
//   inventory: /etc/twinzone/inventory.yaml   # relative paths are from this file
//   leases: { marginMs: 5000, graceMs: 30000, sweepIntervalMs: 1000 }
//   logLevel: info
//   metrics: 0.0.0.0:9430            # optional: the Prometheus endpoint (GET /metrics)
//   http: 0.0.0.0:9430               # optional: the read-only status page (may share metrics' listener)
//   tls: { dir: /etc/twinzone/tls, name: coordinator }   # shared/tls/tls-config.ts
//   siteRuns: { concurrency: 4 }     # runs at once inside a wave of a site-wide run
//   insecure: false                  # true: plaintext, no authentication (labs only)
//   automation: { enabled: true, site: dc3 }   # README "Automation"; site: where this coordinator runs
import path from 'node:path';
import { z } from 'zod';
import { LOG_LEVELS, fields, listenAddress, text, wholeNumber } from '../shared/config/config-fields.js';
import { openConfig } from '../shared/config/load-config.js';
import { DEFAULT_MAX_CONCURRENT_RUNS } from './runs/run-admission.js';
import { DEFAULT_SITE_RUN_CONCURRENCY } from './site-runs/site-run.js';
import { TLS_CONFIG_FIELDS, tlsSettingsFrom, type TlsSettings } from '../shared/tls/tls-config.js';

export interface CoordinatorConfig {
  listen: string;
  /** Absolute path of the inventory file. */
  inventory: string;
  leases: {
    /** Past a lease's expiry, how long a `halt` holder gets to finish self-fencing before a grant elsewhere. */
    marginMs: number;
    /** After a restart, the least time a held lease gets to be renewed (agents could not renew while we were down). */
    graceMs: number;
    /**
     * How often leases past their expiry are marked expired (one event each). The rules
     * judge every renewal and grant by the expiry time itself, so this only paces records.
     */
    sweepIntervalMs: number;
  };
  logLevel: string;
  /** Where the Prometheus endpoint listens (HOST:PORT), or null for none. */
  metrics: string | null;
  /** Where the status page listens (HOST:PORT), or null for none; the same address as metrics shares one listener. */
  http: string | null;
  /** Mutual TLS (the default) or, asked for explicitly, plaintext. */
  tls: TlsSettings;
  /** Site-wide runs (README "Site-wide runs"): runs at once inside a wave unless the request says. */
  siteRuns: { concurrency: number };
  automation: {
    /** false: no automatic run at all (the inventory's per-zone `automation: off` is finer). */
    enabled: boolean;
    /**
     * The site this coordinator runs in, for `dr: connected` (its own view is the third
     * vantage point when this is neither the zone's site nor its DR site); null: the
     * inventory's witness site, where the coordinator is expected to run.
     */
    site: string | null;
  };
}

/** The CLI's default endpoint is 127.0.0.1 on this port (cli/control-client.ts). */
export const DEFAULT_CONTROL_PORT = 7430;

export const CoordinatorConfigFile = fields({
  listen: listenAddress().default(`0.0.0.0:${DEFAULT_CONTROL_PORT}`),
  inventory: text('is required: the path of the inventory file'),
  leases: fields({
    marginMs: wholeNumber(0).default(5_000),
    graceMs: wholeNumber(0).default(30_000),
    sweepIntervalMs: wholeNumber(100).default(1_000),
  }).default({ marginMs: 5_000, graceMs: 30_000, sweepIntervalMs: 1_000 }),
  logLevel: z.enum(LOG_LEVELS).default('info'),
  metrics: listenAddress().optional(),
  http: listenAddress().optional(),
  siteRuns: fields({ concurrency: wholeNumber(1, DEFAULT_MAX_CONCURRENT_RUNS).default(DEFAULT_SITE_RUN_CONCURRENCY) }).default({ concurrency: DEFAULT_SITE_RUN_CONCURRENCY }),
  automation: fields({ enabled: z.boolean().default(true), site: text().optional() }).default({ enabled: true }),
  ...TLS_CONFIG_FIELDS,
});

export function loadCoordinatorConfig(file: string): CoordinatorConfig {
  const c = openConfig(file);
  const f = c.parse('', CoordinatorConfigFile);
  c.finish();
  // finish() throws on any problem, so the file parsed.
  const cfg = f!;
  return {
    listen: cfg.listen,
    inventory: path.resolve(path.dirname(file), cfg.inventory),
    leases: cfg.leases,
    logLevel: cfg.logLevel,
    metrics: cfg.metrics ?? null,
    http: cfg.http ?? null,
    tls: tlsSettingsFrom(cfg, file, 'coordinator'),
    siteRuns: cfg.siteRuns,
    automation: { enabled: cfg.automation.enabled, site: cfg.automation.site ?? null },
  };
}
