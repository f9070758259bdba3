// The steps the coordinator carries out itself (step-catalog.ts "coordinator-side"):
// checks that read agents, lease transitions, waits. Each one is safe to run again after
// a crash (resume.ts re-runs an in-doubt coordinator step under its op id): checks and
// waits only read, and a lease step that finds its transition already made succeeds.
// Lease transitions go through LeaseManager, durable before any agent acts on them
// (DESIGN "Leases and fencing", I3).
import { setTimeout as sleep } from 'node:timers/promises';
import { TwinzoneError, isTwinzoneError } from '../../shared/errors/twinzone-error.js';
import { ZoneState } from '../../shared/gen/twinzone/v1/common.js';
import type { AgentPool } from '../agents/agent-pool.js';
import { withRetries, type RetryPolicy } from '../agents/call-retry.js';
import type { HealthCheck, Inventory } from '../inventory/inventory-schema.js';
import type { Actor, LeaseManager } from '../leases/lease-manager.js';
import type { Store } from '../store/open-database.js';
import type { Delta } from '../store/delta-store.js';
import { deltasFromReply } from './agent-replies.js';
import { auxOpId } from './op-ids.js';
import type { PreflightCheck, StepArgs, ZoneStateName } from './step-catalog.js';
import { runDrillStep } from './drill-steps.js';
import type { DrillSpec } from './drill-spec.js';
import { dropSnapshot, probation, restoreData, snapshotData } from './upgrade-steps.js';

export interface CoordinatorStepEnv {
  store: Store;
  leases: LeaseManager;
  pool: AgentPool;
  inventory: Inventory;
  actor: Actor;
  signal: AbortSignal;
  /** A wait tells the watchers why the run is not moving (confirm-down, replica lag). */
  waiting(reason: string, details: Record<string, unknown>): void;
}

export interface CoordinatorResult {
  outcome: string;
  /** The epoch a lease step made current or reserved. */
  epoch?: number;
}

function failed(message: string, fields: Record<string, string> = {}, code: 'PRECONDITION_FAILED' | 'INSUFFICIENT_SPACE' | 'COMMAND_TIMEOUT' = 'PRECONDITION_FAILED'): TwinzoneError {
  return new TwinzoneError(code, message, { fields });
}

function zoneStateName(state: ZoneState, detachedManifest: boolean): ZoneStateName {
  switch (state) {
    case ZoneState.ZONE_STATE_RUNNING:
      return 'running';
    case ZoneState.ZONE_STATE_READY:
      return 'ready';
    case ZoneState.ZONE_STATE_INSTALLED:
      return 'installed';
    default:
      return detachedManifest ? 'detached' : 'configured';
  }
}

/** A host's view of the zone; a zone unknown there is `absent`. */
async function zoneStateOn(env: CoordinatorStepEnv, host: string, zone: string): Promise<ZoneStateName> {
  try {
    const z = await env.pool.get(host).getZone({ zone }, { signal: env.signal });
    return zoneStateName(z.zone?.state ?? ZoneState.ZONE_STATE_UNSPECIFIED, z.detachedManifest);
  } catch (err) {
    if (isTwinzoneError(err) && err.code === 'ZONE_NOT_FOUND') return 'absent';
    throw err;
  }
}

function acceptCommand(zone: string, from: string, to: string): string {
  return `twinzone deltas accept ${zone} --from ${from} --to ${to}`;
}

export function deltasText(deltas: readonly Delta[]): string {
  return deltas.map((d) => `${d.subject} ${d.name} (${d.kind}${d.sourceVersion || d.localVersion ? `: ${d.sourceVersion || '-'} → ${d.localVersion || '-'}` : ''})`).join(', ');
}

/** About 15 s in all: long enough for an operation in progress on the zone to end, short enough to report a stuck one. */
const ZONE_BUSY_WAIT: RetryPolicy = { maxAttempts: 8, initialDelayMs: 250, maxDelayMs: 4_000 };

