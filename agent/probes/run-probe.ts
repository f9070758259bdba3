// One health probe of any kind, in the agent's own terms: the RunProbe handler and the
// probe scheduler (which runs the checks of the zones this host holds) both come here.
import type { OpContext } from '../ops/op-context.js';
import { httpProbe } from './http-probe.js';
import type { ProbeResult } from './probe-result.js';
import { tcpProbe } from './tcp-probe.js';
import { zloginProbe } from './zlogin-probe.js';
import { zoneStateProbe } from './zone-state-probe.js';

export type ProbeSpec =
  | { kind: 'zone-state'; zone: string }
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'http'; url: string; expectStatus: number }
  | { kind: 'zlogin'; zone: string; argv: string[]; expectExitCode: number };

export function runProbe(ctx: OpContext, spec: ProbeSpec, timeoutMs: number): Promise<ProbeResult> {
  switch (spec.kind) {
    case 'zone-state':
      return zoneStateProbe(ctx, spec.zone, timeoutMs);
    case 'tcp':
      return tcpProbe(spec.host, spec.port, timeoutMs);
    case 'http':
      return httpProbe(spec.url, spec.expectStatus, timeoutMs);
    case 'zlogin':
      return zloginProbe(ctx, spec.zone, spec.argv, spec.expectExitCode, timeoutMs);
  }
}
