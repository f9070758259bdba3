// `twinzone events [--zone Z] [--who W] [--after ID] [--limit N]`: the audit log.
import { ListEventsResponse } from '../../../shared/gen/twinzone/v1/control.js';
import { parseArgs, UsageError } from '../cli-args.js';
import type { CliContext } from '../cli-context.js';
import { ExitCode } from '../exit-codes.js';
import { jsonText } from '../render/json.js';
import { eventSummaryFromJson } from '../render/status-health.js';
import { formatTable, formatTime } from '../render/table.js';

export const EVENTS_USAGE = 'twinzone events [--zone ZONE] [--who WHO] [--after ID] [--limit N] [--json]';

export function renderEvents(e: ListEventsResponse): string {
  return formatTable(
    ['ID', 'AT', 'WHO', 'FROM', 'WHAT', 'ZONE', 'RESULT', 'DETAIL'],
    e.events.map((x) => [String(x.id), formatTime(x.atMs), x.who, x.fromAddress || '-', x.what, x.zone || '-', x.result, eventSummaryFromJson(x.what, x.detailsJson)]),
  );
}

function whole(value: string | undefined, name: string): number {
  if (value === undefined) return 0;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${name} must be a whole number; usage: ${EVENTS_USAGE}`);
  return n;
}

export async function eventsCommand(ctx: CliContext, argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { positionals: [], options: ['--zone', '--who', '--after', '--limit'] }, EVENTS_USAGE);
  const reply = await ctx.control.listEvents({
    zone: args.options['--zone'] ?? '',
    who: args.options['--who'] ?? '',
    afterId: whole(args.options['--after'], '--after'),
    limit: whole(args.options['--limit'], '--limit'),
  });
  ctx.out(ctx.json ? jsonText(ListEventsResponse.toJSON(reply)) : renderEvents(reply));
  return ExitCode.Ok;
}
