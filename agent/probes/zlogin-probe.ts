// A command inside the zone (zlogin), healthy on the expected exit code.
import { exec, type OpContext } from '../ops/op-context.js';
import { zloginArgs } from '../commands/zlogin.js';
import type { ProbeResult } from './probe-result.js';

export async function zloginProbe(ctx: OpContext, zone: string, argv: string[], expectExitCode: number, timeoutMs: number): Promise<ProbeResult> {
  const started = performance.now();
  const r = await exec(ctx, 'zlogin', zloginArgs.command(zone, argv), { mutating: false, timeoutMs });
  const durationMs = Math.round(performance.now() - started);
  if (r.timedOut) return { healthy: false, detail: `zlogin ${zone} ${argv.join(' ')} timed out after ${timeoutMs} ms`, durationMs };
  const healthy = r.record.exitCode === expectExitCode;
  const tail = (r.stderr || r.stdout).trim().split('\n').slice(-1)[0] ?? '';
  return {
    healthy,
    detail: `zlogin ${zone} ${argv.join(' ')} exited ${r.record.exitCode}${healthy ? '' : ` (expected ${expectExitCode})${tail ? `: ${tail}` : ''}`}`,
    durationMs,
  };
}
