// Fallback (DESIGN "Rolling upgrade with fallback"): the twin that took over is failing,
// and the zone goes back to the previous holder. The shape of a switchover with the
// roles reversed: the failing host is the source, the previous holder the target.
//
// The failing host may be anywhere in its own bring-up (the zone booted but unhealthy,
// or never booted, attached or not, the storage imported and mounted or not). The plan
// still lists every source step: each agent operation succeeds without acting when its
// goal already holds ("already installed", "already detached", "already unmounted",
// "already deported"), so a partly-done host is taken down from wherever it stopped. Its
// undo is the same as a switchover's: a fallback that itself fails puts the zone back
// on the failing host (shutdown and halt undo to boot), where it was before the run.
//
// The lease: a fallback is a planned move, so the failing host still holds (and renews)
// the lease, and the next epoch is reserved for the previous holder.
import type { Inventory } from '../../inventory/inventory-schema.js';
import { draft, numberSteps, RunKind, type RunPlan } from '../run-plan.js';
import { inSiteMove, requireSource } from './move-targets.js';
import { attach, boot, preflight, quiesceSource, resolvedMoveOptions, takeStorage, targetChecks, waitHealthy, type MoveOptions } from './move-steps.js';

export interface FallbackOptions extends MoveOptions {
  /** The host whose twin is failing (the current lease holder). */
  source: string;
  /** The previous holder, whose twin ran the zone before. */
  target: string;
}

export function planFallback(inventory: Inventory, zoneName: string, options: FallbackOptions): RunPlan {
  const move = inSiteMove(inventory, RunKind.Fallback, zoneName, options.source, options.target);
  const { zone, group } = move;
  const source = requireSource(move).host.name;
  const target = move.target.host.name;
  const o = resolvedMoveOptions(options);
  return {
    kind: RunKind.Fallback,
    zone: zone.name,
    source,
    target,
    steps: numberSteps([
      // Only the failing host's agent is required of the source: its twin's state and
      // whether it holds the storage are what the fallback is there to deal with.
      preflight(zone, [{ check: 'agent-up', host: source }, ...targetChecks(zone, group, target)]),
      draft(zone.name, 'reserve-lease', null, 'next', { target }),
      ...quiesceSource(zone, group, source, { shutdownTimeoutMs: o.shutdownTimeoutMs, epoch: 'current' }),
      ...takeStorage(zone, group, target, { clearForeignLock: false }),
      attach(zone, target, source),
      boot(zone, target, o.bootArgs),
      waitHealthy(zone, target, o.healthTimeoutMs),
      draft(zone.name, 'commit-lease', null, 'next', { target }),
    ]),
  };
}
