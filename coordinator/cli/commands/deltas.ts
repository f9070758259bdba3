// `twinzone deltas ZONE --from A --to B` lists the attach deltas B's attach would report
// against A's zone, with which are accepted; `twinzone deltas accept ZONE --from A --to B
// --all` accepts every one reported now (recorded with who and when).
import type { ListDeltasResponse } from '../../../shared/gen/twinzone/v1/control.js';
import { parseArgs, UsageError } from '../cli-args.js';
import type { CliContext } from '../cli-context.js';
import { ExitCode } from '../exit-codes.js';
import { jsonText } from '../render/json.js';
import { formatTable, formatTime } from '../render/table.js';

export const DELTAS_USAGE = 'twinzone deltas ZONE --from HOST --to HOST [--json] | twinzone deltas accept ZONE --from HOST --to HOST --all [--json]';

export function renderDeltas(reply: ListDeltasResponse): string {
  if (reply.deltas.length === 0) return 'no deltas: the attach would need no -F\n';
  const table = formatTable(
    ['SUBJECT', 'NAME', 'KIND', 'SOURCE', 'HERE', 'ACCEPTED'],
    reply.deltas.map((d) => [d.subject, d.name, d.kind, d.sourceVersion || '-', d.localVersion || '-', d.accepted ? `by ${d.acceptedBy} ${formatTime(d.acceptedAtMs)}` : 'no']),
  );
  const open = reply.deltas.filter((d) => !d.accepted).length;
  return table + (open > 0 ? `${open} not accepted; accept them with: twinzone deltas accept ZONE --from HOST --to HOST --all\n` : '');
}

export async function deltasCommand(ctx: CliContext, argv: readonly string[]): Promise<number> {
  const accept = argv[0] === 'accept';
  const args = parseArgs(accept ? argv.slice(1) : argv, { positionals: ['ZONE'], options: ['--from', '--to'], flags: accept ? ['--all'] : [] }, DELTAS_USAGE);
  const zone = args.positionals[0]!;
  const from = args.options['--from'];
  const to = args.options['--to'];
  if (!from || !to) throw new UsageError(`deltas need --from HOST (where the zone was detached) and --to HOST (where it attaches); usage: ${DELTAS_USAGE}`);
  if (!accept) {
    const reply = await ctx.control.listDeltas(zone, from, to);
    ctx.out(ctx.json ? jsonText(reply) : renderDeltas(reply));
    return ExitCode.Ok;
  }
  // Naming deltas one by one is the API's; the CLI accepts a reviewed list as a whole.
  if (!args.flags.has('--all')) throw new UsageError(`deltas accept takes --all (every delta listed by twinzone deltas ${zone} --from ${from} --to ${to}); usage: ${DELTAS_USAGE}`);
  const reply = await ctx.control.acceptDeltas({ zone, fromHost: from, toHost: to, deltas: [], all: true });
  ctx.out(ctx.json ? jsonText(reply) : `${reply.accepted} delta(s) newly accepted for ${zone} ${from} → ${to}\n`);
  return ExitCode.Ok;
}
