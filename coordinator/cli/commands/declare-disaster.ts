// `twinzone declare-disaster --site S [--reason TEXT]`: the operator's declaration that
// a site is lost; lists the zones whose DR failover may now run.
import { parseArgs, UsageError } from '../cli-args.js';
import type { CliContext } from '../cli-context.js';
import { ExitCode } from '../exit-codes.js';
import { jsonText } from '../render/json.js';

export const DECLARE_DISASTER_USAGE = 'twinzone declare-disaster --site SITE [--reason TEXT] [--json]';

export async function declareDisasterCommand(ctx: CliContext, argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { positionals: [], options: ['--site', '--reason'] }, DECLARE_DISASTER_USAGE);
  const site = args.options['--site'];
  if (!site) throw new UsageError(`declare-disaster needs --site SITE; usage: ${DECLARE_DISASTER_USAGE}`);
  const reply = await ctx.control.declareDisaster(site, args.options['--reason'] ?? '');
  ctx.out(
    ctx.json
      ? jsonText({ site, zones: reply.zones })
      : `disaster declared for site ${site}; zones that may fail over: ${reply.zones.join(', ') || 'none'}\n` +
          (reply.zones.length > 0 ? `next: twinzone dr failover ZONE --site OTHER-SITE\n` : ''),
  );
  return ExitCode.Ok;
}
