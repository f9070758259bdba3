#!/usr/bin/env node
// The single `twinzone` entry point. Operator commands and the two daemons
// (`twinzone agent run`, `twinzone coordinator run`) are dispatched from here; the
// daemons are loaded lazily so an agent host never loads coordinator code.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { repoVersion } from '../../shared/version.js';
import { COMPLETIONS, bashCompletion } from './completion.js';
import { OPERATOR_COMMANDS, OPERATOR_HELP, runOperatorCommand } from './operator-commands.js';

const HELP = `usage: twinzone <command> [options]

Commands available in this build:
  agent run --config FILE [--log-pretty]
                            run the agent daemon (one per Solaris global zone)
  coordinator run --config FILE --db FILE [--log-pretty]
                            run the coordinator daemon (logs: pino JSON on stdout;
                            --log-pretty: one readable line each, for a terminal)
  certs init|issue ...      the deployment's CA and certificates (twinzone certs help)
  completion bash           print the bash completion script
  version                   print the twinzone version
  help                      show this text

${OPERATOR_HELP}
The simulated Solaris lab used by the tests and the demo is driven with
\`npm run lab -- help\` from a checkout.
`;

export async function runCli(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'agent': {
      if (rest[0] !== 'run') {
        err('usage: twinzone agent run --config FILE\n');
        return 2;
      }
      // Lazy: an agent host never loads coordinator modules (or better-sqlite3).
      const { runAgent } = await import('../../agent/main.js');
      return runAgent(rest.slice(1));
    }
    case 'coordinator': {
      if (rest[0] !== 'run') {
        err('usage: twinzone coordinator run --config FILE --db FILE\n');
        return 2;
      }
      // Lazy like the agent: operator commands never load the store (better-sqlite3).
      const { runCoordinator } = await import('../main.js');
      return runCoordinator(rest.slice(1));
    }
    case 'certs': {
      // Lazy: only this command loads the certificate generator.
      const { certsCommand } = await import('./commands/certs.js');
      return certsCommand(rest, { out, err, env: process.env });
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      out(rest.includes('--json') ? `${JSON.stringify({ commands: Object.keys(COMPLETIONS), help: HELP })}\n` : HELP);
      return command === undefined ? 2 : 0;
    case 'version':
    case '--version': {
      const json = rest.includes('--json');
      if (rest.some((a) => a !== '--json')) {
        err('twinzone: version takes no arguments but --json\n');
        return 2;
      }
      out(json ? `${JSON.stringify({ version: repoVersion() })}\n` : `twinzone ${repoVersion()}\n`);
      return 0;
    }
    case 'completion': {
      const args = rest.filter((a) => a !== '--json');
      if (args.length !== 1 || args[0] !== 'bash') {
        err('usage: twinzone completion bash [--json]\n');
        return 2;
      }
      out(rest.includes('--json') ? `${JSON.stringify({ shell: 'bash', script: bashCompletion() })}\n` : bashCompletion());
      return 0;
    }
    default:
      if (Object.prototype.hasOwnProperty.call(OPERATOR_COMMANDS, command)) {
        // Bars and colour only where a person watches: stdout a terminal (NO_COLOR: no colour).
        const terminal = process.stdout.isTTY ? { stream: process.stdout, colour: process.env.NO_COLOR === undefined } : null;
        return runOperatorCommand(command, rest, { out, err, env: process.env, terminal });
      }
      err(`twinzone: unknown command '${command}'; run 'twinzone help' for the list\n`);
      return 2;
  }
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runCli(process.argv.slice(2), (s) => process.stdout.write(s), (s) => process.stderr.write(s)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`twinzone: ${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
