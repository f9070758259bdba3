// Whole-site loss and the DR policies (DESIGN "Health checks and automation"; issue 5):
// a site is lost when none of its hosts is healthy and at least one is dead (its leases
// expired). Whether a zone of a lost site may move to its DR twin by itself is the
// zone's `dr` policy:
// - manual: only once the site is declared lost (twinzone declare-disaster --site S);
// - connected: only while a third vantage point still reaches the DR site but not the
//   primary: this coordinator's own view, when it runs in a third site (coordinator
//   config automation.site, else the inventory's witness site), after autoAfterMs;
// - auto: once the site has been unreachable for autoAfterMs.
// In every mode the DR twin's host must be healthy. Pure: health and times are arguments.
import type { HostHealth } from '../health/health-view.js';
import type { Inventory, Zone } from '../inventory/inventory-schema.js';
import type { SiteDisaster } from '../store/disaster-store.js';

export interface HostView {
  host: string;
  health: HostHealth;
  lastRenewalAtMs: number | null;
}

export interface SiteView {
  site: string;
  lost: boolean;
  /** Since when the site is unreachable: the last renewal any of its hosts sent (or since automation watches). */
  lostSinceMs: number | null;
  hosts: HostView[];
}

export interface HostLookup {
  hostHealth(host: string): HostHealth;
  lastRenewalAtMs(host: string): number | null;
}

export function hostView(health: HostLookup, host: string): HostView {
  return { host, health: health.hostHealth(host), lastRenewalAtMs: health.lastRenewalAtMs(host) };
}

export function siteView(inventory: Inventory, site: string, health: HostLookup, watchingSinceMs: number): SiteView {
  const hosts = inventory.hosts.filter((h) => h.site === site).map((h) => hostView(health, h.name));
  const lost = hosts.length > 0 && hosts.every((h) => h.health !== 'ok') && hosts.some((h) => h.health === 'dead');
  const lostSinceMs = lost ? Math.max(...hosts.map((h) => h.lastRenewalAtMs ?? watchingSinceMs)) : null;
  return { site, lost, lostSinceMs, hosts };
}

/** The site whose view stands for a third vantage point: the configured one, else the inventory's witness site. */
export function vantageSite(inventory: Inventory, configured: string | null): string | null {
  return configured ?? inventory.sites.find((s) => s.witness)?.name ?? null;
}

export interface DrTwinView extends HostView {
  site: string;
}

/** The zone's DR twin in another site than `site` (the lost one), if any. */
export function drTwinOf(inventory: Inventory, zone: Zone, site: string, health: HostLookup): DrTwinView | null {
  const siteOf = new Map(inventory.hosts.map((h) => [h.name, h.site]));
  const twin = zone.twins.find((t) => t.role === 'dr' && siteOf.get(t.host) !== site);
  return twin ? { ...hostView(health, twin.host), site: siteOf.get(twin.host)! } : null;
}

export type DrVerdict = { go: true; reason: string } | { go: false; why: string; reason: string; untilMs?: number };

export interface DrFacts {
  zone: Pick<Zone, 'name' | 'policy'>;
  site: SiteView;
  drTwin: DrTwinView | null;
  declared: SiteDisaster | undefined;
  /** Where this coordinator looks from (vantageSite). */
  vantage: string | null;
  nowMs: number;
}

export function drVerdict(f: DrFacts): DrVerdict {
  const { zone, site, drTwin } = f;
  const mode = zone.policy.dr;
  if (!drTwin) return { go: false, why: 'no-dr-twin', reason: `${zone.name} has no DR twin outside site ${site.site}; bring the site back or move it by hand` };
  if (drTwin.health !== 'ok') {
    return { go: false, why: 'dr-host-unhealthy', reason: `site ${site.site} is lost but ${zone.name}'s DR twin host ${drTwin.host} is ${drTwin.health}; nothing moves until it is healthy` };
  }
  if (f.declared) return { go: true, reason: `site ${site.site} was declared lost by ${f.declared.declaredBy}${f.declared.reason ? ` (${f.declared.reason})` : ''}` };
  if (mode === 'manual') {
    return {
      go: false,
      why: 'dr-manual',
      reason: `site ${site.site} is lost and ${zone.name}'s DR policy is manual: it moves to ${drTwin.host} once an operator runs twinzone declare-disaster --site ${site.site}`,
    };
  }
  const lostForMs = f.nowMs - (site.lostSinceMs ?? f.nowMs);
  if (mode === 'connected') {
    if (f.vantage === null || f.vantage === site.site || f.vantage === drTwin.site) {
      return {
        go: false,
        why: 'no-third-vantage',
        reason: `${zone.name}'s DR policy is connected, and this coordinator is not in a third site (${f.vantage ?? 'no site configured'}) to tell a lost site ${site.site} from a cut link; declare the disaster by hand`,
      };
    }
  }
  if (lostForMs < zone.policy.autoAfterMs) {
    return {
      go: false,
      why: `dr-${mode}-waiting`,
      reason: `site ${site.site} has been unreachable for ${lostForMs} ms; ${zone.name} (dr ${mode}) moves to ${drTwin.host} after ${zone.policy.autoAfterMs} ms`,
      untilMs: (site.lostSinceMs ?? f.nowMs) + zone.policy.autoAfterMs,
    };
  }
  return {
    go: true,
    reason:
      mode === 'connected'
        ? `site ${site.site} unreachable for ${lostForMs} ms while ${drTwin.host} in ${drTwin.site} answers, seen from site ${f.vantage} (dr connected, after ${zone.policy.autoAfterMs} ms)`
        : `site ${site.site} unreachable for ${lostForMs} ms (dr auto, after ${zone.policy.autoAfterMs} ms)`,
  };
}
