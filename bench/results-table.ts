// bench/results.md: each goal of issue 7 with the figure measured in this run, and the
// recorded optimisation rounds (before/after, optimisations.json). Figures come from one
// run on a shared, noisy machine: read them as ratios and breakdowns.
import type { ArchiveTransferResult } from './archive-transfer.js';
import type { FailoverRecovery } from './failover-recovery.js';
import type { BenchResults } from './results-shape.js';
import type { ScaleResult } from './scale.js';
import type { StoreThroughputResult } from './store-throughput.js';
import type { SwitchoverOverheadResult } from './switchover-overhead.js';

export interface OptimisationRecord {
  what: string;
  commit: string;
  measurement: string;
  before: string;
  after: string;
}

type Row = [measurement: string, figure: string, goal: string, met: string];

const yes = (ok: boolean) => (ok ? 'yes' : 'no');

function rows(r: BenchResults): Row[] {
  const out: Row[] = [];
  const sw = r.switchover as SwitchoverOverheadResult | undefined;
  if (sw) {
    out.push([
      `1. switchover overhead (${sw.switchovers} runs; run time minus host command time)`,
      `median ${sw.overheadMs.median} ms, p95 ${sw.overheadMs.p95} ms (runs ${sw.wallMs.median} ms, of which commands ${sw.commandMs.median} ms = simulator, ${sw.commandsPerRun} commands/run)`,
      'median < 30 ms',
      yes(sw.overheadMs.median < 30),
    ]);
  }
  for (const f of (r.failover as FailoverRecovery[] | undefined) ?? []) {
    out.push([`2. unplanned failover, TTL ${f.ttlMs / 1000} s: decision`, `${f.decisionMs} ms after the holder died (its preflight ended at ${f.preflightDoneMs} ms)`, `≤ TTL + renewal = ${f.decisionGoalMs} ms`, yes(f.decisionMs <= f.decisionGoalMs)]);
    out.push([
      `2. unplanned failover, TTL ${f.ttlMs / 1000} s: decision → healthy`,
      `${f.afterDecisionMs} ms = commands ${f.afterDecisionCommandMs} ms + ${f.afterDecisionOverheadMs} ms`,
      'commands + < 100 ms',
      yes(f.afterDecisionOverheadMs < 100),
    ]);
  }
  const a = r.archive as ArchiveTransferResult | undefined;
  if (a) {
    const largest = a.sizes[a.sizes.length - 1]!;
    out.push([`3. archive ${largest.sizeMiB} MiB, agent to agent vs local pax pipe`, `${largest.agentMiBps} vs ${a.pipeMiBps} MiB/s = ${a.agentOverPipe}`, '≥ 0.8', yes(a.agentOverPipe >= 0.8)]);
    out.push([`3. archive ${largest.sizeMiB} MiB, seed method (file, copy, extract) vs agent`, `${a.seedMethodSeconds} s vs ${largest.agentSeconds} s = ${a.seedOverAgent}x`, '≥ 2x', yes(a.seedOverAgent >= 2)]);
    const rss = a.sizes.map((s) => `${s.sizeMiB} MiB: ${Math.max(s.sourceAgentPeakRssMiB, s.targetAgentPeakRssMiB)} MB`).join(', ');
    const peak = Math.max(...a.sizes.map((s) => Math.max(s.sourceAgentPeakRssMiB, s.targetAgentPeakRssMiB)));
    out.push(['3. agent peak RSS by archive size', rss, '< 150 MB, independent of size', yes(peak < 150)]);
  }
  const sc = r.scale as ScaleResult | undefined;
  if (sc) {
    out.push([`4a. ${sc.zones} leases on ${sc.hosts} hosts at TTL ${sc.leaseTtlMs / 1000} s: coordinator CPU`, `${sc.renewals.coordinatorCores} cores`, '(reported)', '-']);
    out.push([`4a. renewal round trip (${sc.renewals.latencyMs.n} renewals)`, `p99 ${sc.renewals.latencyMs.p99} ms, median ${sc.renewals.latencyMs.median} ms`, '(reported)', '-']);
    out.push([
      `4b. DR failover of ${sc.drFailover.zones} zones, ${sc.drFailover.concurrency} at once`,
      `${sc.drFailover.totalSeconds} s vs ideal ${sc.drFailover.idealSeconds} s = ${sc.drFailover.overIdeal}x`,
      '≤ 1.2x',
      yes(sc.drFailover.overIdeal <= 1.2),
    ]);
  }
  const st = r.store as StoreThroughputResult | undefined;
  if (st) {
    out.push(['5. durable lease grants (one transaction each)', `${st.grantsPerSecond}/s`, '(reported)', '-']);
    out.push([`5. batch renewals in the store (${Math.round(st.zones / st.hosts)} zones per host transaction)`, `${st.zoneRenewalsPerSecond} zone renewals/s`, `≥ ${st.goal.zoneRenewalsPerSecondNeeded}/s`, yes(st.zoneRenewalsPerSecond >= st.goal.zoneRenewalsPerSecondNeeded)]);
    out.push([
      '5. RenewLeases over gRPC, whole coordinator path',
      `${st.grpc.zoneRenewalsPerSecond} zone renewals/s at ${st.grpc.coordinatorCores} cores; ${st.grpc.cpuMicrosPerZoneRenewal} µs CPU each`,
      `${st.goal.zones} zones at TTL ${st.goal.ttlMs / 1000} s on one core (needs ${st.goal.coresNeeded} cores)`,
      yes(st.goal.coresNeeded <= 1 && st.grpc.zoneRenewalsPerSecond >= st.goal.zoneRenewalsPerSecondNeeded),
    ]);
  }
  return out;
}

const cell = (s: string) => s.replace(/\|/g, '\\|');

export function resultsMarkdown(r: BenchResults, optimisations: readonly OptimisationRecord[]): string {
  const m = r.machine;
  const lines = [
    `# twinzone benchmark results${r.smoke ? ' (smoke sizes)' : ''}`,
    '',
    `Run ${r.startedAt}, ${r.durationSeconds} s, on ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}, ${m.os}; load average ${m.loadAverageAtStart.join(', ')} at start and ${(m.loadAverageAtEnd ?? []).join(', ')} at the end ` +
      '(a shared machine: other engineers ran tests at the same time, so only ratios and breakdowns within this run mean much). ' +
      'Host commands are the simulator\'s executables (a Node process each); their time is the simulator\'s cost and is reported apart from the overhead.',
    '',
    '| measurement | this run | goal | met |',
    '| --- | --- | --- | --- |',
    ...rows(r).map((row) => `| ${row.map(cell).join(' | ')} |`),
    '',
    `Sizes: ${Object.entries(r.sizes).map(([k, v]) => `${k} ${JSON.stringify(v)}`).join('; ')}.`,
  ];
  if (optimisations.length > 0) {
    lines.push('', '## Optimisation rounds (recorded before/after)', '', '| change | commit | measurement | before | after |', '| --- | --- | --- | --- | --- |');
    for (const o of optimisations) lines.push(`| ${[o.what, o.commit, o.measurement, o.before, o.after].map(cell).join(' | ')} |`);
  }
  return lines.join('\n') + '\n';
}
