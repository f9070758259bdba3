// `twinzone site failover|switchover --from SITE [--to SITE] [--concurrency N]
// [--continue-on-failure] [--reason TEXT]`: every zone of a site moves to its twin in the
// other site in priority waves (README "Site-wide runs"). Prints each wave, each zone's
// run as it goes (the run commands' lines, prefixed with the zone) and the end; --json:
// one JSON line per event. Exit 0 when every zone moved and passed its checks, 1 when
// one did not, 2 for bad usage, 3 when refused for safety (an undeclared site).
import { RunKind, StartSiteRunResponse, type RunProgress } from '../../../shared/gen/twinzone/v1/control.js';
import { parseArgs, UsageError } from '../cli-args.js';
import type { CliContext } from '../cli-context.js';
import { ExitCode } from '../exit-codes.js';
import { paintFor } from '../render/colour.js';
import { jsonLine } from '../render/json.js';
import { ProgressRenderer } from '../render/progress.js';
import { formatDuration } from '../render/table.js';

export const SITE_USAGE = 'twinzone site failover|switchover --from SITE [--to SITE] [--concurrency N] [--continue-on-failure] [--reason TEXT] [--json]';

const SITE_KINDS: Record<string, RunKind> = { failover: RunKind.RUN_KIND_DR_FAILOVER, switchover: RunKind.RUN_KIND_DR_SWITCHOVER };

/** Each zone's run gets its own renderer (its own clock), its lines prefixed with the zone. */
class SiteProgress {
  private readonly zoneOfRun = new Map<string, string>();
  private readonly renderers = new Map<string, ProgressRenderer>();

  constructor(private readonly colour: boolean) {}

  line(m: StartSiteRunResponse): string {
    const e = m.event;
    const paint = paintFor(this.colour);
    switch (e?.$case) {
      case 'waveStarted':
        return `wave ${e.value.priority}: ${e.value.zones.join(', ')}\n`;
      case 'run':
        return this.runLine(e.value);
      case 'waveFinished': {
        const failed = e.value.failed.length ? paint.bad(`, failed: ${e.value.failed.join(', ')}`) : '';
        return `wave ${e.value.priority} done in ${formatDuration(e.value.durationMs)}: ${e.value.succeeded.length} moved and healthy${failed}\n`;
      }
      case 'finished':
        return `site run ${e.value.state === 'succeeded' ? paint.ok(e.value.state) : paint.bad(e.value.state)}: ${e.value.reason}\n`;
      default:
        return '';
    }
  }

  private runLine(p: RunProgress): string {
    if (p.event?.$case === 'started') this.zoneOfRun.set(p.runId, p.event.value.zone);
    const zone = this.zoneOfRun.get(p.runId) ?? p.runId;
    let r = this.renderers.get(p.runId);
    if (!r) {
      r = new ProgressRenderer({ showCommands: false, paint: paintFor(this.colour) });
      this.renderers.set(p.runId, r);
    }
    const text = r.render(p);
    return text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => `  ${zone}: ${l}\n`)
      .join('');
  }
}

export async function siteCommand(ctx: CliContext, argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { positionals: ['KIND'], options: ['--from', '--to', '--concurrency', '--reason'], flags: ['--continue-on-failure'] }, SITE_USAGE);
  const kind = SITE_KINDS[args.positionals[0]!];
  if (kind === undefined) throw new UsageError(`site takes failover or switchover, not ${args.positionals[0]}; usage: ${SITE_USAGE}`);
  const fromSite = args.options['--from'];
  if (!fromSite) throw new UsageError(`a site run needs --from SITE (the site the zones leave); usage: ${SITE_USAGE}`);
  const n = args.options['--concurrency'];
  if (n !== undefined && !/^[1-9]\d{0,3}$/.test(n)) throw new UsageError(`--concurrency takes a whole number of runs at once (1 or more), not ${n}; usage: ${SITE_USAGE}`);
  const progress = new SiteProgress(ctx.terminal?.colour ?? false);
  let state = '';
  for await (const m of ctx.control.startSiteRun({
    kind,
    fromSite,
    toSite: args.options['--to'] ?? '',
    concurrency: n === undefined ? 0 : Number(n),
    reason: args.options['--reason'] ?? '',
    continueOnFailure: args.flags.has('--continue-on-failure'),
  })) {
    if (m.event?.$case === 'finished') state = m.event.value.state;
    ctx.out(ctx.json ? jsonLine(StartSiteRunResponse.toJSON(m)) : progress.line(m));
  }
  if (!state && !ctx.json) ctx.err('twinzone: the coordinator ended the stream before the site run finished; follow it with twinzone events\n');
  return state === 'succeeded' ? ExitCode.Ok : ExitCode.Failed;
}
