// I3: the highest fencing epoch this agent has seen per zone, durable across restarts
// (write + fsync + rename). A mutating call below it is refused before anything runs;
// a call above it raises it first, so a later stale caller is refused too.
import fs from 'node:fs';
import path from 'node:path';
import { readFileIfExists, writeFileDurable } from '../../shared/fs/atomic-file.js';
import { errors } from '../../shared/errors/twinzone-error.js';

export class EpochStore {
  private readonly cache = new Map<string, number>();

  constructor(private readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  private file(zone: string): string {
    // Zone names are validated (letters, digits, "_", ".", "-") before they get here.
    return path.join(this.dir, `${zone}.epoch`);
  }

  highest(zone: string): number {
    const cached = this.cache.get(zone);
    if (cached !== undefined) return cached;
    const text = readFileIfExists(this.file(zone));
    const value = text === null ? 0 : Number(text.trim());
    const epoch = Number.isSafeInteger(value) && value >= 0 ? value : 0;
    this.cache.set(zone, epoch);
    return epoch;
  }

  /**
   * Refuses an epoch below the highest seen (STALE_EPOCH); records a higher one durably
   * unless this is only a check (dry runs never move the fence).
   */
  admit(zone: string, epoch: number, opts: { record: boolean }): void {
    const seen = this.highest(zone);
    if (epoch < seen) throw errors.staleEpoch(zone, epoch, seen);
    if (epoch > seen && opts.record) {
      writeFileDurable(this.file(zone), `${epoch}\n`);
      this.cache.set(zone, epoch);
    }
  }
}