async function preflightCheck(env: CoordinatorStepEnv, zone: string, c: PreflightCheck, opId: string, targetEpoch: number): Promise<void> {
  switch (c.check) {
    case 'agent-up': {
      const r = await env.pool.probe(c.host, env.signal, { waitForReady: true });
      if (r.state !== 'serving') throw failed(r.state === 'unreachable' ? r.error.message : `${c.host}: agent is stopping`, { host: c.host });
      return;
    }
    case 'zone-state': {
      const s = await zoneStateOn(env, c.host, zone);
      if (!c.allow.includes(s)) throw failed(`${zone} is ${s} on ${c.host}; this run needs it ${c.allow.join(' or ')}`, { zone, host: c.host, state: s });
      return;
    }
    case 'storage-visible':
    case 'storage-imported': {
      const facts = await env.pool.get(c.host).getHostFacts({}, { signal: env.signal });
      const g = facts.storage.find((s) => s.name === c.group);
      if (!g) throw failed(`${c.host} does not see ${c.kind} ${c.group}`, { host: c.host, group: c.group });
      if (c.check === 'storage-imported' && !g.imported) throw failed(`${c.kind} ${c.group} is not imported on ${c.host}`, { host: c.host, group: c.group });
      return;
    }
    case 'deltas-accepted': {
      // `attach -n` changes nothing; it carries an op id of its own and the epoch the
      // target is about to be given (the zone's last epoch + 1), not the holder's: a
      // target that took part in a move rolled back since has seen that move's reserved
      // epoch, and would refuse the holder's as stale for good (the campaign: every later
      // move to that host failed its preflight). It takes the zone's lock on the target
      // like any zoneadm operation, so it can meet one still finishing there (a former
      // holder's keeper fencing a lease just moved away): ZONE_BUSY is waited out
      // briefly, as the error catalogue says.
      const reply = await withRetries(
        () => env.pool.get(c.toHost).attachZone(
          { mutation: { opId: auxOpId(opId, `n-${c.toHost}`), epoch: targetEpoch, dryRun: false, zone }, force: false, validateOnly: true },
          { signal: env.signal },
        ),
        { policy: ZONE_BUSY_WAIT, retryable: (err) => isTwinzoneError(err) && err.code === 'ZONE_BUSY', signal: env.signal },
      );
      const unaccepted = env.store.deltas.unaccepted({ zone, fromHost: c.fromHost, toHost: c.toHost }, deltasFromReply(reply.deltas));
      if (unaccepted.length > 0) {
        throw failed(
          `${unaccepted.length} attach deltas of ${zone} are not accepted for ${c.fromHost} → ${c.toHost}: ${deltasText(unaccepted)}; review them and accept with ${acceptCommand(zone, c.fromHost, c.toHost)}`,
          { zone, fromHost: c.fromHost, toHost: c.toHost },
        );
      }
      return;
    }
    case 'path-present': {
      const facts = await env.pool.get(c.host).getHostFacts({ dfPaths: [c.path] }, { signal: env.signal }).catch(() => undefined);
      if (!facts?.df.some((d) => d.path === c.path)) throw failed(`${c.path} does not exist on ${c.host}; create it (the zone's add fs special) first`, { host: c.host, path: c.path });
      return;
    }
    case 'replication-state': {
      const r = await env.pool.get(c.host).queryReplication({ group: c.rdfGroup }, { signal: env.signal });
      if (!c.allow.includes(r.pairState)) throw failed(`SRDF ${c.rdfGroup} is ${r.pairState} seen from ${c.host}; this run needs ${c.allow.join(' or ')}`, { host: c.host, group: c.rdfGroup });
      return;
    }
  }
}

async function preflight(env: CoordinatorStepEnv, zone: string, args: StepArgs['preflight'], opId: string): Promise<CoordinatorResult> {
  const targetEpoch = (env.leases.get(zone)?.lastEpoch ?? 0) + 1;
  // The checks only read, each from one agent: asked all at once, a preflight costs the
  // slowest check rather than their sum (npm run bench: it was the largest share of a
  // switchover's overhead). The first failing check in plan order is the one reported.
  const settled = await Promise.allSettled(args.checks.map((c) => preflightCheck(env, zone, c, opId, targetEpoch)));
  const failure = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;
  return { outcome: `${args.checks.length} checks passed` };
}

