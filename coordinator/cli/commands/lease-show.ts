// `twinzone lease show ZONE`: the zone's lease (holder, epoch, state, expiry).
import { parseArgs, UsageError } from '../cli-args.js';
import type { CliContext } from '../cli-context.js';
import { ExitCode } from '../exit-codes.js';
import { jsonText } from '../render/json.js';
import { formatExpiry } from '../render/table.js';

export const LEASE_USAGE = 'twinzone lease show ZONE [--json]';

export async function leaseCommand(ctx: CliContext, argv: readonly string[]): Promise<number> {
  if (argv[0] !== 'show') throw new UsageError(`lease takes show; usage: ${LEASE_USAGE}`);
  const args = parseArgs(argv.slice(1), { positionals: ['ZONE'] }, LEASE_USAGE);
  const zone = args.positionals[0]!;
  const reply = await ctx.control.getStatus(zone);
  const lease = reply.zones[0]?.lease ?? { holder: '', epoch: 0, state: 'free', expiresInMs: 0 };
  ctx.out(
    ctx.json
      ? jsonText({ zone, ...lease })
      : `zone     ${zone}\nstate    ${lease.state}\nholder   ${lease.holder || '-'}\nepoch    ${lease.epoch}\nexpires  ${formatExpiry(lease.expiresInMs)}\n`,
  );
  return ExitCode.Ok;
}
