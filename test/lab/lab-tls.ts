// The lab's certificates, so every lab runs with mutual TLS as production does: one CA
// per lab in DIR/tls, and an identity each for the coordinator, every simulated host's
// agent, an operator ("operator") and a read-only operator ("viewer"). Made on first use
// (ECDSA keys: milliseconds each), once per lab and process even when daemons start
// concurrently. Under vitest every lab shares the test run's CA ($TWINZONE_LAB_CA_DIR,
// made by the global setup, which also points $TWINZONE_TLS_DIR at an operator identity
// of that CA): so a CLI spawned with the test's environment talks to any lab's
// coordinator, as an operator's shell does in production.
import fs from 'node:fs';
import path from 'node:path';
import type { ChannelCredentials } from '@grpc/grpc-js';
import { clientCredentials, type ExpectedServer } from '../../shared/grpc/tls-credentials.js';
import { CA_CERT_FILE } from '../../shared/tls/cert-authority-files.js';
import { createCaPem, issuePem, type PemPair } from '../../shared/tls/cert-authority.js';
import { writePrivateKey } from '../../shared/tls/key-files.js';
import { ROLES, Role } from '../../shared/tls/roles.js';
import { loadTlsIdentity, type TlsIdentity } from '../../shared/tls/tls-identity.js';
import { readLabConfig } from '../solsim/src/state/lab-config.js';

export const LAB_COORDINATOR = 'coordinator';
export const LAB_OPERATOR = 'operator';
export const LAB_VIEWER = 'viewer';

export function labTlsDir(lab: string): string {
  return path.join(path.resolve(lab), 'tls');
}

const made = new Map<string, { promise: Promise<string>; settled: boolean }>();

function writeIdentity(dir: string, name: string, pair: PemPair): void {
  fs.writeFileSync(path.join(dir, `${name}.crt`), pair.cert);
  writePrivateKey(path.join(dir, `${name}.key`), pair.key);
}

function readCa(dir: string): PemPair {
  return { cert: fs.readFileSync(path.join(dir, CA_CERT_FILE), 'utf8'), key: fs.readFileSync(path.join(dir, 'ca.key'), 'utf8') };
}

/**
 * The test run's CA and operator identities in DIR (vitest's global setup): exported as
 * $TWINZONE_LAB_CA_DIR for every lab, and as the CLI's $TWINZONE_TLS_DIR/NAME.
 */
export async function makeTestRunTls(dir: string): Promise<Record<string, string>> {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ca = await createCaPem({ name: 'twinzone test-run CA' });
  writePrivateKey(path.join(dir, 'ca.key'), ca.key);
  fs.writeFileSync(path.join(dir, CA_CERT_FILE), ca.cert);
  writeIdentity(dir, LAB_OPERATOR, await issuePem(ca, { role: Role.Operator, name: LAB_OPERATOR }));
  writeIdentity(dir, LAB_VIEWER, await issuePem(ca, { role: Role.OperatorReadonly, name: LAB_VIEWER }));
  return { TWINZONE_LAB_CA_DIR: dir, TWINZONE_TLS_DIR: dir, TWINZONE_TLS_NAME: LAB_OPERATOR };
}

async function makeLabTls(lab: string): Promise<string> {
  const dir = labTlsDir(lab);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const caFile = path.join(dir, CA_CERT_FILE);
  const shared = process.env.TWINZONE_LAB_CA_DIR;
  let ca: PemPair;
  if (fs.existsSync(caFile)) ca = readCa(dir);
  else {
    ca = shared ? readCa(shared) : await createCaPem({ name: 'twinzone lab CA' });
    writePrivateKey(path.join(dir, 'ca.key'), ca.key);
    fs.writeFileSync(caFile, ca.cert);
  }
  const wanted: Array<[string, Role]> = [
    [LAB_COORDINATOR, Role.Coordinator],
    [LAB_OPERATOR, Role.Operator],
    [LAB_VIEWER, Role.OperatorReadonly],
    ...Object.keys(readLabConfig(lab).hosts).map((h): [string, Role] => [h, Role.Agent]),
  ];
  for (const [name, role] of wanted) {
    if (!fs.existsSync(path.join(dir, `${name}.crt`))) writeIdentity(dir, name, await issuePem(ca, { role, name }));
  }
  return dir;
}

/** DIR/tls with every lab identity in it (made if missing). */
export function ensureLabTls(labDir: string): Promise<string> {
  const lab = path.resolve(labDir);
  const entry = made.get(lab);
  // Made already, unless the lab was wiped since. A making still under way is shared: agents
  // started at once used to each see no CA yet and make their own, so some certificates
  // were issued by a CA the others did not trust.
  if (entry && (!entry.settled || fs.existsSync(path.join(labTlsDir(lab), CA_CERT_FILE)))) return entry.promise;
  const next = { promise: makeLabTls(lab), settled: false };
  made.set(lab, next);
  next.promise.then(
    () => (next.settled = true),
    () => made.delete(lab),
  );
  return next.promise;
}

/** A lab identity (e.g. "coordinator", "hostA", "operator") as loaded by the daemons. */
export function labIdentity(labDir: string, name: string): TlsIdentity {
  return loadTlsIdentity({ dir: labTlsDir(labDir), name }, { roles: ROLES });
}

/** Credentials for calling EXPECTED as the lab identity NAME. */
export function labCredentials(labDir: string, name: string, expected: ExpectedServer): ChannelCredentials {
  return clientCredentials(labIdentity(labDir, name), expected);
}

/** The environment that makes the twinzone CLI talk to the lab's coordinator as NAME. */
export function labCliEnv(labDir: string, name = LAB_OPERATOR): Record<string, string> {
  return { TWINZONE_TLS_DIR: labTlsDir(labDir), TWINZONE_TLS_NAME: name };
}
