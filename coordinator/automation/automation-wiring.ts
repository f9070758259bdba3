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
import { RunKind } from '../runs/run-plan.js';
import { startSiteRun } from '../site-runs/site-run.js';

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
 * Moves a lost site's zones as a site-wide DR failover (coordinator/site-runs): priority
 * waves, the configured concurrency inside a wave, the next wave once the previous one's
 * zones pass their checks on their DR hosts.
 */
export function siteRunMover(deps: ControlDeps): SiteMover {
  return {
    async moveSite(req: SiteMoveRequest): Promise<SiteMoveOutcome> {
      const outcome = await startSiteRun(deps, { kind: RunKind.DrFailover, fromSite: req.fromSite, zones: req.zones, reason: req.reason, requestedBy: AUTOMATION_WHO }, (e) => {
        if (e.type === 'run' && e.event.type === 'run-started') req.onRunStarted(e.zone, e.event.runId);
      });
      return {
        state: outcome.state,
        succeeded: outcome.zones.filter((z) => z.ok).map((z) => z.zone),
        failed: outcome.zones.filter((z) => !z.ok).map((z) => z.zone),
        notStarted: outcome.notStarted,
        reason: outcome.reason,
      };
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
    sites: siteRunMover(deps),
    intruders: agentIntruderHalter(deps),
    site: deps.site,
  });
  engine.start();
  return engine;
}