async function checkSpace(env: CoordinatorStepEnv, args: StepArgs['check-space']): Promise<CoordinatorResult> {
  const source = await env.pool.get(args.measure.host).getHostFacts({ dfPaths: [args.measure.path] }, { signal: env.signal });
  const neededKb = Number(source.df.find((d) => d.path === args.measure.path)?.usedKb ?? 0);
  for (const need of args.needs) {
    const facts = await env.pool.get(need.host).getHostFacts({ dfPaths: [need.path] }, { signal: env.signal });
    const availKb = Number(facts.df.find((d) => d.path === need.path)?.availKb ?? 0);
    if (availKb < neededKb) {
      throw failed(`${need.path} on ${need.host} has ${availKb} KiB free, needs ${neededKb} KiB for ${need.why}`, { host: need.host, path: need.path }, 'INSUFFICIENT_SPACE');
    }
  }
  return { outcome: `${neededKb} KiB fit in ${args.needs.map((n) => `${n.path} on ${n.host}`).join(', ')}` };
}

function reserve(env: CoordinatorStepEnv, zone: string, target: string): CoordinatorResult {
  const lease = env.leases.get(zone);
  // Already reserved for this target: the transition was made before a crash.
  if (lease?.state === 'migrating' && lease.target === target && lease.reservedEpoch !== null) return { outcome: `epoch ${lease.reservedEpoch} already reserved for ${target}`, epoch: lease.reservedEpoch };
  const l = env.leases.reserveMove(zone, target, env.actor);
  return { outcome: `epoch ${l.reservedEpoch} reserved for ${target}`, epoch: l.reservedEpoch ?? undefined };
}

function commit(env: CoordinatorStepEnv, zone: string, target: string, epoch: number): CoordinatorResult {
  const lease = env.leases.get(zone);
  if (lease?.state === 'held' && lease.holder === target && lease.epoch === epoch) return { outcome: `${target} already holds ${zone} at epoch ${epoch}`, epoch };
  env.leases.commitMove(zone, target, epoch, env.actor);
  return { outcome: `${target} holds ${zone} at epoch ${epoch}`, epoch };
}

function abort(env: CoordinatorStepEnv, zone: string, epoch: number): CoordinatorResult {
  const lease = env.leases.get(zone);
  // No move pending under this epoch: already abandoned or committed before a crash, or
  // the reservation itself failed (the undo of a failed step runs too): nothing to abandon.
  if (!lease || lease.state !== 'migrating' || lease.reservedEpoch !== epoch) {
    const who = lease?.holder ? `; ${lease.holder} holds ${zone} at epoch ${lease.epoch}` : '';
    return { outcome: `no move of ${zone} under epoch ${epoch} is pending${who}`, ...(lease && { epoch: lease.epoch }) };
  }
  const l = env.leases.abortMove(zone, epoch, env.actor);
  return { outcome: `move abandoned; ${l.holder} keeps ${zone} at epoch ${l.epoch}`, epoch: l.epoch };
}

function grant(env: CoordinatorStepEnv, zone: string, host: string, epoch: number | null): CoordinatorResult {
  const lease = env.leases.get(zone);
  if (lease?.state === 'held' && lease.holder === host && epoch !== null && lease.epoch === epoch) return { outcome: `${host} already holds ${zone} at epoch ${epoch}`, epoch };
  const l = env.leases.grant(zone, host, env.actor);
  return { outcome: `${host} granted ${zone} at epoch ${l.epoch}`, epoch: l.epoch };
}

function release(env: CoordinatorStepEnv, zone: string, host: string, epoch: number | null): CoordinatorResult {
  const lease = env.leases.get(zone);
  if (!lease || lease.holder !== host || lease.state === 'released' || (epoch !== null && lease.epoch !== epoch)) return { outcome: `${host} does not hold ${zone} under epoch ${epoch}; nothing to release` };
  env.leases.release(zone, host, lease.epoch, env.actor);
  return { outcome: `${host} released ${zone} (epoch ${lease.epoch})`, epoch: lease.epoch };
}

