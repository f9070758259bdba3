// A process's TLS identity: the CA it trusts, its certificate and its private key, read
// from DIR/ca.crt, DIR/NAME.crt and DIR/NAME.key and checked before anything listens or
// connects: the key private to its owner (mode 600), the certificate issued by that CA,
// matching the key, valid now and carrying the role this process runs as. Each problem
// is one line that names the file and what to do.
import fs from 'node:fs';
import path from 'node:path';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { KeyFileError, readPrivateKey } from './key-files.js';
import { peerOfX509 } from './peer-identity.js';
import type { Caller, Role } from './roles.js';
import { CA_CERT_FILE } from './cert-authority-files.js';

export class TlsSetupError extends Error {}

export interface TlsIdentity {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
  /** Who this process is, as its certificate says. */
  self: Caller;
  notAfter: Date;
  files: { ca: string; cert: string; key: string };
}

/** Where a process finds its identity: DIR holds ca.crt, NAME.crt and NAME.key. */
export interface TlsLocation {
  dir: string;
  name: string;
}

function readFile(file: string, what: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new TlsSetupError(`cannot read the ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

function parse(pem: Buffer, file: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch {
    throw new TlsSetupError(`${file} is not a PEM certificate`);
  }
}

export function loadTlsIdentity(where: TlsLocation, expect: { roles: readonly Role[]; now?: Date }): TlsIdentity {
  const files = { ca: path.join(where.dir, CA_CERT_FILE), cert: path.join(where.dir, `${where.name}.crt`), key: path.join(where.dir, `${where.name}.key`) };
  const ca = readFile(files.ca, 'CA certificate');
  const cert = readFile(files.cert, 'certificate');
  let key: Buffer;
  try {
    key = readPrivateKey(files.key);
  } catch (err) {
    if (err instanceof KeyFileError) throw new TlsSetupError(err.message);
    throw err;
  }
  const caCert = parse(ca, files.ca);
  const own = parse(cert, files.cert);
  const hint = `issue a new one with twinzone certs issue --role ${expect.roles[0]} --name ${where.name}`;
  if (!own.checkIssued(caCert) || !own.verify(caCert.publicKey)) throw new TlsSetupError(`${files.cert} was not issued by the CA in ${files.ca}; ${hint}`);
  let matches = false;
  try {
    matches = own.checkPrivateKey(createPrivateKey(key));
  } catch {
    throw new TlsSetupError(`${files.key} is not a PEM private key`);
  }
  if (!matches) throw new TlsSetupError(`${files.key} is not the key of ${files.cert}; ${hint}`);
  const now = expect.now ?? new Date();
  const notAfter = new Date(own.validTo);
  if (notAfter.getTime() < now.getTime()) throw new TlsSetupError(`${files.cert} expired on ${notAfter.toISOString()}; ${hint}`);
  if (new Date(own.validFrom).getTime() > now.getTime()) throw new TlsSetupError(`${files.cert} is not valid before ${new Date(own.validFrom).toISOString()}; check this host's clock`);
  const self = peerOfX509(own);
  if (!self || !expect.roles.includes(self.role)) {
    throw new TlsSetupError(`${files.cert} carries role ${self?.role ?? '(none)'} but this process runs as ${expect.roles.join(' or ')}; ${hint}`);
  }
  return { ca, cert, key, self, notAfter, files };
}
