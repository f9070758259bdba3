// One mutating operation per zone at a time. A second one fails fast with ZONE_BUSY
// (gRPC ABORTED) instead of queueing: the coordinator's sequencer is the one place that
// orders work, and a queue here would hide a second sequencer acting on the same zone.
import { errors } from '../../shared/errors/twinzone-error.js';

export class ZoneLocks {
  private readonly holders = new Map<string, string>();

  /** Takes the zone for an operation; returns the release function. */
  acquire(zone: string, op: string): () => void {
    const holder = this.holders.get(zone);
    if (holder !== undefined) throw errors.zoneBusy(zone, holder);
    this.holders.set(zone, op);
    return () => {
      if (this.holders.get(zone) === op) this.holders.delete(zone);
    };
  }

  get busyZones(): string[] {
    return [...this.holders.keys()];
  }
}
