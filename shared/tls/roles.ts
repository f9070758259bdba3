// The roles a twinzone certificate can carry, and how a certificate carries them: the
// subject's OU is the role, its CN the name (a host name for agents, a person or script
// for operators), O is "twinzone". The same pair is also written as a SAN URI
// twinzone://ROLE/NAME for tools that read SANs; the subject is what twinzone checks.
export const Role = {
  Agent: 'agent',
  Coordinator: 'coordinator',
  Operator: 'operator',
  OperatorReadonly: 'operator-readonly',
} as const;
export type Role = (typeof Role)[keyof typeof Role];

export const ROLES: readonly Role[] = Object.values(Role);

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Who is calling, as its certificate says. */
export interface Caller {
  role: Role;
  name: string;
  /** The certificate subject as one string, for the audit log. */
  subject: string;
}

/** Names go into a certificate subject: plain characters only, so no DN escaping is ever needed. */
export const CERT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

export function subjectOf(role: Role, name: string): string {
  return `CN=${name}, OU=${role}, O=twinzone`;
}
