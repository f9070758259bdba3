// Zone state: healthy when zoneadm reports the zone running.
import { exec, type OpContext } from '../ops/op-context.js';
import { parseZoneadmListZone, zoneadmArgs } from '../commands/zoneadm.js';
import type { ProbeResult } from './probe-result.js';

export async function zoneStateProbe(ctx: OpContext, zone: string, timeoutMs: number): Promise<ProbeResult> {
  const started = performance.now();
  const r = await exec(ctx, 'zoneadm', zoneadmArgs.listZone(zone), { mutating: false, timeoutMs });
  const durationMs = Math.round(performance.now() - started);
  if (r.record.exitCode !== 0) {
    return { healthy: false, detail: r.timedOut ? `zoneadm timed out after ${timeoutMs} ms` : (r.stderr.trim() || `zoneadm exited ${r.record.exitCode}`), durationMs };
  }
  // Output that cannot be read whole throws COMMAND_OUTPUT: no state is guessed from it.
  const { state } = parseZoneadmListZone(zone, r.stdout);
  return zoneStateVerdict(zone, state, durationMs);
}

/** The zone-state check's answer for a state read by any listing. */
export function zoneStateVerdict(zone: string, state: string, durationMs: number): ProbeResult {
  return { healthy: state === 'running', detail: `${zone} is ${state}`, durationMs };
}
