// Calls the hooks of one point of a run (README "Hooks"; hook-points.ts says where): the
// zone's site's hooks, then the zone's own, one after another, each on the coordinator's
// host (runExecutable: an argument vector, no shell, killed at its timeout) or through an
// agent (RunHook: only executables under that agent's hooksDir). Every hook's exit code,
// duration and output (head and tail) are journalled as `hook.ran` or `hook.vetoed` and
// streamed as the run's progress. A failing pre-online hook vetoes the run and the rest
// of that point's hooks are not called; other failures are recorded and the run goes on.
//
// After a coordinator restart a point is called again only for the hooks it has no
// journal entry of (a hook in flight at the crash runs again: at least once).
import { isTwinzoneError } from '../../shared/errors/twinzone-error.js';
import { runExecutable, type ExecutableRunner } from '../../shared/process/run-executable.js';
import type { Inventory } from '../inventory/inventory-schema.js';
import type { DriverEnv } from '../runs/run-driver.js';
import type { RunPlan } from '../runs/run-plan.js';
import type { RunState } from '../runs/run-states.js';
import type { Store } from '../store/open-database.js';
import { hookOk, type Hook, type HookPoint, type HookRecord } from './hook-spec.js';
import { findZone } from '../inventory/find-zone.js';

export const HookEvent = { Ran: 'hook.ran', Vetoed: 'hook.vetoed' } as const;

/** What the run driver lends the hooks (run-driver.ts DriverEnv). */
export interface HookEnv extends Pick<DriverEnv, 'store' | 'journal' | 'leases' | 'pool' | 'inventory' | 'clock' | 'log' | 'signal'> {
  /** Wakes the run's watchers after a hook's progress was journalled. */
  notify(): void;
  /** The coordinator's own hooks; runExecutable unless a test says otherwise. */
  runLocal?: ExecutableRunner;
}

export interface HookCall {
  runId: string;
  plan: RunPlan;
  point: HookPoint;
  /** on-failure: how the run ended. */
  state?: RunState;
}

/** The hooks a run of ZONE calls at POINT: its primary twin's site's, then its own, in file order. */
export function hooksAt(inventory: Inventory, zoneName: string, point: HookPoint): Hook[] {
  const zone = findZone(inventory, zoneName);
  if (!zone) return [];
  const primary = zone.twins.find((t) => t.role === 'primary')?.host;
  const site = inventory.sites.find((s) => s.name === inventory.hosts.find((h) => h.name === primary)?.site);
  return [...(site?.hooks ?? []), ...zone.hooks].filter((h) => h.at === point);
}

/** The run's context as the hook sees it (README "Hooks" lists the variables). */
export function hookEnvironment(inventory: Inventory, call: HookCall, epoch: number): Record<string, string> {
  const siteOf = (host: string | null) => (host ? (inventory.hosts.find((h) => h.name === host)?.site ?? '') : '');
  return {
    TWINZONE_HOOK: call.point,
    TWINZONE_ZONE: call.plan.zone,
    TWINZONE_FROM: call.plan.source ?? '',
    TWINZONE_TO: call.plan.target,
    TWINZONE_SITE: siteOf(call.plan.target),
    TWINZONE_FROM_SITE: siteOf(call.plan.source),
    TWINZONE_EPOCH: String(epoch),
    TWINZONE_RUN_ID: call.runId,
    TWINZONE_RUN_KIND: call.plan.kind,
    ...(call.state !== undefined && { TWINZONE_RUN_STATE: call.state }),
  };
}

/** Where the hook runs: 'coordinator', a host, or null when the run has no such host (no source). */
function placeOf(hook: Hook, plan: RunPlan): string | null {
  if (hook.on === 'source') return plan.source;
  if (hook.on === 'target') return plan.target;
  return hook.on;
}

/** The hooks of this point already journalled for the run, by their index in the point's list. */
function journalled(env: HookEnv, runId: string, point: HookPoint): Map<number, HookRecord> {
  const done = new Map<number, HookRecord>();
  for (const e of env.store.events.list({ run: runId, limit: 100_000 })) {
    if ((e.what === HookEvent.Ran || e.what === HookEvent.Vetoed) && e.details.at === point) done.set(Number(e.details.index), e.details as unknown as HookRecord);
  }
  return done;
}

