// The run kinds as the CLI names them, and the RunRequest a command line makes.
import { RunKind, RunRequest } from '../../../shared/gen/twinzone/v1/control.js';
import { UsageError, type ParsedArgs } from '../cli-args.js';
import { parseDurationArg } from '../duration-arg.js';

export const KIND_WORDS: Record<string, RunKind> = {
  switchover: RunKind.RUN_KIND_SWITCHOVER,
  failover: RunKind.RUN_KIND_FAILOVER,
  migrate: RunKind.RUN_KIND_MIGRATE,
  fallback: RunKind.RUN_KIND_FALLBACK,
  'dr-switchover': RunKind.RUN_KIND_DR_SWITCHOVER,
  'dr-failover': RunKind.RUN_KIND_DR_FAILOVER,
  restart: RunKind.RUN_KIND_RESTART,
  upgrade: RunKind.RUN_KIND_UPGRADE,
};

/** `switchover --site S` and `failover --site S` are the DR forms (another site). */
export function kindFor(word: string, site: string | undefined, usage: string): RunKind {
  const kind = KIND_WORDS[site && (word === 'switchover' || word === 'failover') ? `dr-${word}` : word];
  if (kind === undefined) throw new UsageError(`unknown run kind ${word} (one of ${Object.keys(KIND_WORDS).join(', ')}); usage: ${usage}`);
  return kind;
}

export function runRequest(kind: RunKind, zone: string, args: ParsedArgs, usage: string): RunRequest {
  const site = args.options['--site'] ?? '';
  const dr = kind === RunKind.RUN_KIND_DR_SWITCHOVER || kind === RunKind.RUN_KIND_DR_FAILOVER;
  if (dr && !site) throw new UsageError(`a DR run needs --site SITE (the site to move to); usage: ${usage}`);
  if (!dr && site) throw new UsageError(`--site is only for DR runs (dr-switchover, dr-failover); usage: ${usage}`);
  const viaFile = args.options['--via-file'] ?? '';
  if (viaFile && kind !== RunKind.RUN_KIND_MIGRATE) throw new UsageError(`--via-file is only for migrate; usage: ${usage}`);
  return RunRequest.fromPartial({ kind, zone, targetHost: args.options['--to'] ?? '', site, viaFile, ...upgradeOptions(kind, args, usage) });
}

/** upgrade: --probation DURATION (required), --rollback-data, --keep-snapshot; refused on other kinds. */
function upgradeOptions(kind: RunKind, args: ParsedArgs, usage: string): Partial<RunRequest> {
  const probation = args.options['--probation'];
  const rollbackData = args.flags.has('--rollback-data');
  const keepSnapshot = args.flags.has('--keep-snapshot');
  if (kind !== RunKind.RUN_KIND_UPGRADE) {
    if (probation !== undefined || rollbackData || keepSnapshot) throw new UsageError(`--probation, --rollback-data and --keep-snapshot are only for upgrade; usage: ${usage}`);
    return {};
  }
  if (probation === undefined) throw new UsageError(`upgrade needs --probation DURATION (how long the new holder must stay healthy, e.g. 10m); usage: ${usage}`);
  return { probationMs: parseDurationArg('--probation', probation, usage), rollbackData, keepSnapshot };
}
