// Fixture for the storage contract tests: a lab with two hosts sharing site dc1's SAN
// and a third at site dc2, plus helpers to read what the observer recorded.
import fs from 'node:fs';
import path from 'node:path';
import type { ObservedEvent, ObserverRecord } from '../observer.js';
import { readObserverLog } from '../observer.js';
import { makeSimLab, type SimLab } from '../testing/sim-lab.js';
import { hostPath } from '../env.js';

export function storageLab(): SimLab {
  return makeSimLab([
    { host: 'hostA', site: 'dc1' },
    { host: 'hostB', site: 'dc1', machine: 'sun4v' },
    { host: 'hostC', site: 'dc2', machine: 'sun4v' },
  ]);
}

export function events<T extends ObservedEvent['type']>(lab: SimLab, type: T): (ObserverRecord & { type: T })[] {
  return readObserverLog(lab.lab).filter((r): r is ObserverRecord & { type: T } => r.type === type);
}

/** Creates a directory on a host, as seen under its root (e.g. a mount point). */
export function mkdirOn(lab: SimLab, host: string, solarisPath: string): string {
  const dir = hostPath(lab.env(host), solarisPath);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

export function writeOn(lab: SimLab, host: string, solarisPath: string, content: string): void {
  const file = hostPath(lab.env(host), solarisPath);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}
