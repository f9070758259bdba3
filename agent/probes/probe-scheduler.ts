// Runs the health checks of the zones this host holds, each at its own interval with its
// own timeout, and lists the host's zones once per probe interval to report the twins
// it runs without holding their lease (DESIGN "Health checks and automation"). The lease
// keeper tells it what is held (setZones) and takes every result, to send with its next
// renewal.
//
// A check never runs twice at once: when a run outlives its timeout it is reported
// failed at the timeout and aborted, and the next run waits until that one has really
// ended (a hung zlogin must not pile up processes). One `zoneadm list -cp` serves every
// zone, however many the host has: the twin listing costs one command per interval.
//
// Driven by tick() like the keeper: the agent calls it from its timer, unit tests after
// moving a FakeClock.
import type { Logger } from '../../shared/log/create-logger.js';
import type { Clock } from '../../shared/time/clock.js';
import type { ProbeResult } from './probe-result.js';
import type { ProbeSpec } from './run-probe.js';

export interface ScheduledCheck {
  /** The name results are reported under (the coordinator's name for it). */
  name: string;
  intervalMs: number;
  timeoutMs: number;
  probe: ProbeSpec;
}

export interface CheckResult extends ProbeResult {
  zone: string;
  check: string;
  /** Wall clock when the run started. */
  atMs: number;
}

export interface LiveTwin {
  zone: string;
  state: 'running' | 'ready';
}

export interface ProbeSchedulerOptions {
  clock: Clock;
  log: Logger;
  /** Runs one probe; SIGNAL is aborted when its timeout passes. */
  run: (zone: string, check: ScheduledCheck, signal: AbortSignal) => Promise<ProbeResult>;
  /** Every zone on this host with its state (`zoneadm list -cp`). */
  listZones: () => Promise<Array<{ name: string; state: string }>>;
  onResult: (result: CheckResult) => void;
  /** After each listing: the live twins not held here; null when the listing failed. */
  onTwins: (twins: LiveTwin[] | null) => void;
  /** The twin listing interval when no check is held (default 2 s). */
  idleIntervalMs?: number;
}

export const IDLE_PROBE_INTERVAL_MS = 2000;

interface Tracked {
  zone: string;
  check: ScheduledCheck;
  nextDueMono: number;
  run: { startedMono: number; abort: AbortController; timedOut: boolean } | null;
}

const LIVE_STATES = new Set(['running', 'ready']);

export class ProbeScheduler {
  private readonly tracked = new Map<string, Tracked>();
  private held = new Set<string>();
  private nextListMono = 0;
  private listing: Promise<void> | null = null;
  private readonly runs = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly o: ProbeSchedulerOptions) {}

  /** The zones held here (a zone may have no checks) with their checks; replaces the last set. */
  setZones(zones: ReadonlyMap<string, readonly ScheduledCheck[]>): void {
    this.held = new Set(zones.keys());
    const wanted = new Set<string>();
    const now = this.o.clock.monoMs();
    for (const [zone, checks] of zones) {
      for (const check of checks) {
        const key = `${zone}/${check.name}`;
        wanted.add(key);
        const t = this.tracked.get(key);
        if (t) t.check = check;
        else this.tracked.set(key, { zone, check, nextDueMono: now, run: null });
      }
    }
    // A zone no longer held is no longer probed; a run under way ends on its own.
    for (const key of this.tracked.keys()) if (!wanted.has(key)) this.tracked.delete(key);
  }

  /** The probe interval: the shortest of the held checks, else the idle interval. */
  get intervalMs(): number {
    const intervals = [...this.tracked.values()].map((t) => t.check.intervalMs);
    return intervals.length > 0 ? Math.min(...intervals) : (this.o.idleIntervalMs ?? IDLE_PROBE_INTERVAL_MS);
  }

  tick(): void {
    if (this.stopped) return;
    const now = this.o.clock.monoMs();
    for (const t of this.tracked.values()) {
      if (t.run) {
        if (!t.run.timedOut && now - t.run.startedMono >= t.check.timeoutMs) this.timeOut(t, now);
      } else if (now >= t.nextDueMono) {
        this.start(t, now);
      }
    }
    if (!this.listing && now >= this.nextListMono) {
      this.nextListMono = now + this.intervalMs;
      const listing = this.listTwins().finally(() => {
        if (this.listing === listing) this.listing = null;
      });
      this.listing = listing;
    }
  }

  /** Waits for the runs and the listing under way (tests; shutdown). */
  async settled(): Promise<void> {
    while (this.listing || this.runs.size > 0) await Promise.all([this.listing, ...this.runs]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.tracked.values()) t.run?.abort.abort();
    await this.settled();
  }

  private start(t: Tracked, now: number): void {
    // Start to start: a slow run does not shift the schedule, it only delays its own successor.
    t.nextDueMono = now + t.check.intervalMs;
    const run = { startedMono: now, abort: new AbortController(), timedOut: false };
    t.run = run;
    const atMs = Math.round(this.o.clock.nowMs());
    const { zone, check } = t;
    const work = this.o
      .run(zone, check, run.abort.signal)
      .catch((err: unknown): ProbeResult => ({ healthy: false, detail: `${check.name} could not run: ${String((err as Error)?.message ?? err)}`, durationMs: Math.round(this.o.clock.monoMs() - now) }))
      .then((result) => {
        t.run = null;
        // Already reported at its timeout; or the zone is no longer held here.
        if (run.timedOut || this.stopped || this.tracked.get(`${zone}/${check.name}`) !== t) return;
        this.o.onResult({ ...result, zone, check: check.name, atMs });
      })
      .finally(() => this.runs.delete(work));
    this.runs.add(work);
  }

  private timeOut(t: Tracked, now: number): void {
    const run = t.run!;
    run.timedOut = true;
    run.abort.abort();
    this.o.log.warn({ zone: t.zone, check: t.check.name, timeoutMs: t.check.timeoutMs }, 'health check timed out');
    const durationMs = Math.round(now - run.startedMono);
    this.o.onResult({ zone: t.zone, check: t.check.name, healthy: false, detail: `${t.check.name} timed out after ${t.check.timeoutMs} ms`, durationMs, atMs: Math.round(this.o.clock.nowMs()) - durationMs });
  }

  private async listTwins(): Promise<void> {
    let zones;
    try {
      zones = await this.o.listZones();
    } catch (err) {
      this.o.log.warn({ err: { message: String((err as Error)?.message ?? err) } }, 'cannot list zones for the twin report');
      this.o.onTwins(null);
      return;
    }
    if (this.stopped) return;
    this.o.onTwins(
      zones
        .filter((z) => z.name !== 'global' && LIVE_STATES.has(z.state) && !this.held.has(z.name))
        .map((z) => ({ zone: z.name, state: z.state as LiveTwin['state'] })),
    );
  }
}
