#!/usr/bin/env node
// The single `twinzone` entry point. Operator commands and the two daemons
// (`twinzone agent run`, `twinzone coordinator run`) are dispatched from here; the
// daemons are loaded lazily so an agent host never loads coordinator code.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function version(): string {
  // dist/coordinator/cli/twinzone.js → package.json at the repository root.
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const candidate of [path.join(here, '..', '..', '..', 'package.json'), path.join(here, '..', '..', 'package.json')]) {
    if (fs.existsSync(candidate)) return (JSON.parse(fs.readFileSync(candidate, 'utf8')) as { version: string }).version;
  }
  return 'unknown';
}

const HELP = `usage: twinzone <command> [options]

Commands available in this build:
  version        print the twinzone version
  help           show this text

The simulated Solaris lab used by the tests and the demo is driven with
\`npm run lab -- help\` from a checkout.
`;

export function runCli(argv: string[], out: (s: string) => void, err: (s: string) => void): number {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      out(HELP);
      return command === undefined ? 2 : 0;
    case 'version':
    case '--version':
      if (rest.length > 0) {
        err('twinzone: version takes no arguments\n');
        return 2;
      }
      out(`twinzone ${version()}\n`);
      return 0;
    default:
      err(`twinzone: unknown command '${command}'; run 'twinzone help' for the list\n`);
      return 2;
  }
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = runCli(process.argv.slice(2), (s) => process.stdout.write(s), (s) => process.stderr.write(s));
}
