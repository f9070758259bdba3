// The policy engine's ports on the coordinator's real parts: runs are planned exactly as
// an operator's StartRun is (the lease, the agents' view of where the zone runs, the
// kind's plan, the declaration check) and started in the sequencer as "automation";
// an intruding twin is halted through its agent with a fresh op id.
import { randomUUID } from 'node:crypto';
import { RunRequest } from '../../shared/gen/twinzone/v1/control.js';
import type { ControlDeps } from '../control/control-deps.js';
import { requireDeclaredLoss } from '../control/disaster.js';
import { planFor } from '../control/plan-run.js';
import { toProtoRunKind } from '../control/proto-convert.js';
import type { HealthView } from '../health/health-view.js';
import { AUTOMATION_WHO } from './automation-events.js';
import { PolicyEngine } from './policy-engine.js';
import type { AutomaticRunRequest, IntruderHalter, RunStarter, SiteMover, SiteMoveOutcome, SiteMoveRequest, StartedAutomaticRun } from './automation-ports.js';
import type { Inventory } from '../inventory/inventory-schema.js';
import { RunKind } from '../runs/run-plan.js';

export function sequencerRunStarter(deps: ControlDeps): RunStarter {
  return {
    async start(req: AutomaticRunRequest): Promise<StartedAutomaticRun> {
      const run = RunRequest.fromPartial({ kind: toProtoRunKind(req.kind), zone: req.zone, targetHost: req.target ?? '', reason: req.reason });
      const plan = await planFor(deps, run);
      requireDeclaredLoss(deps, plan);
      const started = deps.sequencer.start(plan, AUTOMATION_WHO);
      return { runId: started.runId, done: started.done.then((o) => ({ state: o.state, reason: o.reason ?? null })) };
    },
  };
}

export function agentIntruderHalter(deps: Pick<ControlDeps, 'agents'>): IntruderHalter {
  return {
    async halt(zone: string, host: string, epoch: number): Promise<void> {
      await deps.agents.get(host).haltZone({ mutation: { opId: `automation-halt-${randomUUID()}`, epoch, dryRun: false, zone } });
    },
  };
}

/**
 * Moves a lost site's zones one DR failover at a time, in priority order (1 first), each
 * started once the one before it ended: the site-wide run in waves (coordinator/site-runs)
 * does this with health-gated waves and concurrency; this is its minimal form.
 */
export function sequentialSiteMover(inventory: Inventory, runs: RunStarter): SiteMover {
  return {
    async moveSite(req: SiteMoveRequest): Promise<SiteMoveOutcome> {
      const priority = new Map(inventory.zones.map((z) => [z.name, z.priority]));
      const order = [...req.zones].sort((a, b) => (priority.get(a) ?? 0) - (priority.get(b) ?? 0) || a.localeCompare(b));
      const succeeded: string[] = [];
      const failed: string[] = [];
      for (const zone of order) {
        try {
          const run = await runs.start({ kind: RunKind.DrFailover, zone, target: null, reason: req.reason });
          const outcome = await run.done;
          (outcome.state === 'succeeded' ? succeeded : failed).push(zone);
        } catch {
          failed.push(zone);
        }
      }
      return { state: failed.length === 0 ? 'succeeded' : 'failed', succeeded, failed, reason: req.reason };
    },
  };
}

/** The policy engine on the daemon's parts, started (coordinator/main.ts, once Control calls are accepted). */
export function startAutomation(deps: ControlDeps & { health: HealthView; site: string | null }): PolicyEngine {
  const runs = sequencerRunStarter(deps);
  const engine = new PolicyEngine({
    inventory: deps.inventory,
    health: deps.health,
    leases: deps.leases,
    store: deps.store,
    clock: deps.clock,
    log: deps.log.child({ component: 'automation' }),
    runs,
    sites: sequentialSiteMover(deps.inventory, runs),
    intruders: agentIntruderHalter(deps),
    site: deps.site,
  });
  engine.start();
  return engine;
}