async function callOne(env: HookEnv, hook: Hook, where: string | null, opId: string, call: HookCall, vars: Record<string, string>): Promise<Omit<HookRecord, 'vetoed'>> {
  const base = { at: call.point, on: where ?? hook.on, argv: hook.argv };
  if (where === null) return { ...base, exitCode: -1, timedOut: false, durationMs: 0, stdout: '', stderr: '', error: `the ${call.plan.kind} of ${call.plan.zone} has no ${hook.on} host to run it on` };
  if (where === 'coordinator') {
    const r = await (env.runLocal ?? runExecutable)({ argv: hook.argv, env: vars, timeoutMs: hook.timeoutMs, signal: env.signal });
    return { ...base, ...r, error: null };
  }
  const started = env.clock.nowMs();
  try {
    const r = await env.pool.get(where).runHook({ argv: hook.argv, env: vars, timeoutMs: hook.timeoutMs, opId, zone: call.plan.zone }, { signal: env.signal });
    return { ...base, argv: [r.path, ...hook.argv.slice(1)], exitCode: r.exitCode, timedOut: r.timedOut, durationMs: r.durationMs, stdout: r.stdout, stderr: r.stderr, error: null };
  } catch (err) {
    if (!isTwinzoneError(err)) throw err;
    return { ...base, exitCode: -1, timedOut: false, durationMs: Math.max(0, env.clock.nowMs() - started), stdout: '', stderr: '', error: err.message };
  }
}

/** Calls the point's hooks; answers the vetoing hook's record (pre-online only), else null. */
export async function callHooks(env: HookEnv, call: HookCall): Promise<HookRecord | null> {
  const hooks = hooksAt(env.inventory, call.plan.zone, call.point);
  if (hooks.length === 0) return null;
  const done = journalled(env, call.runId, call.point);
  for (const [index, hook] of hooks.entries()) {
    const earlier = done.get(index);
    if (earlier) {
      if (earlier.vetoed) return earlier;
      continue;
    }
    const where = placeOf(hook, call.plan);
    const vars = hookEnvironment(env.inventory, call, env.leases.get(call.plan.zone)?.epoch ?? 0);
    const opId = `${call.runId}:hook:${call.point}:${index}`;
    const log = env.log.child({ run: call.runId, zone: call.plan.zone, op: opId });
    log.info({ at: call.point, on: where, argv: hook.argv }, 'hook started');
    const ran = await callOne(env, hook, where, opId, call, vars);
    // The coordinator is going away (as a crash would): a hook cut short is no verdict; it
    // runs again on resume.
    if (env.signal.aborted) return null;
    const record: HookRecord = { ...ran, vetoed: call.point === 'pre-online' && !hookOk(ran) };
    const now = env.clock.nowMs();
    env.store.transaction(() => {
      env.journal.record(call.runId, call.plan.zone, record.vetoed ? HookEvent.Vetoed : HookEvent.Ran, hookOk(record) ? 'ok' : 'failed', { ...record, index }, now);
      env.journal.progress({ type: 'hook', runId: call.runId, atMs: now, ...record }, call.plan.zone);
    });
    env.notify();
    (hookOk(record) ? log.info.bind(log) : log.warn.bind(log))({ at: call.point, on: record.on, exitCode: record.exitCode, durationMs: record.durationMs, timedOut: record.timedOut, vetoed: record.vetoed }, 'hook finished');
    if (record.vetoed) return record;
  }
  return null;
}

/** The run's hooks as journalled, in the order they ran (twinzone history). */
export function journalledHooks(store: Store, runId: string): HookRecord[] {
  return store.events
    .list({ run: runId, limit: 100_000 })
    .filter((e) => e.what === HookEvent.Ran || e.what === HookEvent.Vetoed)
    .map((e) => {
      const { index: _index, ...record } = e.details as unknown as HookRecord & { index: number };
      return record;
    });
}
