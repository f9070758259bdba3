// I3: the highest fencing epoch this agent has seen per zone, durable across restarts
// (write + fsync + rename). A mutating call below it is refused before anything runs;
// a call above it raises it first, so a later stale caller is refused too.
//
// Read from the file at every check, never from memory: the fencing watchdog (another
// process) retires an epoch when it fences for this agent, and an agent that was
// SIGSTOPped meanwhile must see that the moment it runs again. A small file read per
// mutating call is nothing beside the command the call runs.
import fs from 'node:fs';
import { errors } from '../../shared/errors/twinzone-error.js';
import { raiseEpoch, readEpoch } from './epoch-files.js';

export class EpochStore {
  constructor(private readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  highest(zone: string): number {
    return readEpoch(this.dir, zone);
  }

  /**
   * Refuses an epoch below the highest seen (STALE_EPOCH); records a higher one durably
   * unless this is only a check (dry runs never move the fence).
   */
  admit(zone: string, epoch: number, opts: { record: boolean }): void {
    const seen = this.highest(zone);
    if (epoch < seen) throw errors.staleEpoch(zone, epoch, seen);
    if (epoch > seen && opts.record) raiseEpoch(this.dir, zone, epoch);
  }
}
