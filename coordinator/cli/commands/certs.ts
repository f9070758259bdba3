// `twinzone certs init DIR` and `twinzone certs issue --role R --name N`: the
// deployment's small CA and the identities it issues (shared/tls/cert-authority.ts).
// Local files only; the coordinator is not involved. Keys are written mode 600.
import { TwinzoneError } from '../../../shared/errors/twinzone-error.js';
import { CertError, DEFAULT_CA_DAYS, DEFAULT_CERT_DAYS, initCaDir, issueToDir } from '../../../shared/tls/cert-authority.js';
import { isRole, ROLES } from '../../../shared/tls/roles.js';
import { parseArgs, UsageError } from '../cli-args.js';
import { ExitCode } from '../exit-codes.js';
import { errorJson, jsonText } from '../render/json.js';

export const CERTS_USAGE = `twinzone certs init DIR [--days N] [--json]
       twinzone certs issue --role ${ROLES.join('|')} --name NAME [--ca DIR] [--out DIR] [--days N] [--force] [--json]`;

export const CERTS_HELP = `  certs init DIR                           create a CA in DIR (ca.crt, ca.key mode 600)
  certs issue --role R --name N [--ca DIR] [--out DIR]
                                           issue OUT/N.crt and OUT/N.key (mode 600), OUT/ca.crt beside them;
                                           roles: ${ROLES.join(', ')}; --ca defaults to $TWINZONE_CA_DIR or .
`;

function days(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--days must be a whole number of days, at least 1; usage: ${CERTS_USAGE}`);
  return n;
}

async function run(argv: readonly string[], env: NodeJS.ProcessEnv, json: boolean, out: (s: string) => void): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === 'init') {
    const args = parseArgs(rest, { positionals: ['DIR'], options: ['--days'] }, CERTS_USAGE);
    const files = await initCaDir(args.positionals[0]!, { days: days(args.options['--days'], DEFAULT_CA_DAYS) });
    out(json ? jsonText({ ca: files }) : `CA created: ${files.cert} (key ${files.key}, mode 600; keep it off the hosts)\n`);
    return ExitCode.Ok;
  }
  if (verb === 'issue') {
    const args = parseArgs(rest, { positionals: [], options: ['--role', '--name', '--ca', '--out', '--days'], flags: ['--force'] }, CERTS_USAGE);
    const role = args.options['--role'];
    const name = args.options['--name'];
    if (!isRole(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}; usage: ${CERTS_USAGE}`);
    if (!name) throw new UsageError(`--name is required; usage: ${CERTS_USAGE}`);
    const caDir = args.options['--ca'] ?? (env.TWINZONE_CA_DIR || '.');
    const files = await issueToDir(caDir, args.options['--out'] ?? caDir, { role, name, days: days(args.options['--days'], DEFAULT_CERT_DAYS), force: args.flags.has('--force') });
    out(json ? jsonText({ role, name, ...files }) : `issued ${role} certificate for ${name}: ${files.cert} (key ${files.key}, mode 600), valid until ${files.notAfter}\n`);
    return ExitCode.Ok;
  }
  if (verb === 'help' || verb === undefined) {
    out(`usage: ${CERTS_USAGE}\n${CERTS_HELP}`);
    return verb ? ExitCode.Ok : ExitCode.Usage;
  }
  throw new UsageError(`unknown certs command ${verb}; usage: ${CERTS_USAGE}`);
}

export async function certsCommand(argv: readonly string[], io: { out: (s: string) => void; err: (s: string) => void; env: NodeJS.ProcessEnv }): Promise<number> {
  const json = argv.includes('--json');
  try {
    return await run(argv, io.env, json, io.out);
  } catch (err) {
    if (!(err instanceof UsageError || err instanceof CertError)) throw err;
    if (json) io.out(errorJson(new TwinzoneError('INVALID_ARGUMENT', err.message)));
    else io.err(`twinzone certs: ${err.message}\n`);
    return ExitCode.Usage;
  }
}
