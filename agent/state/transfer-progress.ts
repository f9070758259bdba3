// Bytes moved so far by the transfers this agent is pulling, by op id, so the
// coordinator can show progress with rate and ETA while a PullZonepath or
// PullArchiveFile call is still running. In memory only: a transfer does not survive
// an agent restart, and neither does its progress (the op record says how it ended).
import type { Clock } from '../../shared/time/clock.js';

export interface TransferSnapshot {
  opId: string;
  bytes: number;
  /** 0 while unknown. */
  totalBytes: number;
  elapsedMs: number;
  finished: boolean;
}

/** What a transfer reports as it goes. */
export interface TransferMeter {
  add(bytes: number): void;
  setTotal(bytes: number): void;
  finish(): void;
}

interface Entry {
  bytes: number;
  totalBytes: number;
  startedMs: number;
  finishedMs: number | null;
}

/** Finished transfers stay visible this long, so a last poll sees the final count. */
const KEEP_FINISHED_MS = 10 * 60_000;

export class TransferProgress {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly clock: Clock) {}

  start(opId: string): TransferMeter {
    this.prune();
    const entry: Entry = { bytes: 0, totalBytes: 0, startedMs: this.clock.monoMs(), finishedMs: null };
    this.entries.set(opId, entry);
    return {
      add: (n) => {
        entry.bytes += n;
      },
      setTotal: (n) => {
        entry.totalBytes = n;
      },
      finish: () => {
        entry.finishedMs ??= this.clock.monoMs();
      },
    };
  }

  get(opId: string): TransferSnapshot | null {
    const e = this.entries.get(opId);
    if (!e) return null;
    const end = e.finishedMs ?? this.clock.monoMs();
    return { opId, bytes: e.bytes, totalBytes: e.totalBytes, elapsedMs: Math.max(0, Math.round(end - e.startedMs)), finished: e.finishedMs !== null };
  }

  private prune(): void {
    const now = this.clock.monoMs();
    for (const [id, e] of this.entries) if (e.finishedMs !== null && now - e.finishedMs > KEEP_FINISHED_MS) this.entries.delete(id);
  }
}
