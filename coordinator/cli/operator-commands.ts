// The operator commands, dispatched by name, with what they share: the global options
// (--coordinator HOST:PORT, else $TWINZONE_COORDINATOR, else 127.0.0.1:7430; --json;
// --verbose), and one way of reporting a failure: a sentence plus what to do next on
// stderr, or {error: {...}} on stdout with --json, and the exit code from exit-codes.ts.
import { isTwinzoneError, TwinzoneError } from '../../shared/errors/twinzone-error.js';
import { GLOBAL_OPTIONS, UsageError } from './cli-args.js';
import type { CliContext, CommandFn, Terminal } from './cli-context.js';
import { confirmDownCommand } from './commands/confirm-down.js';
import { declareDisasterCommand } from './commands/declare-disaster.js';
import { deltasCommand } from './commands/deltas.js';
import { drillCommand } from './commands/drill.js';
import { eventsCommand } from './commands/events.js';
import { freezeCommand } from './commands/freeze.js';
import { historyCommand } from './commands/history.js';
import { hostsCommand } from './commands/hosts.js';
import { leaseCommand } from './commands/lease-show.js';
import { planCommand } from './commands/plan.js';
import { runCommand } from './commands/run.js';
import { siteCommand } from './commands/site.js';
import { statusCommand } from './commands/status.js';
import { coordinatorCredentials, type CliTlsOptions } from './cli-tls.js';
import { Control, coordinatorAddress } from './control-client.js';
import { ExitCode, exitCodeFor } from './exit-codes.js';
import { errorJson } from './render/json.js';

export const OPERATOR_COMMANDS: Record<string, CommandFn> = {
  status: statusCommand,
  hosts: hostsCommand,
  plan: planCommand,
  switchover: runCommand('switchover'),
  failover: runCommand('failover'),
  migrate: runCommand('migrate'),
  fallback: runCommand('fallback'),
  dr: runCommand('dr'),
  site: siteCommand,
  restart: runCommand('restart'),
  freeze: freezeCommand(true),
  unfreeze: freezeCommand(false),
  upgrade: runCommand('upgrade'),
  drill: drillCommand,
  'declare-disaster': declareDisasterCommand,
  'confirm-down': confirmDownCommand,
  deltas: deltasCommand,
  lease: leaseCommand,
  history: historyCommand,
  events: eventsCommand,
};

export const OPERATOR_HELP = `Operator commands (talk to the coordinator; each takes --json and --coordinator HOST:PORT,
and --tls-dir DIR / --tls-name NAME for the operator certificate, or --insecure):
  status [ZONE]                            zones, where they run, leases, twins; hosts
  hosts                                    hosts with reachability and confirm-down
  plan KIND ZONE [--to H] [--site S] [--via-file P]
                                           steps and exact command lines per host (changes nothing)
  switchover ZONE [--to HOST]              planned move inside a site (--site S: to another site)
  failover ZONE [--to HOST]                unplanned move off a dead or partitioned holder
  migrate ZONE --to HOST [--via-file PATH] first-time migration (streamed pax archive)
  fallback ZONE [--to HOST]                back to the previous twin
  dr switchover|failover ZONE --site S     moves across sites (failover after declare-disaster)
  site failover|switchover --from S [--to S2] [--concurrency N] [--continue-on-failure]
                                           every zone of a site to the other, in priority waves
  restart ZONE                             halt and boot in place on its holder, then its checks
  freeze ZONE|--all [--reason TEXT]        no automatic run touches the zone(s) (maintenance)
  unfreeze ZONE|--all                      automation may act on the zone(s) again
  upgrade ZONE --to HOST --probation DURATION [--rollback-data] [--keep-snapshot]
                                           snapshot, switch over to the patched twin, watch, fall back on failure
  drill ZONE --site S [--name N] [--keep]  DR drill: boot a copy from a clone of the replica, check, report, clean up
  drill --cleanup [ZONE]                   take apart a drill left behind (--keep, or a crash)
  declare-disaster --site S                declare a site lost
  confirm-down HOST                        vouch that a host is down; its leases may move
  deltas ZONE --from A --to B              attach deltas for a host pair
  deltas accept ZONE --from A --to B --all accept them (recorded)
  lease show ZONE                          a zone's lease
  history [ZONE]                           runs with steps, commands and durations
  events [--zone Z] [--who W]              the audit log
Exit codes: 0 ok, 1 the run or operation failed, 2 bad usage, input or configuration,
  3 refused for safety (lease held elsewhere, zone busy, stale epoch, deltas not accepted, ...),
  4 coordinator unreachable.
`;

/** Pulls --coordinator/--json/--verbose out wherever they are, so each command parses only its own. */
export function globalOptions(argv: readonly string[]): { rest: string[]; coordinator?: string; json: boolean; verbose: boolean; tls: CliTlsOptions } {
  const rest: string[] = [];
  const valued: Record<string, string> = {};
  let json = false;
  let verbose = false;
  let insecure = false;
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i]!;
    const option = GLOBAL_OPTIONS.find((o) => a === o || a.startsWith(`${o}=`));
    if (a === '--json') json = true;
    else if (a === '--verbose') verbose = true;
    else if (a === '--insecure') insecure = true;
    else if (option) {
      const value = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (!value || value.startsWith('--')) throw new UsageError(`${option} needs ${option === '--coordinator' ? 'HOST:PORT' : 'a value'}`);
      valued[option] = value;
    } else rest.push(a);
  }
  return { rest, coordinator: valued['--coordinator'], json, verbose, tls: { insecure, dir: valued['--tls-dir'], name: valued['--tls-name'] } };
}

/** The catalogue's hint, except where the CLI knows better: its own coordinator not answering. */
function nextStep(err: TwinzoneError): string {
  if (exitCodeFor(err) === ExitCode.Unreachable) {
    return 'check that twinzone coordinator runs there, or point --coordinator HOST:PORT (or TWINZONE_COORDINATOR) at it';
  }
  return err.hint;
}

export async function runOperatorCommand(
  command: string,
  argv: readonly string[],
  io: { out: (s: string) => void; err: (s: string) => void; env: NodeJS.ProcessEnv; terminal?: Terminal | null },
): Promise<number> {
  const fn = OPERATOR_COMMANDS[command]!;
  let json = argv.includes('--json');
  let control: Control | undefined;
  try {
    const g = globalOptions(argv);
    json = g.json;
    const address = coordinatorAddress(g.coordinator, io.env);
    if (g.verbose) io.err(`twinzone: coordinator ${address}\n`);
    control = new Control(address, coordinatorCredentials(g.tls, io.env));
    const ctx: CliContext = { control, json, out: io.out, err: io.err, terminal: io.terminal ?? null };
    return await fn(ctx, g.rest);
  } catch (err) {
    if (err instanceof UsageError) {
      if (json) io.out(errorJson(new TwinzoneError('INVALID_ARGUMENT', err.message)));
      else io.err(`twinzone ${command}: ${err.message}\n`);
      return ExitCode.Usage;
    }
    if (!isTwinzoneError(err)) throw err;
    if (json) io.out(errorJson(err));
    else io.err(`twinzone ${command}: ${err.message}\n  next: ${nextStep(err)}\n`);
    return exitCodeFor(err);
  } finally {
    control?.close();
  }
}
