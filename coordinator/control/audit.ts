// Every Control call leaves an event (issue 4: who asked for what, when, from where, and
// what came of it), refusals included, so `twinzone events` answers "who did this".
import { isTwinzoneError } from '../../shared/errors/twinzone-error.js';
import type { CallContext } from '../../shared/grpc/call-context.js';
import type { Refusal } from '../../shared/grpc/access-control.js';
import type { Clock } from '../../shared/time/clock.js';
import type { Store } from '../store/open-database.js';
import { whoOf, type ControlDeps } from './control-deps.js';

/** The audit log's "who" for a caller without a valid certificate. */
export const UNAUTHENTICATED_WHO = '(unauthenticated)';

export interface AuditEntry {
  what: string;
  zone?: string | null;
  run?: string | null;
  details?: Record<string, unknown>;
}

export function record(deps: ControlDeps, ctx: CallContext, entry: AuditEntry, result: string): void {
  deps.store.events.record({
    atMs: deps.clock.nowMs(),
    who: whoOf(ctx),
    fromAddress: ctx.peer,
    what: entry.what,
    zone: entry.zone ?? null,
    run: entry.run ?? null,
    result,
    // The role beside the name: a read-only operator's refused attempt reads as such.
    details: ctx.caller ? { ...entry.details, role: ctx.caller.role } : entry.details ?? {},
  });
}

/** Runs fn and records the call as "ok" or "refused" (with the error's code), then returns or rethrows. */
export async function audited<T>(deps: ControlDeps, ctx: CallContext, entry: AuditEntry, fn: () => Promise<T>): Promise<T> {
  try {
    const out = await fn();
    record(deps, ctx, entry, 'ok');
    return out;
  } catch (err) {
    const code = isTwinzoneError(err) ? err.code : 'INTERNAL';
    record(deps, ctx, { ...entry, details: { ...entry.details, code, message: err instanceof Error ? err.message : String(err) } }, 'refused');
    throw err;
  }
}

/** A call access control refused before any handler ran (no certificate, wrong role): audited too. */
export function recordRefusal(store: Store, clock: Clock, r: Refusal): void {
  store.events.record({
    atMs: clock.nowMs(),
    who: r.caller?.name ?? UNAUTHENTICATED_WHO,
    fromAddress: r.peer,
    what: `${r.service}/${r.method}`,
    zone: null,
    run: null,
    result: 'refused',
    details: { code: r.error.code, message: r.error.message, ...(r.caller ? { role: r.caller.role } : {}) },
  });
}
