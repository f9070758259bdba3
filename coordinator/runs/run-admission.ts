// Which runs may start (DESIGN "Runs"; sequencer-api.ts): one run per zone, which the
// store's unique index on unfinished runs enforces across restarts and processes, and a
// global limit on runs being driven at once in this coordinator (default 8), so a
// site-wide wave cannot flood the agents. A run blocked for an operator does not count
// against the limit: nothing of it is in flight.
import { TwinzoneError } from '../../shared/errors/twinzone-error.js';

export const DEFAULT_MAX_CONCURRENT_RUNS = 8;

export class RunAdmission {
  private readonly active = new Map<string, string>();

  constructor(readonly limit: number = DEFAULT_MAX_CONCURRENT_RUNS) {}

  /** Refuses with RUN_IN_PROGRESS when the limit is reached (or this run is already being driven). */
  admit(runId: string, zone: string): void {
    if (this.active.has(runId)) throw new TwinzoneError('RUN_IN_PROGRESS', `run ${runId} on ${zone} is already being driven`, { fields: { run: runId, zone } });
    if (this.active.size >= this.limit) {
      throw new TwinzoneError('RUN_IN_PROGRESS', `${this.active.size} runs are in progress, the coordinator's limit; start the run on ${zone} when one finishes`, {
        fields: { zone, limit: String(this.limit) },
      });
    }
    this.active.set(runId, zone);
  }

  release(runId: string): void {
    this.active.delete(runId);
  }

  isActive(runId: string): boolean {
    return this.active.has(runId);
  }
}
