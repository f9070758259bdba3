// Where a run calls its hooks (README "Hooks"), read off the plan's steps so that every
// run kind, today's and those added later, gets them from the one run driver:
//
// - pre-online: after the checks that only read (preflight, space, replica state,
//   waiting for a lease to become grantable) and before the first step that changes
//   anything. A failing pre-online hook vetoes the run there, with the zone still live
//   where it was and nothing to undo: the only place a veto is clean.
// - pre-offline: before the source stops the zone (shutdown or halt on the source).
// - post-offline: after the source's last step giving the zone and its storage up.
// - post-online: once every step succeeded (the zone runs and passed its checks on the
//   target, the lease is committed), before the run is recorded as succeeded.
// - on-failure: when the run ends failed, rolled back or rollback_failed.
//
// A run without the source's offline steps (a failover off a dead host) calls no
// pre-offline or post-offline hooks.
import type { RunPlan } from '../runs/run-plan.js';
import type { HookPoint } from './hook-spec.js';

/** Steps that only read or wait: a veto before the first step not among them changes nothing. */
const READ_ONLY_STEPS: ReadonlySet<string> = new Set(['preflight', 'check-space', 'query-replication', 'wait-replica-synced', 'await-lease-grantable', 'wait-healthy']);
const STOPS_ZONE: ReadonlySet<string> = new Set(['shutdown-zone', 'halt-zone']);
const GIVES_UP: ReadonlySet<string> = new Set(['shutdown-zone', 'halt-zone', 'detach-zone', 'unmount-fs', 'deport-storage']);

/** The points called before step INDEX starts, in calling order. */
export type HookSchedule = Map<number, HookPoint[]>;

export function hookSchedule(plan: RunPlan): HookSchedule {
  const schedule: HookSchedule = new Map();
  const add = (index: number, point: HookPoint) => schedule.set(index, [...(schedule.get(index) ?? []), point]);
  const steps = plan.steps;
  const firstChange = steps.findIndex((s) => !READ_ONLY_STEPS.has(s.name));
  // Nothing changes anywhere (a plan of checks only): the veto point is the end.
  add(firstChange === -1 ? steps.length : firstChange, 'pre-online');
  const onSource = (i: number) => plan.source !== null && steps[i]!.host === plan.source;
  const stop = steps.findIndex((s, i) => STOPS_ZONE.has(s.name) && onSource(i));
  if (stop !== -1) {
    add(stop, 'pre-offline');
    let last = stop;
    for (let i = stop + 1; i < steps.length && GIVES_UP.has(steps[i]!.name) && onSource(i); i++) last = i;
    add(last + 1, 'post-offline');
  }
  return schedule;
}
