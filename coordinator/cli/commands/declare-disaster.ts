// `twinzone declare-disaster --site S [--reason TEXT] [--clear]`: the operator's
// declaration that a site is lost (a DR failover out of it needs one); lists the zones
// whose DR failover may now run. --clear withdraws it once the site is back.
import { parseArgs, UsageError } from '../cli-args.js';
import type { CliContext } from '../cli-context.js';
import { ExitCode } from '../exit-codes.js';
import { jsonText } from '../render/json.js';

export const DECLARE_DISASTER_USAGE = 'twinzone declare-disaster --site SITE [--reason TEXT] [--clear] [--json]';

export async function declareDisasterCommand(ctx: CliContext, argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { positionals: [], options: ['--site', '--reason'], flags: ['--clear'] }, DECLARE_DISASTER_USAGE);
  const site = args.options['--site'];
  if (!site) throw new UsageError(`declare-disaster needs --site SITE; usage: ${DECLARE_DISASTER_USAGE}`);
  const clear = args.flags.has('--clear');
  const reply = await ctx.control.declareDisaster(site, args.options['--reason'] ?? '', clear);
  if (ctx.json) {
    ctx.out(jsonText({ site, cleared: clear, zones: reply.zones, declaredBy: reply.declaredBy || null, declaredAtMs: Number(reply.declaredAtMs) || null }));
  } else if (clear) {
    ctx.out(`disaster declaration for site ${site} withdrawn; a DR failover out of ${site} needs a new declaration\n`);
  } else {
    ctx.out(
      `site ${site} declared lost by ${reply.declaredBy} at ${new Date(Number(reply.declaredAtMs)).toISOString()}; zones that may fail over: ${reply.zones.join(', ') || 'none'}\n` +
        (reply.zones.length > 0 ? `next: twinzone dr failover ZONE --site OTHER-SITE\n` : ''),
    );
  }
  return ExitCode.Ok;
}
