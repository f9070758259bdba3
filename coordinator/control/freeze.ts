// SetFreeze (`twinzone freeze|unfreeze ZONE|--all`): frozen zones get no automatic run
// (coordinator/automation); operator runs still go. Each zone whose freeze changes gets
// an event (zone.frozen / zone.unfrozen) with who and why, beside the call's own audit
// entry; freezing a frozen zone keeps its first record and changes nothing.
import { TwinzoneError } from '../../shared/errors/twinzone-error.js';
import type { Clock } from '../../shared/time/clock.js';
import type { Inventory } from '../inventory/inventory-schema.js';
import { UNFROZEN_EVENT } from '../store/freeze-store.js';
import type { Store } from '../store/open-database.js';
import { findZone } from '../inventory/find-zone.js';

export const FROZEN_EVENT = 'zone.frozen';

export interface FreezeRequest {
  zone: string;
  all: boolean;
  frozen: boolean;
  reason: string;
}

export interface FreezeDeps {
  store: Store;
  inventory: Inventory;
  clock: Clock;
}

export interface FreezeChange {
  who: string;
  reason: string;
  /** True when the flapping rule freezes the zone (automation), not an operator. */
  automatic?: boolean;
}

/** Freezes or unfreezes one zone; true when its state changed (and the event was recorded). */
export function setZoneFrozen(deps: FreezeDeps, zone: string, frozen: boolean, change: FreezeChange): boolean {
  const nowMs = deps.clock.nowMs();
  return deps.store.transaction(() => {
    const changed = frozen ? deps.store.freezes.freeze(zone, change.who, change.reason, nowMs, change.automatic ?? false) : deps.store.freezes.unfreeze(zone);
    if (changed) {
      deps.store.events.record({
        atMs: nowMs,
        who: change.who,
        what: frozen ? FROZEN_EVENT : UNFROZEN_EVENT,
        zone,
        result: 'ok',
        details: { reason: change.reason, ...(frozen ? { automatic: change.automatic ?? false } : {}) },
      });
    }
    return changed;
  });
}

/** The zones whose freeze changed. */
export function setFreeze(deps: FreezeDeps, req: FreezeRequest, who: string): string[] {
  if (req.all === (req.zone !== '')) {
    throw new TwinzoneError('INVALID_ARGUMENT', 'name one zone or ask for all of them (all=true), not both or neither', { fields: { field: 'zone' } });
  }
  if (!req.all && !findZone(deps.inventory, req.zone)) {
    throw new TwinzoneError('ZONE_NOT_FOUND', `zone ${req.zone} is not in the inventory (${deps.inventory.file})`, { fields: { zone: req.zone } });
  }
  const zones = req.all ? deps.inventory.zones.map((z) => z.name) : [req.zone];
  return zones.filter((zone) => setZoneFrozen(deps, zone, req.frozen, { who, reason: req.reason }));
}
