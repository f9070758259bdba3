// `twinzone status [ZONE]`: every zone with where it runs, its lease and its twins'
// states, its health checks' last results, then the hosts with their reachability and health.
import type { GetStatusResponse } from '../../../shared/gen/twinzone/v1/control.js';
import { ZoneState } from '../../../shared/gen/twinzone/v1/common.js';
import { parseArgs } from '../cli-args.js';
import type { CliContext } from '../cli-context.js';
import { ExitCode } from '../exit-codes.js';
import { jsonText } from '../render/json.js';
import { checksTable } from '../render/status-health.js';
import { formatExpiry, formatTable } from '../render/table.js';
import { hostsTable } from './hosts.js';

export const STATUS_USAGE = 'twinzone status [ZONE] [--json]';

export function stateName(state: ZoneState): string {
  if (state === ZoneState.ZONE_STATE_UNSPECIFIED) return '?';
  return (ZoneState[state] ?? 'unknown').replace('ZONE_STATE_', '').toLowerCase().replace('_', '-');
}

export function renderStatus(s: GetStatusResponse): string {
  const zones = formatTable(
    ['ZONE', 'LIVE ON', 'LEASE', 'HOLDER', 'EPOCH', 'EXPIRES', 'TWINS', 'RUN'],
    s.zones.map((z) => [
      z.zone,
      z.liveHost || '-',
      z.lease?.state ?? 'free',
      z.lease?.holder || '-',
      String(z.lease?.epoch ?? 0),
      formatExpiry(z.lease?.expiresInMs ?? 0),
      z.twins.map((t) => `${t.host}(${t.role}):${stateName(t.state)}`).join(' '),
      z.activeRun || '-',
    ]),
  );
  return `${zones}\n${frozenLines(s)}${checksTable(s)}\n${hostsTable(s)}`;
}

/** Frozen zones get no automatic run: say so, with who froze them and why. */
function frozenLines(s: GetStatusResponse): string {
  return s.zones
    .filter((z) => z.frozen)
    .map((z) => `${z.zone} is frozen by ${z.frozenBy}${z.frozenReason ? `: ${z.frozenReason}` : ''} (no automatic runs; twinzone unfreeze ${z.zone})\n`)
    .join('');
}

export async function statusCommand(ctx: CliContext, argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { positionals: ['ZONE?'] }, STATUS_USAGE);
  const reply = await ctx.control.getStatus(args.positionals[0] ?? '');
  ctx.out(ctx.json ? jsonText(statusJson(reply)) : renderStatus(reply));
  return ExitCode.Ok;
}

/** The JSON form: zone states by name rather than enum number. */
export function statusJson(s: GetStatusResponse): unknown {
  return { zones: s.zones.map((z) => ({ ...z, twins: z.twins.map((t) => ({ ...t, state: stateName(t.state) })) })), hosts: s.hosts };
}
