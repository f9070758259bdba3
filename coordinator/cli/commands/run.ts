// The run commands: `switchover ZONE [--to HOST]`, `failover ZONE [--to HOST]`,
// `migrate ZONE --to HOST [--via-file PATH]`, `fallback ZONE`, and the DR forms
// `dr switchover|failover ZONE --site S` (also `switchover --site S`). Each starts the
// run and prints its progress as it happens (--json: one JSON line per event); the exit
// code says whether the run succeeded.
import { RunKind, RunProgress } from '../../../shared/gen/twinzone/v1/control.js';
import { parseArgs, UsageError } from '../cli-args.js';
import type { CliContext } from '../cli-context.js';
import { ExitCode } from '../exit-codes.js';
import { jsonLine } from '../render/json.js';
import { ProgressRenderer, RUN_SUCCEEDED } from '../render/progress.js';
import { kindFor, runRequest } from './run-kinds.js';

export const RUN_USAGES: Record<string, string> = {
  switchover: 'twinzone switchover ZONE [--to HOST] [--site SITE] [--json]',
  failover: 'twinzone failover ZONE [--to HOST] [--site SITE] [--json]',
  migrate: 'twinzone migrate ZONE --to HOST [--via-file PATH] [--json]',
  fallback: 'twinzone fallback ZONE [--to HOST] [--json]',
  dr: 'twinzone dr switchover|failover ZONE --site SITE [--to HOST] [--json]',
};

/** Follows a run's events to the end; returns the final state (empty when the stream ended without one). */
export async function followRun(ctx: CliContext, events: AsyncIterable<RunProgress>): Promise<string> {
  const renderer = new ProgressRenderer();
  let finalState = '';
  let waiting: { runId: string; reason: string } | null = null;
  for await (const p of events) {
    if (p.event?.$case === 'finished') finalState = p.event.value.state;
    if (p.event?.$case === 'waiting') waiting = { runId: p.runId, reason: p.event.value.reason };
    ctx.out(ctx.json ? jsonLine(RunProgress.toJSON(p)) : renderer.render(p));
  }
  if (!finalState && !ctx.json) {
    // A run stopped for an operator (unaccepted deltas, ...) is not over: it continues
    // when the same run is asked for again once the cause is dealt with.
    ctx.err(
      waiting
        ? `twinzone: run ${waiting.runId} is waiting for an operator; once that is dealt with, run the same command again to continue it\n`
        : 'twinzone: the coordinator ended the progress stream before the run finished; follow it with twinzone history\n',
    );
  }
  return finalState;
}

export function runCommand(word: 'switchover' | 'failover' | 'migrate' | 'fallback' | 'dr') {
  const usage = RUN_USAGES[word]!;
  return async (ctx: CliContext, argv: readonly string[]): Promise<number> => {
    const positionals = word === 'dr' ? ['KIND', 'ZONE'] : ['ZONE'];
    const options = word === 'migrate' ? ['--to', '--via-file'] : word === 'fallback' ? ['--to'] : ['--to', '--site'];
    const args = parseArgs(argv, { positionals, options }, usage);
    let kind: RunKind;
    if (word === 'dr') {
      const sub = args.positionals[0]!;
      if (sub !== 'switchover' && sub !== 'failover') throw new UsageError(`dr takes switchover or failover, not ${sub}; usage: ${usage}`);
      if (!args.options['--site']) throw new UsageError(`a DR run needs --site SITE (the site to move to); usage: ${usage}`);
      kind = kindFor(sub, args.options['--site'], usage);
    } else {
      kind = kindFor(word, args.options['--site'], usage);
    }
    if (word === 'migrate' && !args.options['--to']) throw new UsageError(`migrate needs --to HOST (the host the zone moves to); usage: ${usage}`);
    const zone = args.positionals[args.positionals.length - 1]!;
    const state = await followRun(ctx, ctx.control.startRun(runRequest(kind, zone, args, usage)));
    return state === RUN_SUCCEEDED ? ExitCode.Ok : ExitCode.Failed;
  };
}
