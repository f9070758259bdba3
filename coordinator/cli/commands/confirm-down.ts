// `twinzone confirm-down HOST`: an operator vouches that a host is down (powered off,
// fenced), so its leases may move once they run out, whatever their loss policy.
import { parseArgs } from '../cli-args.js';
import type { CliContext } from '../cli-context.js';
import { ExitCode } from '../exit-codes.js';
import { jsonText } from '../render/json.js';

export const CONFIRM_DOWN_USAGE = 'twinzone confirm-down HOST [--json]';

export async function confirmDownCommand(ctx: CliContext, argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { positionals: ['HOST'] }, CONFIRM_DOWN_USAGE);
  const host = args.positionals[0]!;
  const reply = await ctx.control.confirmDown(host);
  ctx.out(ctx.json ? jsonText({ host, zones: reply.zones }) : `${host} confirmed down; leases it held: ${reply.zones.join(', ') || 'none'}\n`);
  return ExitCode.Ok;
}