const POLL_MS = 500;
/** The first retry of a failing health round; doubled each round up to the checks' interval. */
const HEALTH_FIRST_RETRY_MS = 50;

/**
 * DESIGN "Unplanned failover": polls the lease manager's own grant decision until it
 * allows a grant to someone other than the old holder, so the wait never ends before
 * the grant step agrees (same rule, same margin, same clock).
 */
async function awaitGrantable(env: CoordinatorStepEnv, zone: string, target: string, args: StepArgs['await-lease-grantable']): Promise<CoordinatorResult> {
  let told = false;
  const startedAtMs = Date.now();
  for (;;) {
    const lease = env.leases.get(zone);
    if (!lease || lease.holder === null || args.holder === null) return { outcome: `${zone} has no holder to wait for` };
    const d = env.leases.grantDecision(zone, target);
    if (!d) return { outcome: `${zone} has no lease to wait for` };
    if (d.ok) return { outcome: d.reason };
    // The holder renewing a whole renewal period after the wait began (not a renewal
    // already in flight when it died) is alive and keeps the lease: the wait would never
    // end. Say so and change nothing (the campaign: a crashed host back up renewed its
    // re-armed leases while four failovers waited for ever).
    if (lease.holder === args.holder && lease.renewedAtMs !== null && lease.expiresAtMs !== null) {
      const periodMs = (lease.expiresAtMs - lease.renewedAtMs) / 3;
      if (lease.renewedAtMs > startedAtMs + periodMs) {
        throw failed(
          `${lease.holder} renewed its lease on ${zone} at ${new Date(lease.renewedAtMs).toISOString()}, after this failover began: its agent is alive and holds the zone. ` +
            `Nothing was changed; to move ${zone}, use twinzone switchover ${zone} --to ${target}, or twinzone restart ${zone} to bring it up on ${lease.holder}`,
          { zone, holder: lease.holder },
        );
      }
    }
    if (!told) {
      told = true;
      env.waiting(d.reason, { holder: lease.holder, lossPolicy: args.lossPolicy, hint: `twinzone confirm-down ${lease.holder} if it is down` });
    }
    // Wake when the lease becomes grantable (expiry plus margin) rather than up to a poll
    // period after it: the failover's decision comes that much sooner (npm run bench).
    const grantableInMs = (lease.expiresAtMs ?? 0) + env.leases.marginFor(zone) - Date.now();
    await sleep(grantableInMs > 0 ? Math.min(POLL_MS, grantableInMs + 1) : POLL_MS, undefined, { signal: env.signal });
  }
}

async function waitReplicaSynced(env: CoordinatorStepEnv, args: StepArgs['wait-replica-synced']): Promise<CoordinatorResult> {
  const until = performance.now() + args.timeoutMs;
  for (;;) {
    const r = await env.pool.get(args.host).queryReplication({ group: args.rdfGroup }, { signal: env.signal });
    if (Number(r.r2InvalidTracks) === 0) return { outcome: `${args.rdfGroup} in sync (${r.pairState})` };
    if (performance.now() >= until) {
      throw failed(`SRDF ${args.rdfGroup} still owes ${r.r2InvalidTracks} tracks after ${args.timeoutMs} ms`, { host: args.host, group: args.rdfGroup }, 'COMMAND_TIMEOUT');
    }
    await sleep(args.pollMs, undefined, { signal: env.signal });
  }
}

export function probeRequest(zone: string, service: StepArgs['wait-healthy']['service'], c: HealthCheck) {
  const timeoutMs = c.timeoutMs;
  switch (c.kind) {
    case 'zone-state':
      return { timeoutMs, probe: { $case: 'zoneState' as const, value: { zone } } };
    case 'tcp':
      return { timeoutMs, probe: { $case: 'tcp' as const, value: { host: c.address, port: c.port } } };
    case 'http':
      return { timeoutMs, probe: { $case: 'http' as const, value: { url: `http://${service.address}:${c.port}${c.path}`, expectStatus: c.expectStatus } } };
    case 'zlogin':
      return { timeoutMs, probe: { $case: 'zlogin' as const, value: { zone, argv: c.argv, expectExitCode: c.expectExitCode } } };
  }
}

