// `twinzone plan KIND ZONE [--to HOST] [--site S] [--via-file PATH]`: the run's steps
// and the exact command lines each host would run, from the agents' dry runs. Changes
// nothing.
import type { PlanRunResponse } from '../../../shared/gen/twinzone/v1/control.js';
import { parseArgs } from '../cli-args.js';
import type { CliContext } from '../cli-context.js';
import { ExitCode } from '../exit-codes.js';
import { jsonText } from '../render/json.js';
import { formatTable } from '../render/table.js';
import { kindFor, runRequest } from './run-kinds.js';

export const PLAN_USAGE = 'twinzone plan KIND ZONE [--to HOST] [--site SITE] [--via-file PATH] [--probation DURATION --rollback-data --keep-snapshot] [--json]';

export function renderPlan(plan: PlanRunResponse): string {
  const table = formatTable(
    ['#', 'HOST', 'STEP', 'UNDO'],
    plan.steps.map((s) => [String(s.index), s.host || 'coordinator', s.description, s.undo || '-']),
  );
  const commands = plan.steps
    .filter((s) => s.commands.length > 0)
    .map((s) => `step ${s.index} ${s.name}:\n${s.commands.map((c) => `  ${c.host}# ${c.argv.join(' ')}\n`).join('')}`)
    .join('');
  const warnings = plan.warnings.length > 0 ? `\nwarnings:\n${plan.warnings.map((w) => `  ${w}\n`).join('')}` : '';
  return `${table}\ncommands each host would run:\n${commands || '  (none)\n'}${warnings}`;
}

export async function planCommand(ctx: CliContext, argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { positionals: ['KIND', 'ZONE'], options: ['--to', '--site', '--via-file', '--probation'], flags: ['--rollback-data', '--keep-snapshot'] }, PLAN_USAGE);
  const [word, zone] = args.positionals as [string, string];
  const site = args.options['--site'];
  const plan = await ctx.control.planRun(runRequest(kindFor(word, site, PLAN_USAGE), zone, args, PLAN_USAGE));
  ctx.out(ctx.json ? jsonText(plan) : renderPlan(plan));
  return ExitCode.Ok;
}
