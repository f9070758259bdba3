// `twinzone drill ZONE --site S [--name NAME] [--keep]`: a DR drill (README "DR drill"),
// followed like any run (each step with its duration and outcome; --json: one JSON line
// per event); the final line is the drill's report. `twinzone drill --cleanup [ZONE]`
// takes apart a drill left behind (--keep, or a crash), found in the coordinator's
// run_artifacts. The exit code says whether the drill (or its cleanup) succeeded.
import { RunKind, RunRequest } from '../../../shared/gen/twinzone/v1/control.js';
import { parseArgs, UsageError } from '../cli-args.js';
import type { CliContext } from '../cli-context.js';
import { ExitCode } from '../exit-codes.js';
import { RUN_SUCCEEDED } from '../render/progress.js';
import { followRun } from './run.js';

export const DRILL_USAGE = 'twinzone drill ZONE --site SITE [--name NAME] [--keep] [--json] | twinzone drill --cleanup [ZONE] [--json]';

export function drillRequest(argv: readonly string[]): RunRequest {
  const args = parseArgs(argv, { positionals: ['ZONE?'], options: ['--site', '--name'], flags: ['--keep', '--cleanup'] }, DRILL_USAGE);
  const zone = args.positionals[0] ?? '';
  const site = args.options['--site'] ?? '';
  const name = args.options['--name'] ?? '';
  const keep = args.flags.has('--keep');
  if (args.flags.has('--cleanup')) {
    if (site || name || keep) throw new UsageError(`--cleanup takes only an optional ZONE; usage: ${DRILL_USAGE}`);
    return RunRequest.fromPartial({ kind: RunKind.RUN_KIND_DRILL, zone, cleanup: true });
  }
  if (!zone) throw new UsageError(`missing ZONE; usage: ${DRILL_USAGE}`);
  if (!site) throw new UsageError(`a drill needs --site SITE (the DR site whose replica is drilled); usage: ${DRILL_USAGE}`);
  return RunRequest.fromPartial({ kind: RunKind.RUN_KIND_DRILL, zone, site, drillName: name, keep });
}

export async function drillCommand(ctx: CliContext, argv: readonly string[]): Promise<number> {
  const end = await followRun(ctx, ctx.control.startRun(drillRequest(argv)));
  return end.state === RUN_SUCCEEDED ? ExitCode.Ok : ExitCode.Failed;
}
