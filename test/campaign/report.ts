// The campaign's report: JSON (everything, for machines and for reproducing a failure)
// and a markdown table (the figures the README's Reliability section quotes).
import type { CampaignLab } from './campaign-lab.js';
import type { CliRun } from './cli.js';
import type { CampaignViolation } from './invariants.js';
import { FAULT_KINDS, type InjectedFault } from './nemesis.js';
import type { OpKind, PlannedOp } from './operations.js';

export interface OpRecord {
  index: number;
  kind: OpKind;
  zones: string[];
  commands: string[][];
  down?: PlannedOp['down'];
  faults: InjectedFault[];
  startedAtMs: number;
  healedAtMs?: number;
  cli: CliRun[];
  completed: boolean;
  converged?: boolean;
  convergeMs?: number;
  runs?: { id: string; kind: string; zone: string; state: string; reason: string }[];
  repairs?: { args: string[]; code: number | null }[];
  restarts?: string[];
  rpo?: { zone: string; reported: number; actual: number }[];
}

export interface CampaignReport {
  seed: number;
  runsAsked: number;
  durationMs: number;
  lab: string;
  operations: { attempted: number; completed: number; byKind: Record<string, { attempted: number; completed: number }> };
  faults: { injected: number; skipped: number; byKind: Record<string, number> };
  violations: CampaignViolation[];
  records: { written: number; lost: number; byZone: Record<string, number> };
  rpo: { zone: string; reported: number; actual: number }[];
  convergeMs: { median: number; p95: number; max: number; samples: number };
  repairs: number;
  staleEpochRefusals: number;
  finalPlacement: Record<string, string>;
  history: OpRecord[];
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function buildReport(input: {
  seed: number;
  runs: number;
  ops: OpRecord[];
  violations: CampaignViolation[];
  lab: CampaignLab;
  durationMs: number;
  finalHosts: Record<string, string>;
  rpo: { zone: string; reported: number; actual: number }[];
  staleRefusals: number;
  records: { written: number; byZone: Record<string, number> };
}): CampaignReport {
  const byKind: Record<string, { attempted: number; completed: number }> = {};
  for (const op of input.ops) {
    const k = (byKind[op.kind] ??= { attempted: 0, completed: 0 });
    k.attempted += 1;
    if (op.completed) k.completed += 1;
  }
  const faultsByKind: Record<string, number> = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0]));
  let skipped = 0;
  for (const f of input.ops.flatMap((o) => o.faults)) {
    if (f.skipped) skipped += 1;
    else faultsByKind[f.kind] = (faultsByKind[f.kind] ?? 0) + 1;
  }
  // Time to converge after each operation that had a fault (from the last heal).
  const conv = input.ops.filter((o) => o.faults.some((f) => !f.skipped) && o.convergeMs !== undefined).map((o) => o.convergeMs!).sort((a, b) => a - b);
  return {
    seed: input.seed,
    runsAsked: input.runs,
    durationMs: input.durationMs,
    lab: input.lab.dir,
    operations: { attempted: input.ops.length, completed: input.ops.filter((o) => o.completed).length, byKind },
    faults: { injected: Object.values(faultsByKind).reduce((a, b) => a + b, 0), skipped, byKind: faultsByKind },
    violations: input.violations,
    records: { written: input.records.written, lost: input.rpo.reduce((a, r) => a + r.actual, 0), byZone: input.records.byZone },
    rpo: input.rpo,
    convergeMs: { median: percentile(conv, 50), p95: percentile(conv, 95), max: conv.at(-1) ?? 0, samples: conv.length },
    repairs: input.ops.reduce((a, o) => a + (o.repairs?.length ?? 0), 0),
    staleEpochRefusals: input.staleRefusals,
    finalPlacement: input.finalHosts,
    history: input.ops,
  };
}

export function reportMarkdown(r: CampaignReport): string {
  const lines = [
    `### Campaign seed ${r.seed}: ${r.operations.attempted} operations, ${r.violations.length} violation(s)`,
    '',
    '| figure | value |',
    '| --- | --- |',
    `| operations attempted / completed | ${r.operations.attempted} / ${r.operations.completed} |`,
    ...Object.entries(r.operations.byKind).map(([k, v]) => `| — ${k} | ${v.attempted} / ${v.completed} |`),
    `| faults injected (skipped: target gone or op over) | ${r.faults.injected} (${r.faults.skipped}) |`,
    ...Object.entries(r.faults.byKind).filter(([, n]) => n > 0).map(([k, n]) => `| — ${k} | ${n} |`),
    `| invariant violations | ${r.violations.length} |`,
    `| records written / lost | ${r.records.written} / ${r.records.lost} |`,
    `| disaster RPO reported vs actual | ${r.rpo.map((x) => `${x.zone} ${x.reported}/${x.actual}`).join(', ') || '—'} |`,
    `| time to converge after a fault: median / p95 / max (n) | ${(r.convergeMs.median / 1000).toFixed(1)} s / ${(r.convergeMs.p95 / 1000).toFixed(1)} s / ${(r.convergeMs.max / 1000).toFixed(1)} s (${r.convergeMs.samples}) |`,
    `| repairs asked by the campaign (restarts on a live holder, failovers) | ${r.repairs} |`,
    `| stale-epoch refusals seen in the journal | ${r.staleEpochRefusals} |`,
    `| duration | ${(r.durationMs / 60000).toFixed(1)} min |`,
    '',
    ...r.violations.map((v) => `- ${v.invariant} after operation ${v.afterOp}: ${v.message}`),
  ];
  return lines.join('\n') + '\n';
}

/** What a failing campaign prints: seed, operation history and fault schedule. */
export function failureDump(r: CampaignReport): string {
  const out = [`FAILED campaign seed ${r.seed} (rerun: npm run campaign -- --runs ${r.runsAsked} --seed ${r.seed}); lab kept at ${r.lab}`];
  for (const op of r.history) {
    out.push(`#${op.index} ${op.kind} ${op.zones.join(',')}${op.down ? ` down ${op.down.host ?? op.down.site} (${op.down.how})` : ''}: ${op.commands.map((c) => c.join(' ')).join(' | ')} -> ${op.completed ? 'completed' : 'not completed'}`);
    for (const f of op.faults) out.push(`    fault ${f.kind} ${f.target || 'coordinator'} at +${f.atMs} ms for ${f.durationMs} ms${f.rule ? ` rule ${JSON.stringify(f.rule)}` : ''}${f.skipped ? ` (skipped: ${f.skipped})` : ''}`);
  }
  for (const v of r.violations) out.push(`VIOLATION ${v.invariant} after #${v.afterOp}: ${v.message}`);
  return out.join('\n') + '\n';
}
