// Measurement 4: scale. Many zones on 20 hosts (scale-preset.ts) with real agents and
// the coordinator. (a) All leases held and renewed at TTL 5 s: the coordinator's CPU
// over a window and the p99 of the agents' renewal round trips (their "leases renewed"
// debug lines). (b) Site dc1 is lost; after the disaster is declared and its hosts
// confirmed down, one site-wide DR failover (StartSiteRun, as `twinzone site failover`)
// moves every zone, at most `concurrency` runs at once. Total time against the ideal:
// the sum of each run's time inside host commands divided by the concurrency.
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { RunKind, StartSiteRunRequest, type RunProgress, type SiteRunFinished } from '../shared/gen/twinzone/v1/control.js';
import { createLab } from '../test/lab/create-lab.js';
import { loseSite } from '../test/lab/host-power.js';
import { round, summarize, sum, type Summary } from './bench-stats.js';
import { benchTempDir, destroyBenchLab, upBenchLab } from './bench-lab.js';
import { readCommandIntervals, unionMs } from './command-intervals.js';
import { cpuSeconds } from './process-cpu.js';
import { timingOf } from './run-timing.js';
import { registerScalePreset, scaleHost, scaleZone, type ScaleOptions } from './scale-preset.js';

export interface ScaleRunOptions extends ScaleOptions {
  renewWindowSeconds: number;
  /** Runs at once in the site-wide DR failover. */
  concurrency: number;
}

export interface ScaleResult {
  hosts: number;
  zones: number;
  leaseTtlMs: number;
  buildSeconds: number;
  renewals: {
    windowSeconds: number;
    leasesHeld: number;
    coordinatorCores: number;
    latencyMs: Summary;
  };
  drFailover: {
    zones: number;
    concurrency: number;
    totalSeconds: number;
    /** Sum over runs of the time inside host commands, divided by the concurrency. */
    idealSeconds: number;
    /** total / ideal (goal ≤ 1.2). */
    overIdeal: number;
    runSeconds: Summary;
  };
}

const TTL_MS = 5_000;

function renewalLatencies(labDir: string, since: number): number[] {
  const out: number[] = [];
  for (const name of fs.readdirSync(path.join(labDir, 'logs'))) {
    if (!name.startsWith('agent-')) continue;
    for (const line of fs.readFileSync(path.join(labDir, 'logs', name), 'utf8').split('\n')) {
      if (!line.includes('"leases renewed"')) continue;
      const rec = JSON.parse(line) as { time: string; durationMs: number; zones: number };
      if (Date.parse(rec.time) >= since && rec.zones > 0) out.push(rec.durationMs);
    }
  }
  return out;
}

