// Counts the coordinator's metrics from its audit events as they are recorded: run
// progress (run.progress: started, step finished, transfer, finished), lease decisions
// (lease.*, but renewals, which the Leases edge reports), and concurrency violations
// (zone.concurrency-violation).
import type { Logger } from '../../shared/log/create-logger.js';
import { LeasesEvent } from '../control/leases-service.js';
import { LeaseEvent } from '../leases/lease-manager.js';
import { JournalEvent } from '../runs/run-journal.js';
import type { Store } from '../store/open-database.js';
import type { EventInput } from '../store/event-store.js';
import type { CoordinatorMetrics } from './coordinator-metrics.js';

type Details = Record<string, unknown>;

export function countEventsAsMetrics(store: Store, metrics: CoordinatorMetrics, log: Logger): void {
  const kinds = new Map<string, string>();
  // The last transfer report per run step: reports carry bytes so far, metrics want increments.
  const transfers = new Map<string, { bytes: number; atMs: number }>();
  const kindOf = (run: string) => kinds.get(run) ?? store.runs.get(run)?.kind ?? 'unknown';

  const progress = (e: EventInput, d: Details) => {
    const run = String(d.runId ?? e.run ?? '');
    switch (d.type) {
      case 'run-started':
        kinds.set(run, String(d.kind));
        metrics.runStarted(String(d.kind));
        break;
      case 'step-finished':
        metrics.step(String(d.name), d.ok === true, Number(d.durationMs) || 0);
        break;
      case 'transfer': {
        const key = `${run}/${String(d.index)}`;
        const bytes = Number(d.bytes) || 0;
        const atMs = Number(d.atMs) || e.atMs;
        const last = transfers.get(key);
        transfers.set(key, { bytes, atMs });
        const rate = last && atMs > last.atMs ? ((bytes - last.bytes) * 1000) / (atMs - last.atMs) : null;
        metrics.archive(e.zone ?? '', bytes - (last?.bytes ?? 0), rate);
        break;
      }
      case 'run-finished':
        metrics.runFinished(kindOf(run), String(d.state));
        kinds.delete(run);
        for (const key of transfers.keys()) if (key.startsWith(`${run}/`)) transfers.delete(key);
        break;
    }
  };

  store.events.observe((e) => {
    // Metrics must never undo the record they count: a bad event is logged, not thrown.
    try {
      const d = e.details ?? {};
      if (e.what === JournalEvent.Progress) progress(e, d);
      // Renewals are counted where they are answered (main.ts): only refusals are events.
      else if (e.what === LeaseEvent.Renew) return;
      else if (e.what === LeaseEvent.Expire) {
        if (e.result === 'ok') metrics.leaseExpired();
      } else if (e.what.startsWith('lease.')) metrics.leaseTransition(e.what.slice('lease.'.length), e.result);
      else if (e.what === LeasesEvent.ConcurrencyViolation) metrics.concurrencyViolation(e.zone ?? '');
    } catch (err) {
      log.warn({ err, what: e.what }, 'event not counted in the metrics');
    }
  });
}
