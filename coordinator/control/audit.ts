// Every Control call leaves an event (issue 4: who asked for what, when, from where, and
// what came of it), refusals included, so `twinzone events` answers "who did this".
import { isTwinzoneError } from '../../shared/errors/twinzone-error.js';
import type { CallContext } from '../../shared/grpc/call-context.js';
import { OPERATOR, type ControlDeps } from './control-deps.js';

export interface AuditEntry {
  what: string;
  zone?: string | null;
  run?: string | null;
  details?: Record<string, unknown>;
}

export function record(deps: ControlDeps, ctx: CallContext, entry: AuditEntry, result: string): void {
  deps.store.events.record({
    atMs: deps.clock.nowMs(),
    who: OPERATOR,
    fromAddress: ctx.peer,
    what: entry.what,
    zone: entry.zone ?? null,
    run: entry.run ?? null,
    result,
    details: entry.details ?? {},
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
