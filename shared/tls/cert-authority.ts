// A small certificate authority for one twinzone deployment: ECDSA P-256 keys, X.509
// certificates built and signed with @peculiar/x509 over Node's WebCrypto (no system
// openssl: Solaris 10's is 0.9.7 and lacks what this needs, and nothing is spawned).
//
//   DIR/ca.crt, DIR/ca.key          the CA (key mode 600)
//   OUT/NAME.crt, OUT/NAME.key      an identity; OUT/ca.crt beside it to verify peers
import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { CA_CERT_FILE, CA_KEY_FILE } from './cert-authority-files.js';
import { readPrivateKey, writePrivateKey } from './key-files.js';
import { CERT_NAME, subjectOf, type Role } from './roles.js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
type CryptoKey = webcrypto.CryptoKey;

const subtle = webcrypto.subtle;
const KEY_ALG = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGN_ALG = { ...KEY_ALG, hash: 'SHA-256' } as const;
const DAY_MS = 86_400_000;

export const DEFAULT_CA_DAYS = 3650;
export const DEFAULT_CERT_DAYS = 825;

export class CertError extends Error {}

export interface PemPair {
  cert: string;
  key: string;
}

export interface IssueOptions {
  role: Role;
  name: string;
  days?: number;
  /** Explicit validity (tests issue expired certificates with it). */
  notBefore?: Date;
  notAfter?: Date;
}

function serial(): string {
  // Positive (top bit clear) and unique enough that two issues never collide.
  return '01' + randomBytes(15).toString('hex');
}

async function exportKey(key: CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

async function importKey(pem: string): Promise<CryptoKey> {
  const der = x509.PemConverter.decode(pem)[0];
  if (!der) throw new CertError('the CA key file holds no PEM private key');
  return subtle.importKey('pkcs8', der, KEY_ALG, false, ['sign']);
}

export async function createCaPem(opts: { name?: string; days?: number } = {}): Promise<PemPair> {
  const keys = await subtle.generateKey(KEY_ALG, true, ['sign', 'verify']);
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${opts.name ?? 'twinzone CA'}, O=twinzone`,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + (opts.days ?? DEFAULT_CA_DAYS) * DAY_MS),
    keys,
    signingAlgorithm: SIGN_ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert: cert.toString('pem') + '\n', key: await exportKey(keys.privateKey) + '\n' };
}

export async function issuePem(ca: PemPair, o: IssueOptions): Promise<PemPair> {
  if (!CERT_NAME.test(o.name)) throw new CertError(`certificate name ${JSON.stringify(o.name)} must be 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit`);
  const caCert = new x509.X509Certificate(ca.cert);
  const caKey = await importKey(ca.key);
  const keys = await subtle.generateKey(KEY_ALG, true, ['sign', 'verify']);
  const now = Date.now();
  // A minute back: a peer whose clock is slightly behind must not see it as not yet valid.
  const notBefore = o.notBefore ?? new Date(now - 60_000);
  const notAfter = o.notAfter ?? new Date(now + (o.days ?? DEFAULT_CERT_DAYS) * DAY_MS);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: subjectOf(o.role, o.name),
    issuer: caCert.subject,
    notBefore,
    notAfter,
    signingAlgorithm: SIGN_ALG,
    publicKey: keys.publicKey,
    signingKey: caKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
      // Every role is both: agents serve and call peers; the coordinator serves and calls agents.
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: 'dns', value: o.name },
        { type: 'url', value: `twinzone://${o.role}/${o.name}` },
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
    ],
  });
  return { cert: cert.toString('pem') + '\n', key: await exportKey(keys.privateKey) + '\n' };
}

/** `twinzone certs init DIR`: a new CA; refuses to replace one that is there. */
export async function initCaDir(dir: string, opts: { days?: number } = {}): Promise<{ cert: string; key: string }> {
  const certFile = path.join(dir, CA_CERT_FILE);
  const keyFile = path.join(dir, CA_KEY_FILE);
  if (fs.existsSync(keyFile) || fs.existsSync(certFile)) throw new CertError(`${dir} already holds a CA (${CA_CERT_FILE}); issuing from it needs no init, and replacing it would orphan every certificate it issued`);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ca = await createCaPem({ days: opts.days });
  writePrivateKey(keyFile, ca.key);
  fs.writeFileSync(certFile, ca.cert, { mode: 0o644 });
  return { cert: certFile, key: keyFile };
}

export function readCaDir(dir: string): PemPair {
  const certFile = path.join(dir, CA_CERT_FILE);
  if (!fs.existsSync(certFile)) throw new CertError(`${dir} holds no CA (${CA_CERT_FILE}); create one with twinzone certs init ${dir}`);
  return { cert: fs.readFileSync(certFile, 'utf8'), key: readPrivateKey(path.join(dir, CA_KEY_FILE)).toString('utf8') };
}

/** `twinzone certs issue`: OUT/NAME.crt and OUT/NAME.key (mode 600), and OUT/ca.crt. */
export async function issueToDir(caDir: string, outDir: string, o: IssueOptions & { force?: boolean }): Promise<{ cert: string; key: string; ca: string; notAfter: string }> {
  const ca = readCaDir(caDir);
  const certFile = path.join(outDir, `${o.name}.crt`);
  const keyFile = path.join(outDir, `${o.name}.key`);
  if (!o.force && (fs.existsSync(certFile) || fs.existsSync(keyFile))) throw new CertError(`${certFile} already exists; pass --force to replace it`);
  const pair = await issuePem(ca, o);
  fs.mkdirSync(outDir, { recursive: true, mode: 0o700 });
  writePrivateKey(keyFile, pair.key);
  fs.writeFileSync(certFile, pair.cert, { mode: 0o644 });
  const caCopy = path.join(outDir, CA_CERT_FILE);
  if (path.resolve(caCopy) !== path.resolve(caDir, CA_CERT_FILE)) fs.writeFileSync(caCopy, ca.cert, { mode: 0o644 });
  return { cert: certFile, key: keyFile, ca: caCopy, notAfter: new x509.X509Certificate(pair.cert).notAfter.toISOString() };
}
