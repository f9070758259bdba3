// The coordinator's own steps of an upgrade (kinds/upgrade.ts): the data snapshot and
// its undo, the probation, and the snapshot's end after a good probation. The snapshot
// steps call SnapshotAction themselves (op ids derived from the step's, auxOpId) so that
// each thing made or removed is recorded in run_artifacts by the step that did it; every
// call is state-idempotent on the agent, so a step re-run after a crash is harmless.
import { setTimeout as sleep } from 'node:timers/promises';
import { TwinzoneError, isTwinzoneError } from '../../shared/errors/twinzone-error.js';
import { SnapshotVerb } from '../../shared/gen/twinzone/v1/agent.js';
import type { CoordinatorResult, CoordinatorStepEnv } from './coordinator-steps.js';
import { probeRequest } from './coordinator-steps.js';
import { auxOpId } from './op-ids.js';
import type { StepArgs } from './step-catalog.js';

export interface UpgradeStepCall {
  runId: string;
  zone: string;
  opId: string;
  epoch: number | null;
}

function snapshotCall(env: CoordinatorStepEnv, call: UpgradeStepCall, host: string, verb: SnapshotVerb, snapshot: string, what: string, countLinesOf = '') {
  return env.pool.get(host).snapshotAction(
    { mutation: { opId: auxOpId(call.opId, what), epoch: call.epoch ?? 0, dryRun: false, zone: call.zone }, verb, snapshot, cloneTarget: '', countLinesOf },
    { signal: env.signal },
  );
}

export async function snapshotData(env: CoordinatorStepEnv, call: UpgradeStepCall, args: StepArgs['snapshot-data']): Promise<CoordinatorResult> {
  for (const [i, snapshot] of args.snapshots.entries()) {
    await snapshotCall(env, call, args.host, SnapshotVerb.SNAPSHOT_VERB_CREATE, snapshot, `snap-${i}`);
    env.store.artifacts.created({ runId: call.runId, zone: call.zone, kind: 'snapshot', host: args.host, name: snapshot }, Date.now());
  }
  return { outcome: `snapshot ${args.snapshots.join(', ')} taken on ${args.host}` };
}

async function destroySnapshots(env: CoordinatorStepEnv, call: UpgradeStepCall, host: string, snapshots: readonly string[]): Promise<void> {
  for (const [i, snapshot] of snapshots.entries()) {
    await snapshotCall(env, call, host, SnapshotVerb.SNAPSHOT_VERB_DESTROY, snapshot, `destroy-${i}`);
    env.store.artifacts.removed(call.zone, 'snapshot', snapshot, Date.now());
  }
}

export async function restoreData(env: CoordinatorStepEnv, call: UpgradeStepCall, args: StepArgs['restore-data']): Promise<CoordinatorResult> {
  const parts: string[] = [];
  if (args.rollback) {
    let discarded: number | null = null;
    for (const [i, snapshot] of args.snapshots.entries()) {
      // The counted log lies on one dataset; the other rollbacks count nothing.
      const reply = await snapshotCall(env, call, args.host, SnapshotVerb.SNAPSHOT_VERB_ROLLBACK, snapshot, `rollback-${i}`, i === 0 ? (args.countLinesOf ?? '') : '');
      if (i === 0 && args.countLinesOf) discarded = reply.discardedLines;
    }
    parts.push(
      `data rolled back to ${args.snapshots.join(', ')}` +
        (discarded === null ? '' : `, ${discarded} records written during probation discarded (lines of ${args.countLinesOf})`),
    );
  }
  if (args.keep) parts.push(`snapshot ${args.snapshots.join(', ')} kept on the pool`);
  else {
    await destroySnapshots(env, call, args.host, args.snapshots);
    parts.push(`snapshot ${args.snapshots.join(', ')} destroyed`);
  }
  return { outcome: parts.join('; ') };
}

export async function dropSnapshot(env: CoordinatorStepEnv, call: UpgradeStepCall, args: StepArgs['drop-snapshot']): Promise<CoordinatorResult> {
  if (args.keep) return { outcome: `snapshot ${args.snapshots.join(', ')} kept (--keep-snapshot)` };
  try {
    await destroySnapshots(env, call, args.host, args.snapshots);
    return { outcome: `snapshot ${args.snapshots.join(', ')} destroyed` };
  } catch (err) {
    // Past the commit the upgrade is done; a snapshot left over is the operator's to remove, not a reason to undo.
    if (!isTwinzoneError(err)) throw err;
    return { outcome: `snapshot ${args.snapshots.join(', ')} could not be destroyed on ${args.host} (${err.message}); destroy it by hand with zfs destroy` };
  }
}

/**
 * DESIGN "Rolling upgrade with fallback": the new holder's checks, each at its own
 * interval, for the whole probation; a check failing failureThreshold times in a row
 * fails the step (and so the run falls back). A probe the agent cannot answer counts as
 * a failure of that check: an unreachable new holder is not a healthy one.
 */
export async function probation(env: CoordinatorStepEnv, zone: string, args: StepArgs['probation']): Promise<CoordinatorResult> {
  const started = performance.now();
  const until = started + args.probationMs;
  const streaks = args.checks.map(() => 0);
  const nextDue = args.checks.map(() => started);
  let probes = 0;
  env.waiting(`probation: watching ${zone} on ${args.host} for ${args.probationMs} ms`, {
    host: args.host,
    checks: args.checks.map((c) => `${c.kind} every ${c.intervalMs} ms, ${c.failureThreshold} in a row fail`).join('; '),
  });
  for (;;) {
    const now = performance.now();
    const due = args.checks.flatMap((c, i) => (nextDue[i]! <= now ? [i] : []));
    const replies = await Promise.all(
      due.map((i) =>
        env.pool
          .get(args.host)
          .runProbe(probeRequest(zone, args.service, args.checks[i]!), { signal: env.signal })
          .then((r) => ({ healthy: r.healthy, detail: r.detail }))
          .catch((err: unknown) => {
            if (env.signal.aborted) throw err;
            return { healthy: false, detail: err instanceof Error ? err.message : String(err) };
          }),
      ),
    );
    for (const [k, i] of due.entries()) {
      const check = args.checks[i]!;
      const r = replies[k]!;
      probes += 1;
      nextDue[i] = now + check.intervalMs;
      if (r.healthy) {
        if (streaks[i]! > 0) env.waiting(`probation: ${check.kind} on ${args.host} healthy again after ${streaks[i]} failures`, { host: args.host, check: check.kind });
        streaks[i] = 0;
        continue;
      }
      streaks[i]! += 1;
      const elapsed = Math.round(performance.now() - started);
      if (streaks[i]! >= check.failureThreshold) {
        throw new TwinzoneError(
          'PRECONDITION_FAILED',
          `${check.kind} ${r.detail} (${streaks[i]} times in a row on ${args.host}, ${elapsed} ms into ${args.probationMs} ms)`,
          { fields: { zone, host: args.host, check: check.kind, reason: 'probation' } },
        );
      }
      env.waiting(`probation: ${check.kind} on ${args.host} failed ${streaks[i]} of ${check.failureThreshold}: ${r.detail}`, { host: args.host, check: check.kind });
    }
    const after = performance.now();
    if (after >= until) {
      return { outcome: `${zone} stayed healthy on ${args.host} for the ${args.probationMs} ms probation (${probes} probes of ${args.checks.map((c) => c.kind).join(', ')})` };
    }
    await sleep(Math.max(1, Math.min(until, ...nextDue) - after), undefined, { signal: env.signal });
  }
}
