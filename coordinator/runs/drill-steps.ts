// The coordinator's steps of a DR drill (kinds/drill.ts; README "DR drill"). Each is one
// DrillAction on the DR host, under the drill zone's name and epoch 0: the production
// zone's lease and epoch are never read for it nor raised. A step that makes something
// records it in run_artifacts BEFORE the agent makes it, so that after a crash at any
// point `twinzone drill --cleanup` (or the run's own rollback) finds everything; a step
// that takes something apart marks it removed once the agent says it is gone. Every verb
// is state-idempotent on the agent, so a step re-run after a crash is harmless.
import { TwinzoneError } from '../../shared/errors/twinzone-error.js';
import { DrillVerb, type DrillActionResponse } from '../../shared/gen/twinzone/v1/agent.js';
import { ArtifactKind, type ArtifactKind as Kind } from '../store/artifact-store.js';
import { deltasFromReply } from './agent-replies.js';
import type { CoordinatorResult, CoordinatorStepEnv } from './coordinator-steps.js';
import { waitHealthy } from './coordinator-steps.js';
import type { DrillSpec } from './drill-spec.js';
import { auxOpId } from './op-ids.js';

export interface DrillStepCall {
  runId: string;
  opId: string;
}

/** The run_artifacts kinds a drill leaves, in the order it makes them. */
export const DRILL_ARTIFACT_KINDS: readonly Kind[] = [ArtifactKind.CloneSession, ArtifactKind.Import, ArtifactKind.Mount, ArtifactKind.DrillZone];

function drillCall(env: CoordinatorStepEnv, call: DrillStepCall, d: DrillSpec, verb: DrillVerb, what: string, forceAttach = false): Promise<DrillActionResponse> {
  return env.pool.get(d.host).drillAction(
    {
      mutation: { opId: auxOpId(call.opId, what), epoch: 0, dryRun: false, zone: d.drillZone },
      verb,
      sourceZone: d.zone,
      rdfGroup: d.rdfGroup,
      diskGroup: d.diskGroup,
      cloneGroup: d.cloneGroup,
      volumes: d.volumes,
      zonepath: d.zonepath,
      address: d.address,
      physical: d.physical,
      fsRemaps: d.fsRemaps,
      forceAttach,
      protectedZones: d.protectedZones,
      protectedGroups: d.protectedGroups,
    },
    { signal: env.signal },
  );
}

function created(env: CoordinatorStepEnv, call: DrillStepCall, d: DrillSpec, kind: Kind, name: string): void {
  env.store.artifacts.created({ runId: call.runId, zone: d.zone, kind, host: d.host, name, details: { drill: d } }, Date.now());
}

function removed(env: CoordinatorStepEnv, d: DrillSpec, kind: Kind, name: string): void {
  env.store.artifacts.removed(d.zone, kind, name, Date.now());
}

/** ms since the epoch → "2026-12-07T14:30:05Z, 3.2 s before the clone". */
function pointInTime(ms: number, atMs: number): string {
  return `${new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z')}, ${((atMs - ms) / 1000).toFixed(1)} s before the clone`;
}

/** The DR host answers, the DR twin there is detached and the drill zone absent; no other drill of the zone is left. */
async function preflight(env: CoordinatorStepEnv, call: DrillStepCall, d: DrillSpec): Promise<CoordinatorResult> {
  const left = env.store.artifacts.live(d.zone).filter((a) => DRILL_ARTIFACT_KINDS.includes(a.kind) && a.runId !== call.runId);
  if (left.length > 0) {
    throw new TwinzoneError('PRECONDITION_FAILED', `a drill of ${d.zone} is still present (run ${left[0]!.runId}: ${left.map((a) => `${a.kind} ${a.name}`).join(', ')}); remove it with twinzone drill --cleanup ${d.zone}`, { fields: { zone: d.zone } });
  }
  const probe = await env.pool.probe(d.host, env.signal);
  if (probe.state !== 'serving') {
    throw new TwinzoneError('PRECONDITION_FAILED', `the DR host ${d.host} does not answer (${probe.state === 'unreachable' ? probe.error.message : 'its agent is stopping'}); bring its agent back, then drill again`, { fields: { host: d.host } });
  }
  const zones = await env.pool.get(d.host).listZones({}, { signal: env.signal });
  const drill = zones.zones.find((z) => z.name === d.drillZone);
  if (drill) {
    throw new TwinzoneError('PRECONDITION_FAILED', `zone ${d.drillZone} already exists on ${d.host}; remove it (twinzone drill --cleanup ${d.zone}) or choose another name with --name`, { fields: { zone: d.drillZone, host: d.host } });
  }
  const twin = await env.pool.get(d.host).getZone({ zone: d.zone }, { signal: env.signal });
  if (!twin.detachedManifest) {
    throw new TwinzoneError('PRECONDITION_FAILED', `${d.zone}'s DR twin on ${d.host} is not detached (no detach manifest in its zonepath); a drill copies a detached twin`, { fields: { zone: d.zone, host: d.host } });
  }
  return { outcome: `${d.host} answers, ${d.zone}'s twin there is detached, ${d.drillZone} is free` };
}

async function clone(env: CoordinatorStepEnv, call: DrillStepCall, d: DrillSpec): Promise<CoordinatorResult> {
  created(env, call, d, ArtifactKind.CloneSession, d.rdfGroup);
  const r = await drillCall(env, call, d, DrillVerb.DRILL_VERB_CLONE_REPLICA, 'clone');
  const pit = Number(r.pointInTimeMs) > 0 ? `; the clone holds the replica as of ${pointInTime(Number(r.pointInTimeMs), Date.now())}` : '';
  return { outcome: `replica ${d.rdfGroup} ${r.pairState} (${r.r2InvalidTracks} tracks owed to R2 when cloned)${pit}; ${r.outcome}` };
}

