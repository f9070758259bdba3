// Shared set-up for the zone command tests: zonepaths laid out like an installed zone
// image, configurations created through zonecfg itself, the observer's zone events.
import fs from 'node:fs';
import path from 'node:path';
import { hostPath } from '../env.js';
import { readObserverLog } from '../observer.js';
import type { SimLab } from '../testing/sim-lab.js';

export function makeZonepath(lab: SimLab, host: string, zonepath: string, mode = 0o700): string {
  const real = hostPath(lab.env(host), zonepath);
  fs.mkdirSync(path.join(real, 'root', 'etc'), { recursive: true });
  fs.chmodSync(real, mode);
  return real;
}

export async function configureZone(lab: SimLab, host: string, zone: string, zonepath: string, extra = '', template = 'create -b'): Promise<void> {
  const r = await lab.run(host, 'zonecfg', ['-z', zone, `${template}; set zonepath=${zonepath}${extra ? '; ' + extra : ''}`]);
  if (r.code !== 0) throw new Error(`zonecfg failed: ${r.stderr}`);
}

/** A configured zone with an image on disk, attached (-F) so that it is installed. */
export async function installZone(lab: SimLab, host: string, zone: string, zonepath: string, extra = '', template = 'create -b'): Promise<void> {
  await configureZone(lab, host, zone, zonepath, extra, template);
  makeZonepath(lab, host, zonepath);
  const r = await lab.run(host, 'zoneadm', ['-z', zone, 'attach', '-F']);
  if (r.code !== 0) throw new Error(`attach -F failed: ${r.stderr}`);
}

export function zoneEvents(lab: SimLab, zone?: string): string[] {
  return readObserverLog(lab.lab)
    .filter((e) => e.type === 'zone.state' && (zone === undefined || e.zone === zone))
    .map((e) => (e.type === 'zone.state' ? `${e.host}:${e.zone}:${e.from}->${e.to}` : ''));
}
