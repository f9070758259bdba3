// Baseline facts for a simulated host: the platform names, interfaces and patch
// inventory of a Solaris 10 SPARC machine of each architecture. Labs and tests start
// from these and vary what they need (patch deltas between twins, sun4u vs sun4v).
import type { HostConfig } from './host-config.js';

export interface TestHostSpec {
  host: string;
  site: string;
  machine?: 'sun4u' | 'sun4v';
  overrides?: Partial<HostConfig>;
}

const PLATFORMS = { sun4u: 'SUNW,Sun-Fire-V440', sun4v: 'SUNW,SPARC-Enterprise-T5220' } as const;
const INTERFACES = { sun4u: ['bge0', 'bge1'], sun4v: ['e1000g0', 'e1000g1'] } as const;

export function defaultHostConfig(spec: TestHostSpec, index = 0): HostConfig {
  const machine = spec.machine ?? 'sun4u';
  return {
    host: spec.host,
    site: spec.site,
    machine,
    platform: PLATFORMS[machine],
    hostid: (0x84a1b2c0 + index).toString(16),
    release: '5.10',
    kernelVersion: 'Generic_147147-26',
    interfaces: [...INTERFACES[machine]],
    packages: {
      SUNWcsr: '11.10.0,REV=2005.01.21.15.53',
      SUNWcsu: '11.10.0,REV=2005.01.21.15.53',
      SUNWs8brandr: '11.10.0,REV=2007.10.08.16.51',
      SUNWs8brandu: '11.10.0,REV=2007.10.08.16.51',
    },
    patches: [
      { id: '119254', rev: '50', packages: ['SUNWcsu', 'SUNWcsr'] },
      { id: '137137', rev: '09', packages: ['SUNWcsu', 'SUNWcsr'] },
    ],
    ...spec.overrides,
  };
}

