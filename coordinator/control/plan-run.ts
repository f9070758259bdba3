// PlanRun: the kind's plan, then each agent step asked as a dry run (the step's own RPC
// with mutation.dry_run, so the agent answers with the command lines it would run and
// changes nothing). A step whose dry run the agent refuses stays in the plan with the
// refusal as a warning: the plan shows what would stop the run, not just the happy path.
import { randomUUID } from 'node:crypto';
import type { CommandRecord } from '../../shared/errors/twinzone-error.js';
import { isTwinzoneError, TwinzoneError } from '../../shared/errors/twinzone-error.js';
import type { PlannedCommand, PlanRunResponse, RunRequest as ProtoRunRequest } from '../../shared/gen/twinzone/v1/control.js';
import type { AgentConnection } from '../agents/agent-client.js';
import { drillArtifacts } from '../runs/kinds/drill.js';
import { COORDINATOR } from '../runs/plan-table.js';
import { RunKind } from '../runs/run-plan.js';
import type { RunPlan, StepPlan } from '../runs/run-plan.js';
import { buildAgentCall, type AgentCall, type StepRpc } from '../runs/step-catalog.js';
import type { ControlDeps } from './control-deps.js';
import { fromProtoRunKind, toProtoPlannedStep } from './proto-convert.js';
import { planRequest } from './run-request.js';
import { planningLocations } from './zone-locations.js';
import { findZone } from '../inventory/find-zone.js';

/** The request as the domain reads it, the plan built from the lease and the agents' view. */
export async function planFor(deps: ControlDeps, request: ProtoRunRequest | undefined, signal?: AbortSignal): Promise<RunPlan> {
  if (!request) throw new TwinzoneError('INVALID_ARGUMENT', 'the request carries no run', { fields: { field: 'run' } });
  let run = request;
  const kind = fromProtoRunKind(run.kind);
  if (kind === RunKind.Drill && run.cleanup && run.zone === '') run = { ...run, zone: zoneWithDrillLeft(deps) };
  const zone = findZone(deps.inventory, run.zone);
  const hosts = zone ? zone.twins.map((t) => t.host) : [];
  const lease = deps.leases.get(run.zone);
  const where = await planningLocations(deps.agents, lease, run.zone, hosts, signal);
  return planRequest(
    {
      kind,
      zone: run.zone,
      target: run.targetHost,
      site: run.site,
      viaFile: run.viaFile,
      probationMs: run.probationMs,
      rollbackData: run.rollbackData,
      keepSnapshot: run.keepSnapshot,
      nowMs: Date.now(),
      drillName: run.drillName,
      keep: run.keep,
      cleanup: run.cleanup,
    },
    {
      inventory: deps.inventory,
      lease,
      ...where,
      ...(kind === RunKind.Drill && { artifacts: deps.store.artifacts.live(run.zone) }),
    },
  );
}

/** `twinzone drill --cleanup` without a zone: the one zone with a drill left behind. */
function zoneWithDrillLeft(deps: ControlDeps): string {
  const zones = deps.inventory.zones.map((z) => z.name).filter((z) => drillArtifacts(deps.store.artifacts.live(z)).length > 0);
  if (zones.length === 1) return zones[0]!;
  throw new TwinzoneError(
    zones.length === 0 ? 'PRECONDITION_FAILED' : 'INVALID_ARGUMENT',
    zones.length === 0 ? 'no drill is left behind (nothing in run_artifacts); there is nothing to clean up' : `drills of ${zones.join(', ')} are left behind; name one: twinzone drill --cleanup ZONE`,
    { fields: { field: 'zone' } },
  );
}

type Invoke = (c: AgentConnection, request: never, signal?: AbortSignal) => Promise<{ commands?: CommandRecord[] }>;

