// The TLS part of a daemon's configuration file, the same for agent and coordinator:
//
//   tls: { dir: /etc/twinzone/tls, name: hostA }   # DIR/ca.crt, DIR/NAME.crt, DIR/NAME.key
//   insecure: false                                 # true: plaintext, no authentication
//
// and what a daemon does with it at start: load and check its identity (a problem is one
// line, and the daemon exits 2), or, only when asked for by `insecure: true` or the
// --insecure flag, run without TLS and say so loudly in its log.
import path from 'node:path';
import { z } from 'zod';
import { fields, matching, text } from '../config/config-fields.js';
import type { Logger } from '../log/create-logger.js';
import { CERT_NAME, type Role } from './roles.js';
import { loadTlsIdentity, TlsSetupError, type TlsIdentity, type TlsLocation } from './tls-identity.js';

export const DEFAULT_TLS_DIR = '/etc/twinzone/tls';
export const INSECURE_FLAG = '--insecure';

export interface TlsSettings {
  insecure: boolean;
  location: TlsLocation;
}

/** The two fields as both daemons' configuration schemas take them. */
export const TLS_CONFIG_FIELDS = {
  tls: fields({
    dir: text().optional(),
    name: matching(CERT_NAME, 'must be a certificate name (letters, digits, ., _, -)').optional(),
  }).optional(),
  insecure: z.boolean({ error: 'must be true or false' }).optional(),
};

/** The settings from those fields of FILE; DEFAULTNAME when the file names no certificate. */
export function tlsSettingsFrom(cfg: { tls?: { dir?: string; name?: string }; insecure?: boolean }, file: string, defaultName: string): TlsSettings {
  return {
    insecure: cfg.insecure ?? false,
    location: { dir: path.resolve(path.dirname(file), cfg.tls?.dir ?? DEFAULT_TLS_DIR), name: cfg.tls?.name ?? defaultName },
  };
}

export type DaemonTls = { ok: true; identity: TlsIdentity | null } | { ok: false; reason: string };

/** The daemon's identity, null when it runs insecure (then warned about), or the reason it cannot start. */
export function daemonTls(settings: TlsSettings, flagInsecure: boolean, roles: readonly Role[], log: Logger): DaemonTls {
  if (settings.insecure || flagInsecure) {
    log.warn({ tls: false, why: flagInsecure ? INSECURE_FLAG : 'insecure: true in the configuration' }, 'TLS is off: calls are plaintext and unauthenticated, anyone who can reach this port can use it');
    return { ok: true, identity: null };
  }
  try {
    const identity = loadTlsIdentity(settings.location, { roles });
    log.info({ tls: true, who: identity.self.name, role: identity.self.role, cert: identity.files.cert, notAfter: identity.notAfter.toISOString() }, 'TLS identity loaded');
    return { ok: true, identity };
  } catch (err) {
    if (err instanceof TlsSetupError) return { ok: false, reason: `${err.message} (or run with ${INSECURE_FLAG} for a plaintext lab)` };
    throw err;
  }
}
