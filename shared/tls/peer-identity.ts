// Who a certificate names: the role from the subject's OU and the name from its CN
// (roles.ts). A certificate with no twinzone role, or more than one, names no one.
import type { PeerCertificate } from 'node:tls';
import type { X509Certificate } from 'node:crypto';
import { CERT_NAME, isRole, type Caller } from './roles.js';

function single(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function callerOf(fields: { CN?: unknown; OU?: unknown; O?: unknown }): Caller | null {
  const role = single(fields.OU);
  const name = single(fields.CN);
  if (!isRole(role) || !name || !CERT_NAME.test(name) || single(fields.O) !== 'twinzone') return null;
  return { role, name, subject: `CN=${name}, OU=${role}, O=twinzone` };
}

/** The caller a TLS peer certificate (already verified against the CA by TLS) names. */
export function peerOfCertificate(cert: PeerCertificate | undefined): Caller | null {
  if (!cert?.subject) return null;
  return callerOf(cert.subject as unknown as Record<string, unknown>);
}

/** The same for a certificate read from a file or a transfer grant. */
export function peerOfX509(cert: X509Certificate): Caller | null {
  const fields: Record<string, unknown> = {};
  for (const line of cert.subject.split('\n')) {
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const k = line.slice(0, eq);
    // A repeated attribute makes the value ambiguous: refuse it rather than pick one.
    fields[k] = k in fields ? [fields[k], line.slice(eq + 1)] : line.slice(eq + 1);
  }
  return callerOf(fields);
}
