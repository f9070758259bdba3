// `twinzone declare-disaster --site S`: an operator's declaration that a site is lost
// (DESIGN "Cross-site failover"). It changes no lease by itself; it is the standing a
// DR failover of the site's zones needs, kept in the store so it outlives the
// coordinator process, and the answer lists those zones (the ones with a DR twin in
// another site). `--clear` withdraws it once the site is back.
import { TwinzoneError } from '../../shared/errors/twinzone-error.js';
import type { Inventory } from '../inventory/inventory-schema.js';
import { RunKind, type RunPlan } from '../runs/run-plan.js';
import type { SiteDisaster } from '../store/disaster-store.js';
import type { ControlDeps } from './control-deps.js';
import { findZone } from '../inventory/find-zone.js';

function requireSite(inventory: Inventory, site: string): void {
  if (!inventory.sites.some((s) => s.name === site)) {
    throw new TwinzoneError('INVALID_ARGUMENT', `site ${JSON.stringify(site)} is not in the inventory; its sites are ${inventory.sites.map((s) => s.name).join(', ')}`, {
      fields: { field: 'site' },
    });
  }
}

/** Zones whose primary twin is in the site and which have a DR twin elsewhere. */
function drZonesOf(inventory: Inventory, site: string): string[] {
  const siteOf = new Map(inventory.hosts.map((h) => [h.name, h.site]));
  return inventory.zones
    .filter((z) => z.twins.some((t) => t.role === 'primary' && siteOf.get(t.host) === site))
    .filter((z) => z.twins.some((t) => t.role === 'dr' && siteOf.get(t.host) !== site))
    .map((z) => z.name);
}

export function declareDisaster(deps: ControlDeps, site: string, opts: { who: string; reason: string; clear: boolean }): { zones: string[]; declaration: SiteDisaster | null } {
  requireSite(deps.inventory, site);
  if (opts.clear) {
    const withdrawn = deps.store.disasters.clear(site);
    deps.log.warn({ site, withdrawn }, 'disaster declaration withdrawn');
    return { zones: [], declaration: null };
  }
  const declaration = deps.store.disasters.declare(site, opts.who, opts.reason, deps.clock.nowMs());
  const zones = drZonesOf(deps.inventory, site);
  deps.log.warn({ site, zones, declaredBy: declaration.declaredBy }, 'disaster declared');
  return { zones, declaration };
}

/**
 * A disaster failover promotes a replica that may be behind (records are lost, the
 * RPO): it runs only on a site an operator declared lost. The site is the one the zone
 * leaves: its lease holder's, or its primary twin's when no one holds it.
 */
export function requireDeclaredLoss(deps: ControlDeps, plan: RunPlan): void {
  if (plan.kind !== RunKind.DrFailover) return;
  const { inventory } = deps;
  const zone = findZone(inventory, plan.zone);
  const from = plan.source ?? zone?.twins.find((t) => t.role === 'primary')?.host ?? null;
  const site = inventory.hosts.find((h) => h.name === from)?.site;
  if (!site || deps.store.disasters.get(site)) return;
  throw new TwinzoneError(
    'PRECONDITION_FAILED',
    `a DR failover of ${plan.zone} out of site ${site} promotes a replica that may be behind, and ${site} has not been declared lost; ` +
      `if it is, run twinzone declare-disaster --site ${site} --reason TEXT, then ask again (a planned move is twinzone dr switchover)`,
    { fields: { zone: plan.zone, site, reason: 'disaster-not-declared' } },
  );
}
