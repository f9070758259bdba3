// From the file as written to the model the coordinator uses: policies come in three
// layers (defaults.policy, then the zone's primary twin's site, then the zone) and each
// layer names only what it changes; probe timings stack the same way; tcp and http
// checks default to the zone's service.
import path from 'node:path';
import type { ConfigReader } from '../../shared/config/load-config.js';
import type { HealthCheckFile, InventoryFile, PolicyLayer, TimingLayer } from './inventory-file.js';
import {
  BUILTIN_HEALTH_CHECK,
  BUILTIN_POLICY,
  type HealthCheck,
  type HealthCheckTiming,
  type Inventory,
  type Site,
  type Zone,
  type ZonePolicy,
  type ZoneService,
} from './inventory-schema.js';

function layerPolicy(base: ZonePolicy, layer: PolicyLayer | undefined): ZonePolicy {
  return { ...base, ...layer };
}

/** Timing at path over base. */
function layerTiming(c: ConfigReader, at: string, base: HealthCheckTiming, layer: TimingLayer): HealthCheckTiming {
  const t: HealthCheckTiming = {
    intervalMs: layer.intervalMs ?? base.intervalMs,
    timeoutMs: layer.timeoutMs ?? base.timeoutMs,
    failureThreshold: layer.failureThreshold ?? base.failureThreshold,
  };
  // A probe still running when the next one is due would pile up behind a hung zone.
  // Reported only where one of the two is written, so a bad default is reported once.
  if (t.timeoutMs >= t.intervalMs && (layer.timeoutMs !== undefined || layer.intervalMs !== undefined)) {
    c.problem(`${at}.${layer.timeoutMs !== undefined ? 'timeoutMs' : 'intervalMs'}`, `timeoutMs (${t.timeoutMs}) must be shorter than intervalMs (${t.intervalMs})`);
  }
  return t;
}

function resolveCheck(c: ConfigReader, at: string, check: HealthCheckFile, service: ZoneService, base: HealthCheckTiming): HealthCheck {
  const timing = layerTiming(c, at, base, check);
  switch (check.kind) {
    case 'zone-state':
      return { kind: check.kind, ...timing };
    case 'tcp':
      return { kind: check.kind, ...timing, address: check.address ?? service.address, port: check.port ?? service.port };
    case 'http':
      return { kind: check.kind, ...timing, port: check.port ?? service.port, path: check.path ?? service.httpPath ?? '/', expectStatus: check.expectStatus };
    case 'zlogin':
      return { kind: check.kind, ...timing, argv: check.argv, expectExitCode: check.expectExitCode };
  }
}

export function resolveInventory(c: ConfigReader, f: InventoryFile): Inventory {
  const policy = layerPolicy(BUILTIN_POLICY, f.defaults?.policy);
  const healthCheck = f.defaults?.healthCheck ? layerTiming(c, 'defaults.healthCheck', BUILTIN_HEALTH_CHECK, f.defaults.healthCheck) : BUILTIN_HEALTH_CHECK;
  const sites: Site[] = f.sites.map((s) => ({ name: s.name, witness: s.witness, policy: layerPolicy(policy, s.policy), hooks: s.hooks }));
  const siteOfHost = new Map(f.hosts.map((h) => [h.name, h.site]));
  const zones: Zone[] = f.zones.map((z, i) => {
    const primary = z.twins.find((t) => t.role === 'primary')?.host;
    const siteLayer = sites.find((s) => s.name === siteOfHost.get(primary ?? ''))?.policy ?? policy;
    const checks = z.healthChecks ?? [{ kind: 'zone-state' as const }];
    return {
      ...z,
      healthChecks: checks.map((check, j) => resolveCheck(c, `zones.${i}.healthChecks.${j}`, check, z.service, healthCheck)),
      policy: layerPolicy(siteLayer, z.policy),
    };
  });
  return {
    file: path.resolve(c.file),
    version: f.version,
    sites,
    hosts: f.hosts,
    storageGroups: f.storageGroups,
    zones,
    defaults: { policy, healthCheck },
  };
}
