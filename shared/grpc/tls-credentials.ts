// gRPC credentials from a TLS identity (shared/tls). Servers ask every client for a
// certificate but finish the handshake even without a valid one, so that the call can be
// refused with UNAUTHENTICATED and a sentence, and logged (access-control.ts), instead of
// a bare handshake failure the caller sees as UNAVAILABLE. Clients verify the server
// against the CA and then by role and name instead of DNS (hosts are often dialled by
// address): the coordinator must present a coordinator certificate, an agent the
// certificate of the host the caller meant to reach.
import type { PeerCertificate } from 'node:tls';
import { ChannelCredentials, ServerCredentials, credentials, type ChannelOptions } from '@grpc/grpc-js';
import type { TlsIdentity } from '../tls/tls-identity.js';
import { peerOfCertificate } from '../tls/peer-identity.js';
import type { Role } from '../tls/roles.js';

/**
 * Requests a client certificate without making the handshake fail on a missing or bad
 * one (rejectUnauthorized false): Node still verifies it against the CA, and grpc-js
 * reports the peer certificate only when it verified (getAuthContext), which is what
 * access control reads. (grpc-js's createSsl cannot ask without requiring; its
 * certificate-provider credentials drop every connection when the provider answers
 * synchronously.)
 */
class MutualTlsServerCredentials extends ServerCredentials {
  constructor(id: TlsIdentity) {
    super({ requestCert: true, rejectUnauthorized: false }, { ca: id.ca, cert: id.cert, key: id.key });
  }
  _equals(other: ServerCredentials): boolean {
    return other === this;
  }
}

export function serverCredentials(id: TlsIdentity): ServerCredentials {
  return new MutualTlsServerCredentials(id);
}

export interface ExpectedServer {
  role: Role;
  /** The certificate name the server must carry (an agent's host name); any when absent. */
  name?: string;
}

/** Why PEER is not the server EXPECTED, or undefined when it is. */
export function serverIdentityProblem(peer: PeerCertificate, expected: ExpectedServer): string | undefined {
  const who = peerOfCertificate(peer);
  if (!who) return 'the server certificate carries no twinzone role';
  if (who.role !== expected.role) return `the server presented a ${who.role} certificate (${who.name}) where a ${expected.role} was expected`;
  if (expected.name !== undefined && who.name !== expected.name) return `the server presented the certificate of ${who.name} where ${expected.name} was expected`;
  return undefined;
}

export function clientCredentials(id: TlsIdentity, expected: ExpectedServer): ChannelCredentials {
  return credentials.createSsl(id.ca, id.key, id.cert, {
    checkServerIdentity: (_host, peer) => {
      const problem = serverIdentityProblem(peer, expected);
      return problem ? new Error(problem) : undefined;
    },
  });
}

/**
 * Channel options for a channel to EXPECTED: the TLS server name is the expected
 * certificate name rather than the address (an IP address as SNI is invalid, and Node
 * warns on every connection); the identity check itself is the one above. Plaintext
 * channels ignore it.
 */
export function tlsTargetOptions(expected: ExpectedServer): ChannelOptions {
  return { 'grpc.ssl_target_name_override': expected.name ?? expected.role };
}
