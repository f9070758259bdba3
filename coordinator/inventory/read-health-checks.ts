// A zone's health checks (DESIGN "Health checks and automation"): what the agents probe
// close to the zone. Each kind takes its own fields; tcp and http default to the zone's
// service, so the common case is one line per check.
import type { ConfigReader } from '../../shared/config/load-config.js';
import { readAddress } from './field-checks.js';
import { TIMING_KEYS, readTiming } from './read-policy.js';
import { HealthCheckKind, type HealthCheck, type HealthCheckTiming, type ZoneService } from './inventory-schema.js';

const KIND_KEYS: Record<HealthCheckKind, string[]> = {
  'zone-state': [],
  tcp: ['address', 'port'],
  http: ['port', 'path', 'expectStatus'],
  zlogin: ['argv', 'expectExitCode'],
};
const ALL_KEYS = [...new Set(Object.values(KIND_KEYS).flat())];
const HTTP_PATH = /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/?-]*$/;

function readPort(c: ConfigReader, path: string, fallback: number): number {
  return c.number(path, { default: fallback, min: 1, max: 65535, integer: true });
}

function readCheck(c: ConfigReader, p: string, service: ZoneService, base: HealthCheckTiming): HealthCheck | undefined {
  const rawKind = c.raw(`${p}.kind`);
  const known = (Object.values(HealthCheckKind) as unknown[]).includes(rawKind);
  const keys = ['kind', ...TIMING_KEYS, ...(known ? KIND_KEYS[rawKind as HealthCheckKind] : ALL_KEYS)];
  if (!c.mapping(p, keys, { required: true })) return undefined;
  const kind = c.oneOf(`${p}.kind`, Object.values(HealthCheckKind));
  const timing = readTiming(c, p, base);
  switch (kind) {
    case undefined:
      return undefined;
    case 'zone-state':
      return { kind, ...timing };
    case 'tcp':
      return {
        kind,
        ...timing,
        address: c.raw(`${p}.address`) === undefined ? service.address : readAddress(c, `${p}.address`),
        port: readPort(c, `${p}.port`, service.port),
      };
    case 'http':
      return {
        kind,
        ...timing,
        port: readPort(c, `${p}.port`, service.port),
        path: c.string(`${p}.path`, { default: service.httpPath ?? '/', pattern: HTTP_PATH, hint: 'must be a URL path starting with "/"' }),
        expectStatus: c.number(`${p}.expectStatus`, { default: 0, min: 0, max: 599, integer: true }),
      };
    case 'zlogin': {
      const argv = c.stringList(`${p}.argv`);
      if (c.raw(`${p}.argv`) === undefined) c.problem(`${p}.argv`, 'is required (the command to run inside the zone, as a list)');
      else if (argv.length === 0 || argv[0] === '') c.problem(`${p}.argv`, 'must name a command to run inside the zone');
      return { kind, ...timing, argv, expectExitCode: c.number(`${p}.expectExitCode`, { default: 0, min: 0, max: 255, integer: true }) };
    }
  }
}

/** The zone's checks; without a healthChecks field, the zone-state check alone. */
export function readHealthChecks(c: ConfigReader, p: string, service: ZoneService, base: HealthCheckTiming): HealthCheck[] {
  if (c.raw(p) === undefined) return [{ kind: 'zone-state', ...base }];
  const checks: HealthCheck[] = [];
  const count = c.list(p);
  for (let i = 0; i < count; i++) {
    const check = readCheck(c, `${p}.${i}`, service, base);
    if (check) checks.push(check);
  }
  return checks;
}
