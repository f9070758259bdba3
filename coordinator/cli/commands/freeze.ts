// `twinzone freeze ZONE|--all [--reason TEXT]` and `twinzone unfreeze ZONE|--all`: no
// automatic run touches a frozen zone (maintenance; automation freezes a flapping zone
// itself). Operator runs still go. The coordinator records who froze it, when and why.
import { parseArgs, UsageError } from '../cli-args.js';
import type { CliContext } from '../cli-context.js';
import { ExitCode } from '../exit-codes.js';
import { jsonText } from '../render/json.js';

export const FREEZE_USAGE = 'twinzone freeze ZONE|--all [--reason TEXT] [--json]';
export const UNFREEZE_USAGE = 'twinzone unfreeze ZONE|--all [--json]';

export function freezeCommand(frozen: boolean) {
  const usage = frozen ? FREEZE_USAGE : UNFREEZE_USAGE;
  const word = frozen ? 'freeze' : 'unfreeze';
  return async (ctx: CliContext, argv: readonly string[]): Promise<number> => {
    const args = parseArgs(argv, { positionals: ['ZONE?'], options: frozen ? ['--reason'] : [], flags: ['--all'] }, usage);
    const all = args.flags.has('--all');
    const zone = args.positionals[0] ?? '';
    if (all === (zone !== '')) throw new UsageError(`${word} takes one ZONE or --all; usage: ${usage}`);
    const reason = args.options['--reason'] ?? '';
    const reply = await ctx.control.setFreeze({ zone, all, frozen, reason });
    if (ctx.json) {
      ctx.out(jsonText({ frozen, zones: reply.zones, ...(frozen ? { reason } : {}) }));
    } else if (reply.zones.length === 0) {
      ctx.out(frozen ? 'nothing changed: already frozen\n' : 'nothing changed: not frozen\n');
    } else {
      ctx.out(
        frozen
          ? `frozen: ${reply.zones.join(', ')}; automation leaves them alone until twinzone unfreeze\n`
          : `unfrozen: ${reply.zones.join(', ')}; automation may act on them again\n`,
      );
    }
    return ExitCode.Ok;
  };
}
