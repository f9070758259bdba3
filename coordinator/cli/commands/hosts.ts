// `twinzone hosts`: each host's site, agent address, reachability, confirm-down, health
// (from its renewals) and last renewal.
import type { GetStatusResponse } from '../../../shared/gen/twinzone/v1/control.js';
import { parseArgs } from '../cli-args.js';
import type { CliContext } from '../cli-context.js';
import { ExitCode } from '../exit-codes.js';
import { jsonText } from '../render/json.js';
import { lastRenewal } from '../render/status-health.js';
import { formatTable } from '../render/table.js';

export const HOSTS_USAGE = 'twinzone hosts [--json]';

export function hostsTable(s: Pick<GetStatusResponse, 'hosts'>): string {
  return formatTable(
    ['HOST', 'SITE', 'AGENT', 'REACHABLE', 'CONFIRMED DOWN', 'HEALTH', 'LAST RENEWAL'],
    s.hosts.map((h) => [h.host, h.site, h.address, h.reachable ? 'yes' : 'NO', h.confirmedDown ? 'yes' : 'no', h.health || 'unknown', lastRenewal(h.lastRenewalAgeMs)]),
  );
}

export async function hostsCommand(ctx: CliContext, argv: readonly string[]): Promise<number> {
  parseArgs(argv, { positionals: [] }, HOSTS_USAGE);
  const reply = await ctx.control.getStatus('');
  ctx.out(ctx.json ? jsonText({ hosts: reply.hosts }) : hostsTable(reply));
  return ExitCode.Ok;
}