async function importClone(env: CoordinatorStepEnv, call: DrillStepCall, d: DrillSpec): Promise<CoordinatorResult> {
  created(env, call, d, ArtifactKind.Import, d.cloneGroup);
  return { outcome: (await drillCall(env, call, d, DrillVerb.DRILL_VERB_IMPORT_CLONE, 'import')).outcome };
}

async function mount(env: CoordinatorStepEnv, call: DrillStepCall, d: DrillSpec): Promise<CoordinatorResult> {
  for (const v of d.volumes) created(env, call, d, ArtifactKind.Mount, v.mountPoint);
  return { outcome: (await drillCall(env, call, d, DrillVerb.DRILL_VERB_MOUNT_CLONE, 'mount')).outcome };
}

/**
 * The drill zone, attached without -F; over software deltas it is forced only when every
 * delta is accepted for the production pair (holder → DR host), as a DR move would be.
 */
async function createZone(env: CoordinatorStepEnv, call: DrillStepCall, d: DrillSpec): Promise<CoordinatorResult> {
  created(env, call, d, ArtifactKind.DrillZone, d.drillZone);
  const first = await drillCall(env, call, d, DrillVerb.DRILL_VERB_CREATE_ZONE, 'create');
  if (!first.deltas) return { outcome: first.outcome };
  const deltas = deltasFromReply(first.deltas);
  const unaccepted = d.deltasFrom === null ? deltas : env.store.deltas.unaccepted({ zone: d.zone, fromHost: d.deltasFrom, toHost: d.host }, deltas);
  if (unaccepted.length > 0) {
    const pair = d.deltasFrom ? `${d.deltasFrom} → ${d.host}` : `→ ${d.host}`;
    throw new TwinzoneError(
      'PRECONDITION_FAILED',
      `the drill copy of ${d.zone} does not attach on ${d.host}: ${unaccepted.length} software deltas not accepted for ${pair} (${unaccepted.map((x) => `${x.subject} ${x.name}`).join(', ')}); ` +
        `review and accept them (twinzone deltas ${d.zone} --from ${d.deltasFrom ?? 'HOST'} --to ${d.host}), then drill again`,
      { fields: { zone: d.zone, host: d.host } },
    );
  }
  const forced = await drillCall(env, call, d, DrillVerb.DRILL_VERB_CREATE_ZONE, 'create-forced', true);
  return { outcome: forced.outcome };
}

async function simple(env: CoordinatorStepEnv, call: DrillStepCall, d: DrillSpec, verb: DrillVerb, what: string): Promise<CoordinatorResult> {
  return { outcome: (await drillCall(env, call, d, verb, what)).outcome };
}

async function removeZone(env: CoordinatorStepEnv, call: DrillStepCall, d: DrillSpec): Promise<CoordinatorResult> {
  const r = await drillCall(env, call, d, DrillVerb.DRILL_VERB_REMOVE_ZONE, 'remove');
  removed(env, d, ArtifactKind.DrillZone, d.drillZone);
  return { outcome: r.outcome };
}

async function unmount(env: CoordinatorStepEnv, call: DrillStepCall, d: DrillSpec): Promise<CoordinatorResult> {
  const r = await drillCall(env, call, d, DrillVerb.DRILL_VERB_UNMOUNT_CLONE, 'unmount');
  for (const v of d.volumes) removed(env, d, ArtifactKind.Mount, v.mountPoint);
  return { outcome: r.outcome };
}

async function deport(env: CoordinatorStepEnv, call: DrillStepCall, d: DrillSpec): Promise<CoordinatorResult> {
  const r = await drillCall(env, call, d, DrillVerb.DRILL_VERB_DEPORT_CLONE, 'deport');
  removed(env, d, ArtifactKind.Import, d.cloneGroup);
  return { outcome: r.outcome };
}

async function terminate(env: CoordinatorStepEnv, call: DrillStepCall, d: DrillSpec): Promise<CoordinatorResult> {
  const r = await drillCall(env, call, d, DrillVerb.DRILL_VERB_TERMINATE_CLONE, 'terminate');
  removed(env, d, ArtifactKind.CloneSession, d.rdfGroup);
  return { outcome: r.outcome };
}

async function checks(env: CoordinatorStepEnv, d: DrillSpec): Promise<CoordinatorResult> {
  const r = await waitHealthy(env, d.drillZone, { host: d.host, service: d.service, checks: d.checks, timeoutMs: d.checksTimeoutMs });
  return { outcome: `health checks passed: ${r.outcome}` };
}

export function runDrillStep(env: CoordinatorStepEnv, call: DrillStepCall, name: string, d: DrillSpec): Promise<CoordinatorResult> {
  switch (name) {
    case 'drill-preflight':
      return preflight(env, call, d);
    case 'drill-clone':
      return clone(env, call, d);
    case 'drill-import':
      return importClone(env, call, d);
    case 'drill-mount':
      return mount(env, call, d);
    case 'drill-create-zone':
      return createZone(env, call, d);
    case 'drill-boot':
      return simple(env, call, d, DrillVerb.DRILL_VERB_BOOT_ZONE, 'boot');
    case 'drill-checks':
      return checks(env, d);
    case 'drill-halt':
      return simple(env, call, d, DrillVerb.DRILL_VERB_HALT_ZONE, 'halt');
    case 'drill-remove-zone':
      return removeZone(env, call, d);
    case 'drill-unmount':
      return unmount(env, call, d);
    case 'drill-deport':
      return deport(env, call, d);
    case 'drill-terminate':
      return terminate(env, call, d);
    default:
      throw new TwinzoneError('INTERNAL', `${name} is not a drill step`, { fields: { step: name } });
  }
}
