// Measurement 1: the orchestration overhead of a planned switchover. db01 is switched
// between hostA and hostB over and over; for each run, overhead = the caller's wall time
// of the run minus the time inside host commands (the union of the intervals of every
// command the agents logged while it ran, the reads behind preflight checks and probes
// included). The command time is the simulator's own cost and is reported apart. Per
// step, the step's duration minus its journalled commands shows where overhead lives.
import { RunKind } from '../shared/gen/twinzone/v1/control.js';
import { round, summarize, sum, type Summary } from './bench-stats.js';
import { startBenchLab } from './bench-lab.js';
import { readCommandIntervals, unionMs, within } from './command-intervals.js';
import { runAcceptingDeltas, type RunTiming } from './run-timing.js';

export interface SwitchoverOverheadResult {
  switchovers: number;
  /** Caller's wall time minus time inside host commands, per run (ms): the goal's figure. */
  overheadMs: Summary;
  /** The caller's wall time per run (ms). */
  wallMs: Summary;
  /** Time inside host commands per run (union of intervals, ms): the simulator's own cost. */
  commandMs: Summary;
  /** Host commands per run, those behind read-only checks included. */
  commandsPerRun: number;
  /** Median per step of its duration minus its journalled commands (ms), largest first; reads behind checks count here. */
  stepRemainderMs: Record<string, number>;
}

export function overheadOf(runs: readonly RunTiming[], labDir: string): Pick<SwitchoverOverheadResult, 'overheadMs' | 'wallMs' | 'commandMs' | 'commandsPerRun'> {
  const intervals = readCommandIntervals(labDir);
  const cmd = runs.map((r) => unionMs(intervals, r.startedEpochMs, r.endedEpochMs));
  return {
    overheadMs: summarize(runs.map((r, i) => r.wallMs - cmd[i]!)),
    wallMs: summarize(runs.map((r) => r.wallMs)),
    commandMs: summarize(cmd),
    commandsPerRun: round(sum(runs.map((r) => within(intervals, r.startedEpochMs, r.endedEpochMs).length)) / Math.max(1, runs.length), 1),
  };
}

export function stepRemainders(runs: readonly RunTiming[]): Record<string, number> {
  const perStep = new Map<string, number[]>();
  for (const r of runs) for (const s of r.steps) (perStep.get(s.name) ?? perStep.set(s.name, []).get(s.name)!).push(s.durationMs - s.commandMs);
  return Object.fromEntries([...perStep].map(([name, v]) => [name, summarize(v).median] as const).sort((a, b) => b[1] - a[1]));
}

export async function measureSwitchoverOverhead(switchovers: number, log: (s: string) => void): Promise<SwitchoverOverheadResult> {
  // Debug: the agents' per-command log lines are the measurement.
  const lab = await startBenchLab('switchover', { agentLogLevel: 'debug' });
  try {
    const hosts = ['hostB', 'hostA'];
    // Warm-up (and the deltas between hostA and hostB accepted both ways): not counted.
    for (const target of hosts) await runAcceptingDeltas(lab.control, { kind: RunKind.RUN_KIND_SWITCHOVER, zone: 'db01', targetHost: target });
    const runs: RunTiming[] = [];
    for (let i = 0; i < switchovers; i += 1) {
      runs.push(await runAcceptingDeltas(lab.control, { kind: RunKind.RUN_KIND_SWITCHOVER, zone: 'db01', targetHost: hosts[i % 2]! }));
      if ((i + 1) % 5 === 0) log(`  switchover ${i + 1}/${switchovers}`);
    }
    return { switchovers: runs.length, ...overheadOf(runs, lab.dir), stepRemainderMs: stepRemainders(runs) };
  } finally {
    await lab.close();
  }
}
