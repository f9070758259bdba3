// Field checks the inventory readers share: names through the product's validators
// (shared/validate), paths absolute and normalised. Each reports through the config reader,
// so every message carries the file, the line and the field path.
import type { ConfigReader } from '../../shared/config/load-config.js';
import { isTwinzoneError } from '../../shared/errors/twinzone-error.js';
import { addressProblem, hostNameProblem } from '../../shared/validate/host-name.js';
import { pathProblem } from '../../shared/validate/paths.js';
import { describeZoneNameProblem, zoneNameProblem } from '../../shared/validate/zone-name.js';

/** Runs a shared/validate `require*` check and turns its refusal into a problem at path. */
export function checkWith(c: ConfigReader, path: string, value: string, check: (field: string, value: string) => unknown, label: string): void {
  if (value === '') return;
  try {
    check(label, value);
  } catch (err) {
    if (!isTwinzoneError(err)) throw err;
    c.problem(path, err.message);
  }
}

export function readZoneName(c: ConfigReader, path: string): string {
  const name = c.string(path);
  const problem = name === '' ? null : zoneNameProblem(name);
  if (problem) c.problem(path, describeZoneNameProblem(name, problem));
  return name;
}

export function readHostName(c: ConfigReader, path: string): string {
  const name = c.string(path);
  const problem = name === '' ? null : hostNameProblem(name);
  if (problem) c.problem(path, `host name ${JSON.stringify(name)} ${problem}`);
  return name;
}

// Sites appear only in twinzone's own records and messages, so the zone-name alphabet
// (no spaces, no shell characters) is enough.
const SITE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

export function readSiteName(c: ConfigReader, path: string): string {
  return c.string(path, { pattern: SITE_NAME, hint: 'is not a site name (1-63 letters, digits, "_", "." and "-", starting with a letter or digit)' });
}

export function readAddress(c: ConfigReader, path: string): string {
  const address = c.string(path);
  const problem = address === '' ? null : addressProblem(address);
  if (problem) c.problem(path, `${JSON.stringify(address)} ${problem}`);
  return address;
}

/** A Solaris path: absolute, normalised, plain characters (shared/validate/paths.ts). */
export function readPath(c: ConfigReader, path: string): string {
  const p = c.string(path);
  const problem = p === '' ? null : pathProblem(p);
  if (problem) c.problem(path, `${JSON.stringify(p)} ${problem}`);
  return p;
}

/** Reports every value that occurs twice in a list, at the second and later occurrences. */
export function reportDuplicates(c: ConfigReader, entries: { path: string; key: string }[], what: string): void {
  const first = new Map<string, string>();
  for (const { path, key } of entries) {
    if (key === '') continue;
    const earlier = first.get(key);
    if (earlier === undefined) first.set(key, path);
    else c.problem(path, `duplicate ${what} ${JSON.stringify(key)} (already at ${earlier})`);
  }
}
