// The run commands: `switchover ZONE [--to HOST]`, `failover ZONE [--to HOST]`,
// `migrate ZONE --to HOST [--via-file PATH]`, `fallback ZONE`, and the DR forms
// `dr switchover|failover ZONE --site S` (also `switchover --site S`), and `restart ZONE`
// (halt and boot in place on the lease holder). Each starts the
// run and prints its progress as it happens (--json: one JSON line per event); the exit
// code says whether the run succeeded.
import { RunKind, RunProgress } from '../../../shared/gen/twinzone/v1/control.js';
import { parseArgs, UsageError } from '../cli-args.js';
import type { CliContext } from '../cli-context.js';
import { ExitCode } from '../exit-codes.js';
import { jsonLine } from '../render/json.js';
import { paintFor } from '../render/colour.js';
import { ProgressBars } from '../render/progress-bars.js';
import { ProgressRenderer, RUN_SUCCEEDED } from '../render/progress.js';
import { kindFor, runRequest } from './run-kinds.js';

export const RUN_USAGES: Record<string, string> = {
  switchover: 'twinzone switchover ZONE [--to HOST] [--site SITE] [--json]',
  failover: 'twinzone failover ZONE [--to HOST] [--site SITE] [--json]',
  migrate: 'twinzone migrate ZONE --to HOST [--via-file PATH] [--json]',
  fallback: 'twinzone fallback ZONE [--to HOST] [--json]',
  dr: 'twinzone dr switchover|failover ZONE --site SITE [--to HOST] [--json]',
  restart: 'twinzone restart ZONE [--json]',
  upgrade: 'twinzone upgrade ZONE --to HOST --probation DURATION [--rollback-data] [--keep-snapshot] [--json]',
};

export interface RunEnd {
  /** The final state; empty when the stream ended without one. */
  state: string;
  /** The run stopped for an operator (unaccepted attach deltas, ...) rather than ending. */
  waiting: boolean;
}

/** Follows a run's events to the end: lines (or JSON lines), and bars on a terminal. */
export async function followRun(ctx: CliContext, events: AsyncIterable<RunProgress>): Promise<RunEnd> {
  const terminal = ctx.json ? null : (ctx.terminal ?? null);
  const renderer = new ProgressRenderer({ showCommands: true, paint: paintFor(terminal?.colour ?? false) });
  const bars = terminal ? new ProgressBars(terminal.stream, paintFor(terminal.colour)) : null;
  let finalState = '';
  let waiting: { runId: string; reason: string } | null = null;
  try {
    for await (const p of events) {
      if (p.event?.$case === 'finished') finalState = p.event.value.state;
      if (p.event?.$case === 'waiting') waiting = { runId: p.runId, reason: p.event.value.reason };
      if (ctx.json) ctx.out(jsonLine(RunProgress.toJSON(p)));
      else if (bars) {
        // Lines print above the bars; a transfer is the bar itself.
        if (p.event?.$case !== 'transfer') bars.log(renderer.render(p));
        bars.update(p);
      } else ctx.out(renderer.render(p));
    }
  } finally {
    bars?.stop();
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
  return { state: finalState, waiting: !finalState && waiting !== null };
}

export function runCommand(word: 'switchover' | 'failover' | 'migrate' | 'fallback' | 'dr' | 'restart' | 'upgrade') {
  const usage = RUN_USAGES[word]!;
  return async (ctx: CliContext, argv: readonly string[]): Promise<number> => {
    const positionals = word === 'dr' ? ['KIND', 'ZONE'] : ['ZONE'];
    const options =
      word === 'migrate' ? ['--to', '--via-file'] : word === 'fallback' ? ['--to'] : word === 'restart' ? [] : word === 'upgrade' ? ['--to', '--probation'] : ['--to', '--site'];
    const flags = word === 'upgrade' ? ['--rollback-data', '--keep-snapshot'] : [];
    const args = parseArgs(argv, { positionals, options, flags }, usage);
    let kind: RunKind;
    if (word === 'dr') {
      const sub = args.positionals[0]!;
      if (sub !== 'switchover' && sub !== 'failover') throw new UsageError(`dr takes switchover or failover, not ${sub}; usage: ${usage}`);
      if (!args.options['--site']) throw new UsageError(`a DR run needs --site SITE (the site to move to); usage: ${usage}`);
      kind = kindFor(sub, args.options['--site'], usage);
    } else {
      kind = kindFor(word, args.options['--site'], usage);
    }
    if ((word === 'migrate' || word === 'upgrade') && !args.options['--to']) throw new UsageError(`${word} needs --to HOST (the host the zone moves to); usage: ${usage}`);
    const zone = args.positionals[args.positionals.length - 1]!;
    const end = await followRun(ctx, ctx.control.startRun(runRequest(kind, zone, args, usage)));
    // Waiting for an operator's acceptance is a refusal to go on unchecked, not a failure.
    if (end.waiting) return ExitCode.Refused;
    return end.state === RUN_SUCCEEDED ? ExitCode.Ok : ExitCode.Failed;
  };
}
