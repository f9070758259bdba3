// The coordinator's Prometheus metrics (README "Operations" lists them): runs by kind and
// result, step durations, lease renewals and expiries, archive transfers as the runs
// report them, and concurrency violations. They are counted from the audit events the
// coordinator records anyway (metrics-from-events.ts), so no decision code carries
// metric calls and the numbers agree with `twinzone events`; renewals, which are events
// only when refused, come from the Leases edge.
import { Registry, collectDefaultMetrics } from 'prom-client';
import { metricsOn } from '../../shared/metrics/metric-factory.js';

/** Seconds: a lease step takes milliseconds, a boot seconds, a streamed zonepath hours. */
const STEP_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 21600];

export class CoordinatorMetrics {
  readonly registry = new Registry();
  private readonly m = metricsOn(this.registry);

  private readonly runsStarted = this.m.counter('twinzone_runs_started_total', 'Runs started (or resumed from the journal), by kind.', ['kind']);

  private readonly runsFinished = this.m.counter('twinzone_runs_total', 'Runs that reached a final state, by kind and result (succeeded, failed, rolled-back, ...).', ['kind', 'result']);

  private readonly stepSeconds = this.m.histogram('twinzone_run_step_duration_seconds', 'Duration of each run step, by step name and result (ok, failed).', ['step', 'result'], STEP_BUCKETS);

  private readonly renewals = this.m.counter('twinzone_lease_renewals_total', 'Lease renewals from agents, by result (ok, refused).', ['result']);

  private readonly expiries = this.m.counter('twinzone_lease_expiries_total', 'Leases that expired without a renewal.');

  private readonly leaseTransitions = this.m.counter('twinzone_lease_transitions_total', 'Lease decisions other than renewals (grant, release, reserve-move, commit-move, ...), by event and result.', ['event', 'result']);

  private readonly archiveBytes = this.m.counter('twinzone_archive_bytes_total', 'Bytes of zonepath archives moved between agents, as the runs report them.');

  private readonly archiveRate = this.m.gauge('twinzone_archive_rate_bytes_per_second', 'Rate of the latest archive transfer report, by zone.', ['zone']);

  private readonly violations = this.m.counter('twinzone_concurrency_violations_total', 'Twins seen ready or running on a host that does not hold their lease (I1), by zone.', ['zone']);

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'twinzone_coordinator_' });
  }

  runStarted(kind: string): void {
    this.runsStarted.inc({ kind });
  }

  runFinished(kind: string, result: string): void {
    this.runsFinished.inc({ kind, result });
  }

  step(step: string, ok: boolean, durationMs: number): void {
    this.stepSeconds.observe({ step, result: ok ? 'ok' : 'failed' }, durationMs / 1000);
  }

  leaseRenewal(result: string): void {
    this.renewals.inc({ result });
  }

  leaseExpired(): void {
    this.expiries.inc();
  }

  leaseTransition(event: string, result: string): void {
    this.leaseTransitions.inc({ event, result });
  }

  archive(zone: string, bytes: number, bytesPerSecond: number | null): void {
    if (bytes > 0) this.archiveBytes.inc(bytes);
    if (bytesPerSecond !== null) this.archiveRate.set({ zone }, bytesPerSecond);
  }

  /**
   * One twin found live without the lease. Counted from the `zone.concurrency-violation`
   * audit event; code that detects a violation without recording that event calls this.
   */
  concurrencyViolation(zone: string): void {
    this.violations.inc({ zone });
  }
}
