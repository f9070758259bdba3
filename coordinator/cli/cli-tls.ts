// The operator's TLS identity for the CLI: --tls-dir DIR (or $TWINZONE_TLS_DIR, else
// ~/.twinzone/tls) holding ca.crt, NAME.crt and NAME.key; NAME from --tls-name (or
// $TWINZONE_TLS_NAME), else the one certificate in DIR. --insecure (or
// TWINZONE_INSECURE=1) talks plaintext to a coordinator run --insecure.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { credentials, type ChannelCredentials } from '@grpc/grpc-js';
import { clientCredentials } from '../../shared/grpc/tls-credentials.js';
import { CA_CERT_FILE } from '../../shared/tls/cert-authority-files.js';
import { Role } from '../../shared/tls/roles.js';
import { loadTlsIdentity, TlsSetupError } from '../../shared/tls/tls-identity.js';
import { UsageError } from './cli-args.js';

export interface CliTlsOptions {
  insecure: boolean;
  dir?: string;
  name?: string;
}

export function defaultTlsDir(env: NodeJS.ProcessEnv): string {
  return env.TWINZONE_TLS_DIR || path.join(env.HOME || os.homedir(), '.twinzone', 'tls');
}

function onlyIdentityIn(dir: string): string {
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((f) => f.endsWith('.crt') && f !== CA_CERT_FILE).map((f) => f.slice(0, -'.crt'.length));
  } catch {
    throw new UsageError(`no certificates in ${dir}: issue one with twinzone certs issue --role operator --name NAME --out ${dir}, point --tls-dir at yours, or pass --insecure for a coordinator run --insecure`);
  }
  if (names.length === 1) return names[0]!;
  if (names.length === 0) throw new UsageError(`no certificate in ${dir}: issue one with twinzone certs issue --role operator --name NAME --out ${dir}`);
  throw new UsageError(`${dir} holds several certificates (${names.sort().join(', ')}); choose one with --tls-name NAME`);
}

/** The credentials to reach the coordinator as this operator; a unusable identity is a UsageError (exit 2). */
export function coordinatorCredentials(o: CliTlsOptions, env: NodeJS.ProcessEnv): ChannelCredentials {
  if (o.insecure || env.TWINZONE_INSECURE === '1') return credentials.createInsecure();
  const dir = o.dir ?? defaultTlsDir(env);
  const name = o.name ?? (env.TWINZONE_TLS_NAME || onlyIdentityIn(dir));
  try {
    const id = loadTlsIdentity({ dir, name }, { roles: [Role.Operator, Role.OperatorReadonly] });
    return clientCredentials(id, { role: Role.Coordinator });
  } catch (err) {
    if (err instanceof TlsSetupError) throw new UsageError(err.message);
    throw err;
  }
}