// One entry per RPC a step can name; tsc checks the table is complete (Record<StepRpc, ...>).
const INVOKE: Record<StepRpc, Invoke> = {
  ShutdownZone: (c, r, signal) => c.shutdownZone(r, { signal }),
  HaltZone: (c, r, signal) => c.haltZone(r, { signal }),
  BootZone: (c, r, signal) => c.bootZone(r, { signal }),
  DetachZone: (c, r, signal) => c.detachZone(r, { signal }),
  AttachZone: (c, r, signal) => c.attachZone(r, { signal }),
  CreateZoneFromDetached: (c, r, signal) => c.createZoneFromDetached(r, { signal }),
  DeleteZoneConfig: (c, r, signal) => c.deleteZoneConfig(r, { signal }),
  ConvertZone: (c, r, signal) => c.convertZone(r, { signal }),
  PrepareZonepath: (c, r, signal) => c.prepareZonepath(r, { signal }),
  ImportStorage: (c, r, signal) => c.importStorage(r, { signal }),
  DeportStorage: (c, r, signal) => c.deportStorage(r, { signal }),
  MountFs: (c, r, signal) => c.mountFs(r, { signal }),
  UnmountFs: (c, r, signal) => c.unmountFs(r, { signal }),
  PullZonepath: (c, r, signal) => c.pullZonepath(r, { signal }),
  PullArchiveFile: (c, r, signal) => c.pullArchiveFile(r, { signal }),
  CreateArchiveFile: (c, r, signal) => c.createArchiveFile(r, { signal }),
  ExtractArchiveFile: (c, r, signal) => c.extractArchiveFile(r, { signal }),
  QueryReplication: (c, r, signal) => c.queryReplication(r, { signal }),
  ReplicationAction: (c, r, signal) => c.replicationAction(r, { signal }),
};

function undoText(step: StepPlan): string {
  if (!step.reversible) return 'cannot be undone';
  return step.undo ? `${step.undo.name} on ${step.undo.host ?? COORDINATOR}` : '';
}

/** The epochs the run's steps would carry: the lease's current one, and the next it would reserve. */
function epochsOf(deps: ControlDeps, zone: string): { current: number; next: number } {
  const lease = deps.leases.get(zone);
  return { current: lease?.epoch ?? 0, next: (lease?.lastEpoch ?? 0) + 1 };
}

async function dryRunStep(deps: ControlDeps, plan: RunPlan, step: StepPlan, planId: string, epoch: number, signal?: AbortSignal): Promise<{ commands: PlannedCommand[]; warning?: string }> {
  if (step.host === null) return { commands: [] };
  // Each dry run gets its own op id: agents keep no record of dry runs, but the id lets
  // one grep of the agent logs find the questions a plan asked.
  const mutation = { opId: `${planId}-${step.index}`, epoch, dryRun: true, zone: plan.zone };
  const call: AgentCall | null = buildAgentCall(step.name, step.args as never, mutation);
  if (!call) return { commands: [] };
  try {
    const reply = await INVOKE[call.rpc](deps.agents.get(step.host), call.request as never, signal);
    return { commands: (reply.commands ?? []).map((c) => ({ host: step.host!, argv: [...c.argv] })) };
  } catch (err) {
    if (!isTwinzoneError(err)) throw err;
    return { commands: [], warning: `step ${step.index} ${step.name} on ${step.host}: ${err.message}` };
  }
}

export async function dryRunPlan(deps: ControlDeps, plan: RunPlan, signal?: AbortSignal): Promise<PlanRunResponse> {
  const planId = `plan-${randomUUID()}`;
  const epochs = epochsOf(deps, plan.zone);
  const response: PlanRunResponse = { steps: [], warnings: [] };
  // One step after another: the agents take one operation per zone at a time, and the
  // dry runs of one zone's steps on one host would otherwise refuse each other (ZONE_BUSY).
  for (const step of plan.steps) {
    const { commands, warning } = await dryRunStep(deps, plan, step, planId, epochs[step.epoch], signal);
    if (warning) response.warnings.push(warning);
    response.steps.push(toProtoPlannedStep({ index: step.index, name: step.name, host: step.host, description: step.description, undo: undoText(step) }, commands));
  }
  return response;
}
