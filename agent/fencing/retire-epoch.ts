// Before a host self-fences a zone, it retires the lease epoch it held it under: the
// fence moves past that epoch, so no call still carrying it (a coordinator resuming a
// run after an outage, say) can boot or import here again once the fence has started,
// and the zone lock is taken so an operation already running finishes before the halt.
// Only a later grant (a higher epoch) brings the zone back to this host.
import { setTimeout as sleep } from 'node:timers/promises';
import type { EpochStore } from './epoch-store.js';
import type { ZoneLocks } from './zone-locks.js';

export interface RetireOptions {
  /** How long to wait for a running operation on the zone before fencing regardless. */
  waitMs: number;
  pollMs: number;
}

const DEFAULTS: RetireOptions = { waitMs: 10_000, pollMs: 100 };

/** Retires EPOCH for ZONE and takes the zone's lock; returns its release. */
export async function retireEpoch(epochs: EpochStore, locks: ZoneLocks, zone: string, epoch: number, op: string, opts: RetireOptions = DEFAULTS): Promise<() => void> {
  try {
    epochs.admit(zone, epoch + 1, { record: true });
  } catch {
    // A newer epoch is recorded here already: nothing under this one can run anyway.
  }
  const deadline = Date.now() + opts.waitMs;
  for (;;) {
    try {
      return locks.acquire(zone, op);
    } catch {
      // The fence must not wait for ever on an operation that hangs: the coordinator's
      // expiry is coming, and halting under a running command is still better than not.
      if (Date.now() >= deadline) return () => undefined;
      await sleep(opts.pollMs);
    }
  }
}
