// `twinzone history [ZONE] [--limit N]`: runs, newest first, each with its steps, the
// commands they ran and their durations, and the hooks it called (README "Hooks").
import { GetHistoryResponse } from '../../../shared/gen/twinzone/v1/control.js';
import { parseArgs, UsageError } from '../cli-args.js';
import type { CliContext } from '../cli-context.js';
import { ExitCode } from '../exit-codes.js';
import { jsonText } from '../render/json.js';
import { NO_PAINT } from '../render/colour.js';
import { hookLine } from '../render/progress.js';
import { formatDuration, formatTable, formatTime } from '../render/table.js';

export const HISTORY_USAGE = 'twinzone history [ZONE] [--limit N] [--json]';

export function renderHistory(h: GetHistoryResponse): string {
  if (h.runs.length === 0) return 'no runs\n';
  return h.runs
    .map((r) => {
      const head = `run ${r.runId}  ${r.kind} ${r.zone}  ${r.state}  by ${r.requestedBy}  ${formatTime(r.createdAtMs)}${r.finishedAtMs ? ` (${formatDuration(r.finishedAtMs - r.createdAtMs)})` : ''}${r.reason ? `\n  ${r.reason}` : ''}\n`;
      const steps = formatTable(
        ['#', 'TRY', 'STEP', 'HOST', 'STATUS', 'EPOCH', 'TOOK'],
        r.steps.map((s) => [String(s.index), String(s.attempt), s.name, s.host || 'coordinator', s.status, String(s.epoch), s.finishedAtMs ? formatDuration(s.finishedAtMs - s.startedAtMs) : '-']),
      )
        .split('\n')
        .map((l) => (l ? `  ${l}` : l))
        .join('\n');
      const commands = r.steps.flatMap((s) => s.commands.map((c) => `    [${s.index}] ${s.host}# ${c.argv.join(' ')}  → exit ${c.exitCode}, ${formatDuration(c.durationMs)}\n`)).join('');
      const hooks = r.hooks.map((h) => `  ${hookLine(h, NO_PAINT)}`).join('');
      return head + steps + commands + hooks;
    })
    .join('\n');
}

export async function historyCommand(ctx: CliContext, argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { positionals: ['ZONE?'], options: ['--limit'] }, HISTORY_USAGE);
  const limit = args.options['--limit'] === undefined ? 0 : Number(args.options['--limit']);
  if (!Number.isInteger(limit) || limit < 0) throw new UsageError(`--limit must be a whole number; usage: ${HISTORY_USAGE}`);
  const reply = await ctx.control.getHistory(args.positionals[0] ?? '', limit);
  ctx.out(ctx.json ? jsonText(GetHistoryResponse.toJSON(reply)) : renderHistory(reply));
  return ExitCode.Ok;
}
