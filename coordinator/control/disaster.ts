// `twinzone declare-disaster --site S`: an operator's declaration that a site is lost
// (DESIGN "Cross-site failover": manual unless the site's policy is auto). It changes no
// lease by itself: it is the audit record a DR failover of the site's zones stands on,
// and the answer lists those zones (the ones with a DR twin in another site).
import { TwinzoneError } from '../../shared/errors/twinzone-error.js';
import type { ControlDeps } from './control-deps.js';

export function declareDisaster(deps: ControlDeps, site: string): { zones: string[] } {
  const { inventory } = deps;
  if (!inventory.sites.some((s) => s.name === site)) {
    throw new TwinzoneError('INVALID_ARGUMENT', `site ${JSON.stringify(site)} is not in the inventory; its sites are ${inventory.sites.map((s) => s.name).join(', ')}`, {
      fields: { field: 'site' },
    });
  }
  const siteOf = new Map(inventory.hosts.map((h) => [h.name, h.site]));
  const zones = inventory.zones
    .filter((z) => z.twins.some((t) => t.role === 'primary' && siteOf.get(t.host) === site))
    .filter((z) => z.twins.some((t) => t.role === 'dr' && siteOf.get(t.host) !== site))
    .map((z) => z.name);
  deps.log.warn({ site, zones }, 'disaster declared');
  return { zones };
}
