// Whether a simulated host is powered on. A crashed host runs no commands until the lab
// boots it again; the marker lives outside var/run because it must survive the crash.
import fs from 'node:fs';
import path from 'node:path';
import type { SimEnv } from '../env.js';

export function poweredOffMarker(env: Pick<SimEnv, 'root'>): string {
  return path.join(env.root, 'var', 'solsim-powered-off');
}

export function isPoweredOff(env: Pick<SimEnv, 'root'>): boolean {
  return fs.existsSync(poweredOffMarker(env));
}

export function setPoweredOff(env: Pick<SimEnv, 'root'>, off: boolean): void {
  const marker = poweredOffMarker(env);
  if (off) {
    fs.mkdirSync(path.dirname(marker), { recursive: true });
    fs.writeFileSync(marker, new Date().toISOString() + '\n');
  } else {
    fs.rmSync(marker, { force: true });
  }
}
