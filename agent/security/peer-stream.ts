// The target agent's side of a transfer: whom it dials for the stream, and how. Under
// TLS it calls the source as itself (its agent certificate), accepts only the source
// host the coordinator's grant names, and hands the grant on; the source decides
// (transfer-grant-gate.ts). Without TLS (--insecure) there is no grant to pass.
import type { ChannelCredentials, ChannelOptions } from '@grpc/grpc-js';
import { TwinzoneError } from '../../shared/errors/twinzone-error.js';
import type { TransferGrant } from '../../shared/gen/twinzone/v1/agent.js';
import { tlsTargetOptions } from '../../shared/grpc/tls-credentials.js';
import { GrantError, readTransferClaims } from '../../shared/tls/transfer-grant.js';
import { Role } from '../../shared/tls/roles.js';
import type { AgentRuntime } from '../agent-runtime.js';

export interface PeerStream {
  credentials: ChannelCredentials;
  options: ChannelOptions;
  grant: TransferGrant | undefined;
}

/** What a pull names: the source's address and path, and the grant the coordinator sent. */
export interface PullFacts {
  rpc: 'PullZonepath' | 'PullArchiveFile';
  sourceAddress: string;
  sourcePath: string;
  grant: TransferGrant | undefined;
}

export function peerStreamFor(runtime: AgentRuntime, req: PullFacts): PeerStream {
  if (!runtime.tls) return { credentials: runtime.channelCredentials({ role: Role.Agent }), options: {}, grant: undefined };
  const refuse = (why: string) => new TwinzoneError('PERMISSION_DENIED', `${req.rpc} of ${req.sourcePath} from ${req.sourceAddress} refused: ${why}`, { fields: { rpc: req.rpc } });
  if (!req.grant) throw refuse("it carries no transfer grant from the coordinator, which the source agent requires");
  let claims;
  try {
    claims = readTransferClaims(req.grant);
  } catch (err) {
    if (err instanceof GrantError) throw refuse(err.message);
    throw err;
  }
  if (claims.targetHost !== runtime.config.host) throw refuse(`the grant names ${claims.targetHost} as the target, not this host (${runtime.config.host})`);
  if (claims.zonepath !== req.sourcePath) throw refuse(`the grant is for ${claims.zonepath} on the source`);
  // The source's certificate must be the host the grant names, whatever the address says.
  const expected = { role: Role.Agent, name: claims.sourceHost };
  return { credentials: runtime.channelCredentials(expected), options: tlsTargetOptions(expected), grant: req.grant };
}
