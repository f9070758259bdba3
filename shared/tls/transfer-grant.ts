// Transfer grants: the coordinator's signed, one-time permission for one archive stream
// from a source agent to a named target agent (agent.proto TransferGrant). The
// coordinator signs the encoded claims with its certificate's key; the source checks the
// signature, that the signer's certificate is its CA's and a coordinator's and valid
// now, and then the claims themselves against the call (agent/security/).
import { randomUUID, sign, verify, X509Certificate } from 'node:crypto';
import { TransferClaims, type TransferGrant } from '../gen/twinzone/v1/agent.js';
import { peerOfX509 } from './peer-identity.js';
import { Role } from './roles.js';
import type { TlsIdentity } from './tls-identity.js';

/** How long a grant may wait before its stream starts (covers clock skew between hosts too). */
export const TRANSFER_GRANT_TTL_MS = 10 * 60_000;

export type GrantRequest = Omit<TransferClaims, 'nonce' | 'notAfterMs'>;

export class GrantError extends Error {}

export function signTransferGrant(signer: TlsIdentity, request: GrantRequest, nowMs: number, ttlMs = TRANSFER_GRANT_TTL_MS): TransferGrant {
  const claims = TransferClaims.encode({ ...request, nonce: randomUUID(), notAfterMs: nowMs + ttlMs }).finish();
  return {
    claims: Buffer.from(claims),
    signature: sign('sha256', claims, signer.key),
    signerCertificate: signer.cert.toString('utf8'),
  };
}

/** The claims, without checking anything: for the target, which only needs to know whom to dial. */
export function readTransferClaims(grant: TransferGrant): TransferClaims {
  try {
    return TransferClaims.decode(grant.claims);
  } catch {
    throw new GrantError('the transfer grant is malformed');
  }
}

/** The claims of a grant signed by a coordinator certificate of CA that is valid at NOWMS; else why not. */
export function verifyTransferGrant(grant: TransferGrant, ca: Buffer, nowMs: number): TransferClaims {
  let signer: X509Certificate;
  try {
    signer = new X509Certificate(grant.signerCertificate);
  } catch {
    throw new GrantError('the transfer grant carries no readable signer certificate');
  }
  const caCert = new X509Certificate(ca);
  if (!signer.checkIssued(caCert) || !signer.verify(caCert.publicKey)) throw new GrantError("the transfer grant was signed by a certificate this agent's CA did not issue");
  if (Date.parse(signer.validTo) < nowMs || Date.parse(signer.validFrom) > nowMs) throw new GrantError("the transfer grant's signer certificate is not valid now");
  if (peerOfX509(signer)?.role !== Role.Coordinator) throw new GrantError('the transfer grant was not signed by a coordinator certificate');
  if (!verify('sha256', grant.claims, signer.publicKey, grant.signature)) throw new GrantError("the transfer grant's signature does not match its claims");
  const claims = readTransferClaims(grant);
  if (claims.notAfterMs < nowMs) throw new GrantError(`the transfer grant expired at ${new Date(claims.notAfterMs).toISOString()}`);
  return claims;
}