export async function measureScale(o: ScaleRunOptions, log: (s: string) => void): Promise<ScaleResult> {
  const preset = registerScalePreset(o);
  const dir = benchTempDir('scale');
  try {
    let t = performance.now();
    await createLab(dir, preset.name);
    const lab = await upBenchLab(dir, {
      agentLogLevel: 'debug',
      startConcurrency: 4,
      inventory: { policy: { leaseTtlMs: TTL_MS, safetyMarginMs: 500 } },
    });
    const buildSeconds = (performance.now() - t) / 1000;
    log(`  ${preset.description}: built and up in ${round(buildSeconds, 1)} s`);
    try {
      // (a) Wait until every zone's lease is held, then watch the renewals. Read from the
      // store: GetStatus asks every agent to list its zones, which is the load measured.
      const adoptBy = Date.now() + 300_000;
      for (let held = 0; (held = heldLeases(lab.coordinator.db)) < o.zones; ) {
        if (Date.now() > adoptBy) throw new Error(`only ${held} of ${o.zones} zones adopted after 300 s (coordinator log: ${dir}/logs/coordinator.log)`);
        await new Promise((r) => setTimeout(r, 500));
      }
      // One full renewal period first, so every agent tracks its leases.
      await new Promise((r) => setTimeout(r, TTL_MS));
      const since = Date.now();
      const cpu0 = cpuSeconds(lab.coordinator.pid);
      t = performance.now();
      await new Promise((r) => setTimeout(r, o.renewWindowSeconds * 1000));
      const coordinatorCores = (cpuSeconds(lab.coordinator.pid) - cpu0) / ((performance.now() - t) / 1000);
      const latencies = renewalLatencies(dir, since);
      log(`  renewals: coordinator ${round(coordinatorCores)} cores, p99 ${summarize(latencies).p99} ms`);

      // (b) Site dc1 is lost; dc2 takes over.
      loseSite(dir, 'dc1');
      await lab.control.declareDisaster('dc1', 'bench: site-wide DR failover');
      for (let i = 0; i < o.hostsPerSite; i += 1) await lab.control.confirmDown(scaleHost(1, i));
      t = performance.now();
      const progress = new Map<string, { zone: string; events: RunProgress[] }>();
      let finished: SiteRunFinished | undefined;
      const request = StartSiteRunRequest.fromPartial({ kind: RunKind.RUN_KIND_DR_FAILOVER, fromSite: 'dc1', toSite: 'dc2', concurrency: o.concurrency, reason: 'bench: site-wide DR failover' });
      for await (const r of lab.control.startSiteRun(request)) {
        if (r.event?.$case === 'run') {
          const p = r.event.value;
          const run = progress.get(p.runId) ?? progress.set(p.runId, { zone: '', events: [] }).get(p.runId)!;
          if (p.event?.$case === 'started') run.zone = p.event.value.zone;
          run.events.push(p);
        } else if (r.event?.$case === 'finished') finished = r.event.value;
      }
      const totalSeconds = (performance.now() - t) / 1000;
      if (finished?.state !== 'succeeded') throw new Error(`the site-wide DR failover ended ${finished?.state ?? 'without a final message'}: ${finished?.reason ?? ''}`);
      const runs = [...progress.values()].map((r) => ({ zone: r.zone, timing: timingOf(r.events, 0, 0) }));
      const intervals = readCommandIntervals(dir);
      // Each run's commands, overlapping ones counted once, within its span (one clock: one machine).
      const commandMs = runs.map((r) => unionMs(intervals.filter((c) => c.zone === r.zone), r.timing.firstAtMs, r.timing.lastAtMs));
      const idealSeconds = sum(commandMs) / 1000 / o.concurrency;
      log(`  site-wide DR failover of ${runs.length} zones: ${round(totalSeconds, 1)} s, ideal ${round(idealSeconds, 1)} s`);
      return {
        hosts: preset.hosts.length,
        zones: o.zones,
        leaseTtlMs: TTL_MS,
        buildSeconds: round(buildSeconds, 1),
        renewals: { windowSeconds: o.renewWindowSeconds, leasesHeld: o.zones, coordinatorCores: round(coordinatorCores), latencyMs: summarize(latencies) },
        drFailover: {
          zones: runs.length,
          concurrency: o.concurrency,
          totalSeconds: round(totalSeconds, 1),
          idealSeconds: round(idealSeconds, 1),
          overIdeal: round(totalSeconds / idealSeconds),
          runSeconds: summarize(runs.map((r) => r.timing.spanMs / 1000)),
        },
      };
    } finally {
      lab.control.close();
    }
  } finally {
    await destroyBenchLab(dir);
  }
}

/** Leases held now, read from the coordinator's store (WAL: a reader does not block it). */
function heldLeases(db: string): number {
  if (!fs.existsSync(db)) return 0;
  const conn = new Database(db, { readonly: true, fileMustExist: true });
  try {
    conn.pragma('busy_timeout = 5000');
    return (conn.prepare("SELECT count(*) AS n FROM leases WHERE state = 'held'").get() as { n: number }).n;
  } finally {
    conn.close();
  }
}
