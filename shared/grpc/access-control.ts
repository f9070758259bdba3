// Authorisation by certificate role, for every call a TLS server receives, before its
// handler runs: a call without a certificate this deployment's CA issued and that is
// valid now is UNAUTHENTICATED; a role the method does not admit is PERMISSION_DENIED.
// Each refusal is one sentence to the caller, a warn line in the log (who, from where,
// which method; never key material) and, where the server keeps an audit log, an event
// (onRefusal). Services fail closed: a method no policy names admits no one.
import { ServerInterceptingCall, type ServerInterceptor } from '@grpc/grpc-js';
import { TwinzoneError } from '../errors/twinzone-error.js';
import { toGrpcStatus } from '../errors/grpc-errors.js';
import type { Logger } from '../log/create-logger.js';
import { peerOfCertificate } from '../tls/peer-identity.js';
import { ROLES, type Caller, type Role } from '../tls/roles.js';

/** Which roles may call each method of one service. */
export interface ServiceAccess {
  /** Methods named here admit exactly these roles... */
  methods?: Readonly<Record<string, readonly Role[]>>;
  /** ...and every other method of the service admits these. */
  others: readonly Role[];
}

export const ANY_ROLE: readonly Role[] = ROLES;

export interface Refusal {
  service: string;
  method: string;
  peer: string;
  caller: Caller | null;
  error: TwinzoneError;
}

export interface AccessControl {
  /** Full service name (twinzone.v1.Agent) → its access. */
  services: ReadonlyMap<string, ServiceAccess>;
  log: Logger;
  /** Called once per refusal, after it is logged (the coordinator audits Control refusals). */
  onRefusal?: (refusal: Refusal) => void;
}

function roleList(roles: readonly Role[]): string {
  if (roles.length > 1) return `a certificate with role ${roles.slice(0, -1).join(', ')} or ${roles[roles.length - 1]}`;
  return `${/^[aeiou]/.test(roles[0]!) ? 'an' : 'a'} ${roles[0]} certificate`;
}

/** The refusal for CALLER on SERVICE/METHOD, or null when the call may go ahead. */
export function accessRefusal(access: ServiceAccess | undefined, service: string, method: string, caller: Caller | null): TwinzoneError | null {
  if (!caller) {
    return new TwinzoneError('UNAUTHENTICATED', `${method} refused: the caller presented no valid twinzone certificate (none, expired, not yet valid, or not issued by this deployment's CA)`, {
      fields: { rpc: method },
    });
  }
  const allowed = access ? access.methods?.[method] ?? access.others : [];
  if (allowed.includes(caller.role)) return null;
  const needs = allowed.length === 0 ? `no certificate may call ${service}/${method}` : `${method} needs ${roleList(allowed)}`;
  return new TwinzoneError('PERMISSION_DENIED', `${method} refused for ${caller.role} ${caller.name}: ${needs}`, {
    fields: { rpc: method, who: caller.name, role: caller.role },
  });
}

export function accessInterceptor(ac: AccessControl): ServerInterceptor {
  return (descriptor, call) =>
    new ServerInterceptingCall(call, {
      start: (next) => {
        next({
          onReceiveMetadata: (metadata, proceed) => {
            const [, service = '', method = ''] = descriptor.path.split('/');
            const caller = peerOfCertificate(call.getAuthContext().sslPeerCertificate);
            const error = accessRefusal(ac.services.get(service), service, method, caller);
            if (!error) return proceed(metadata);
            const peer = call.getPeer();
            ac.log.warn({ rpc: method, service, peer, who: caller?.name, role: caller?.role, err: { code: error.code, message: error.message } }, 'call refused by access control');
            try {
              ac.onRefusal?.({ service, method, peer, caller, error });
            } catch (err) {
              ac.log.error({ err, rpc: method }, 'recording a refused call failed');
            }
            call.sendStatus(toGrpcStatus(error) as Parameters<typeof call.sendStatus>[0]);
          },
        });
      },
    });
}