/** DESIGN: "wait for running and the application health checks", each probed by the target's agent (RunProbe). */
export async function waitHealthy(env: CoordinatorStepEnv, zone: string, args: StepArgs['wait-healthy']): Promise<CoordinatorResult> {
  const until = performance.now() + args.timeoutMs;
  const interval = Math.min(1_000, ...args.checks.map((c) => c.intervalMs));
  // A twin just booted is usually healthy within moments: retry soon, then back off to the
  // checks' interval, instead of always sleeping a full interval after the first miss
  // (npm run bench: that sleep was most of a switchover's overhead).
  let retryMs = HEALTH_FIRST_RETRY_MS;
  for (;;) {
    // The checks of one round are independent probes on one agent: ask them together.
    const replies = await Promise.all(args.checks.map((c) => env.pool.get(args.host).runProbe(probeRequest(zone, args.service, c), { signal: env.signal })));
    const failing = replies.flatMap((r, i) => (r.healthy ? [] : [`${args.checks[i]!.kind}: ${r.detail}`]));
    if (failing.length === 0) return { outcome: `${zone} on ${args.host} passed ${args.checks.map((c) => c.kind).join(', ')}` };
    if (performance.now() >= until) {
      throw failed(`${zone} on ${args.host} is not healthy after ${args.timeoutMs} ms: ${failing.join('; ')}`, { zone, host: args.host }, 'COMMAND_TIMEOUT');
    }
    await sleep(Math.min(retryMs, interval), undefined, { signal: env.signal });
    retryMs *= 2;
  }
}

export interface CoordinatorCall {
  zone: string;
  /** The run's target (the host an await-lease-grantable waits to grant to). */
  target: string;
  name: string;
  args: unknown;
  opId: string;
  /** The epoch journalled for the step (lease steps: the one they reserve, grant or commit). */
  epoch: number | null;
}

function upgradeCall(env: CoordinatorStepEnv, call: CoordinatorCall) {
  return { runId: env.actor.run ?? '', zone: call.zone, opId: call.opId, epoch: call.epoch };
}

export async function runCoordinatorStep(env: CoordinatorStepEnv, call: CoordinatorCall): Promise<CoordinatorResult> {
  const { zone } = call;
  const a = call.args as never;
  switch (call.name) {
    case 'preflight':
      return preflight(env, zone, a, call.opId);
    case 'check-space':
      return checkSpace(env, a);
    case 'reserve-lease':
      return reserve(env, zone, (a as StepArgs['reserve-lease']).target);
    case 'commit-lease':
    case 'abort-lease': {
      const epoch = call.epoch ?? env.leases.get(zone)?.reservedEpoch ?? null;
      if (epoch === null) throw failed(`${zone} has no reserved epoch to ${call.name === 'commit-lease' ? 'commit' : 'abandon'}`, { zone });
      return call.name === 'commit-lease' ? commit(env, zone, (a as StepArgs['commit-lease']).target, epoch) : abort(env, zone, epoch);
    }
    case 'grant-lease':
      return grant(env, zone, (a as StepArgs['grant-lease']).host, call.epoch);
    case 'release-lease':
      return release(env, zone, (a as StepArgs['release-lease']).host, call.epoch);
    case 'await-lease-grantable':
      return awaitGrantable(env, zone, call.target, a);
    case 'wait-replica-synced':
      return waitReplicaSynced(env, a);
    case 'wait-healthy':
      return waitHealthy(env, zone, a);
    case 'snapshot-data':
      return snapshotData(env, upgradeCall(env, call), a);
    case 'restore-data':
      return restoreData(env, upgradeCall(env, call), a);
    case 'drop-snapshot':
      return dropSnapshot(env, upgradeCall(env, call), a);
    case 'probation':
      return probation(env, zone, a);
    default:
      if (call.name.startsWith('drill-')) return runDrillStep(env, upgradeCall(env, call), call.name, a as DrillSpec);
      throw new TwinzoneError('INTERNAL', `${call.name} is not a coordinator step`, { fields: { step: call.name } });
  }
}
