// The probe scheduler on a FakeClock with scripted probes: each check at its own interval,
// a timeout reported at its instant, never two runs of one check at once, one zone
// listing per probe interval for the twin report.
import { beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../test/support/fake-clock.js';
import { opTestLog } from '../../test/support/op-test-context.js';
import { ProbeScheduler, type CheckResult, type LiveTwin, type ScheduledCheck } from './probe-scheduler.js';
import type { ProbeResult } from './probe-result.js';

const check = (name: string, intervalMs: number, timeoutMs = 500): ScheduledCheck => ({ name, intervalMs, timeoutMs, probe: { kind: 'tcp', host: '127.0.0.1', port: 8031 } });

/** A probe run the test finishes by hand. */
interface PendingRun {
  zone: string;
  check: string;
  signal: AbortSignal;
  finish: (r: ProbeResult) => void;
}

let clock: FakeClock;
let runs: PendingRun[];
let results: CheckResult[];
let twinReports: Array<LiveTwin[] | null>;
let listings: number;
let zones: Array<{ name: string; state: string }> | Error;
let autoFinish: boolean;
let scheduler: ProbeScheduler;

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));
async function advance(ms: number, stepMs = 100): Promise<void> {
  for (let t = 0; t < ms; t += stepMs) {
    clock.advance(Math.min(stepMs, ms - t));
    scheduler.tick();
    await flush();
  }
}

beforeEach(() => {
  clock = new FakeClock();
  runs = [];
  results = [];
  twinReports = [];
  listings = 0;
  zones = [];
  autoFinish = true;
  scheduler = new ProbeScheduler({
    clock,
    log: opTestLog,
    run: (zone, c, signal) =>
      new Promise<ProbeResult>((finish) => {
        runs.push({ zone, check: c.name, signal, finish });
        if (autoFinish) finish({ healthy: true, detail: `${c.name} ok`, durationMs: 1 });
      }),
    listZones: async () => {
      listings += 1;
      if (zones instanceof Error) throw zones;
      return zones;
    },
    onResult: (r) => results.push(r),
    onTwins: (t) => twinReports.push(t),
  });
});

describe('ProbeScheduler', () => {
  it('runs each held check at its own interval, start to start', async () => {
    scheduler.setZones(new Map([['db01', [check('zone-state', 1000), check('http', 3000)]]]));
    scheduler.tick();
    await flush();
    await advance(6000);
    const count = (name: string) => results.filter((r) => r.check === name).length;
    expect(count('zone-state')).toBe(7); // at 0, 1 s, ... 6 s
    expect(count('http')).toBe(3); // at 0, 3 s, 6 s
    expect(results[0]).toMatchObject({ zone: 'db01', check: 'zone-state', healthy: true, detail: 'zone-state ok', atMs: clock.nowMs() - 6000 });
  });

  it('reports a run that outlives its timeout as failed at the timeout, and starts no second run until it ends', async () => {
    autoFinish = false;
    scheduler.setZones(new Map([['db01', [check('zlogin', 1000, 400)]]]));
    scheduler.tick();
    await flush();
    expect(runs).toHaveLength(1);
    await advance(300);
    expect(results).toEqual([]);
    await advance(100);
    expect(results).toEqual([expect.objectContaining({ check: 'zlogin', healthy: false, detail: 'zlogin timed out after 400 ms', durationMs: 400 })]);
    expect(runs[0]!.signal.aborted).toBe(true);
    // The hung run goes on past several intervals: no overlap.
    await advance(3000);
    expect(runs).toHaveLength(1);
    runs[0]!.finish({ healthy: true, detail: 'late', durationMs: 3400 });
    await flush();
    // Its late result is not reported twice.
    expect(results).toHaveLength(1);
    await advance(100);
    expect(runs).toHaveLength(2);
    runs[1]!.finish({ healthy: true, detail: 'ok', durationMs: 5 });
    await flush();
    expect(results.map((r) => r.healthy)).toEqual([false, true]);
  });

  it('stops probing a zone no longer held and drops the result of its run under way', async () => {
    autoFinish = false;
    scheduler.setZones(new Map([['db01', [check('tcp', 1000)]]]));
    scheduler.tick();
    await flush();
    scheduler.setZones(new Map());
    runs[0]!.finish({ healthy: false, detail: 'refused', durationMs: 1 });
    await advance(3000);
    expect(results).toEqual([]);
    expect(runs).toHaveLength(1);
  });

  it('lists the zones once per probe interval and reports the live ones not held here', async () => {
    zones = [
      { name: 'global', state: 'running' },
      { name: 'db01', state: 'running' },
      { name: 'web01', state: 'running' },
      { name: 'app02', state: 'ready' },
      { name: 'old', state: 'installed' },
    ];
    scheduler.setZones(new Map([['db01', [check('zone-state', 1000), check('http', 3000)]]]));
    scheduler.tick();
    await flush();
    await advance(3000);
    expect(listings).toBe(4); // the shortest interval: 1 s
    expect(twinReports.at(-1)).toEqual([{ zone: 'web01', state: 'running' }, { zone: 'app02', state: 'ready' }]);
    zones = new Error('zoneadm: timed out');
    await advance(1000);
    expect(twinReports.at(-1)).toBeNull();
  });

  it('lists every 2 s when it holds nothing, so a host without leases still reports twins', async () => {
    zones = [{ name: 'db01', state: 'running' }];
    scheduler.tick();
    await flush();
    await advance(6000);
    expect(listings).toBe(4); // at 0, 2, 4, 6 s
    expect(twinReports.at(-1)).toEqual([{ zone: 'db01', state: 'running' }]);
  });
});
