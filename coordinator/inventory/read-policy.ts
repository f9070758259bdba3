// Policies come in three layers: defaults.policy (global), sites[].policy (for zones
// whose primary twin is in that site) and zones[].policy. Each layer names only what it
// changes; a field's value is checked where it is written, so the error points there.
import type { ConfigReader } from '../../shared/config/load-config.js';
import {
  DrMode,
  LEASE_TTL_MIN_MS,
  LeaseLossPolicy,
  RENEWAL_FLOOR_MS,
  type HealthCheckTiming,
  type ZonePolicy,
} from './inventory-schema.js';

export const POLICY_KEYS = ['leaseTtlMs', 'leaseLossPolicy', 'safetyMarginMs', 'restartLimit', 'restartWindowMs', 'dr', 'autoAfterMs'] as const satisfies readonly (keyof ZonePolicy)[];
export const TIMING_KEYS = ['intervalMs', 'timeoutMs', 'failureThreshold'] as const satisfies readonly (keyof HealthCheckTiming)[];

const HOUR_MS = 3_600_000;

/** One policy layer at path over base; an absent layer is base itself. */
export function readPolicy(c: ConfigReader, path: string, base: ZonePolicy): ZonePolicy {
  if (!c.mapping(path, [...POLICY_KEYS])) return base;
  const ttlPath = `${path}.leaseTtlMs`;
  let leaseTtlMs = c.number(ttlPath, { default: base.leaseTtlMs, min: 1, max: HOUR_MS, integer: true });
  if (leaseTtlMs < LEASE_TTL_MIN_MS) {
    // The agent renews every TTL/3 and never sooner than the renewal floor after the last
    // renewal; a shorter TTL expires before a single late renewal can land.
    c.problem(ttlPath, `${leaseTtlMs} ms is shorter than ${LEASE_TTL_MIN_MS} ms (3 × the ${RENEWAL_FLOOR_MS} ms renewal floor): the agent renews every TTL/3`);
    leaseTtlMs = base.leaseTtlMs;
  }
  return {
    leaseTtlMs,
    leaseLossPolicy: c.oneOf(`${path}.leaseLossPolicy`, Object.values(LeaseLossPolicy), { default: base.leaseLossPolicy }) ?? base.leaseLossPolicy,
    safetyMarginMs: c.number(`${path}.safetyMarginMs`, { default: base.safetyMarginMs, min: 0, max: HOUR_MS, integer: true }),
    restartLimit: c.number(`${path}.restartLimit`, { default: base.restartLimit, min: 0, max: 100, integer: true }),
    restartWindowMs: c.number(`${path}.restartWindowMs`, { default: base.restartWindowMs, min: 1_000, max: 24 * HOUR_MS, integer: true }),
    dr: c.oneOf(`${path}.dr`, Object.values(DrMode), { default: base.dr }) ?? base.dr,
    autoAfterMs: c.number(`${path}.autoAfterMs`, { default: base.autoAfterMs, min: 0, max: 24 * HOUR_MS, integer: true }),
  };
}

/** Probe timing fields, each defaulting to base. */
export function readTiming(c: ConfigReader, path: string, base: HealthCheckTiming): HealthCheckTiming {
  const timing = {
    intervalMs: c.number(`${path}.intervalMs`, { default: base.intervalMs, min: 100, max: HOUR_MS, integer: true }),
    timeoutMs: c.number(`${path}.timeoutMs`, { default: base.timeoutMs, min: 10, max: HOUR_MS, integer: true }),
    failureThreshold: c.number(`${path}.failureThreshold`, { default: base.failureThreshold, min: 1, max: 100, integer: true }),
  };
  // A probe still running when the next one is due would pile up behind a hung zone.
  // Reported only where one of the two is written, so a bad default is reported once.
  const timeoutSet = c.raw(`${path}.timeoutMs`) !== undefined;
  if (timing.timeoutMs >= timing.intervalMs && (timeoutSet || c.raw(`${path}.intervalMs`) !== undefined)) {
    c.problem(timeoutSet ? `${path}.timeoutMs` : `${path}.intervalMs`, `timeoutMs (${timing.timeoutMs}) must be shorter than intervalMs (${timing.intervalMs})`);
  }
  return timing;
}
