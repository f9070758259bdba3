// The shape of bench/results.json, checked after every run (the smoke in CI checks only
// this: that the suite completed and wrote valid results; figures are never asserted).
export const RESULT_SECTIONS = ['switchover', 'failover', 'archive', 'scale', 'store'] as const;

export interface BenchResults {
  version: 1;
  smoke: boolean;
  startedAt: string;
  durationSeconds: number;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; os: string; loadAverageAtStart: number[]; loadAverageAtEnd?: number[] };
  sizes: Record<string, unknown>;
  [section: string]: unknown;
}

type Check = (v: unknown) => boolean;
const num: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const summary: Check = (v) => isObject(v) && ['n', 'median', 'p95', 'p99', 'max'].every((k) => num((v as Record<string, unknown>)[k]));

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Required fields per section: a path (dots) and its check. */
const REQUIRED: Record<(typeof RESULT_SECTIONS)[number], [string, Check][]> = {
  switchover: [['switchovers', num], ['overheadMs', summary], ['wallMs', summary], ['commandMs', summary], ['commandsPerRun', num], ['stepRemainderMs', isObject]],
  failover: [['0.ttlMs', num], ['0.decisionMs', num], ['0.decisionGoalMs', num], ['0.afterDecisionMs', num], ['0.afterDecisionCommandMs', num], ['0.afterDecisionOverheadMs', num]],
  archive: [['sizes.0.agentMiBps', num], ['sizes.0.targetAgentPeakRssMiB', num], ['pipeMiBps', num], ['seedMethodSeconds', num], ['agentOverPipe', num], ['seedOverAgent', num]],
  scale: [['zones', num], ['hosts', num], ['renewals.coordinatorCores', num], ['renewals.latencyMs', summary], ['drFailover.totalSeconds', num], ['drFailover.idealSeconds', num], ['drFailover.overIdeal', num]],
  store: [['grantsPerSecond', num], ['zoneRenewalsPerSecond', num], ['grpc.zoneRenewalsPerSecond', num], ['grpc.callLatencyMs', summary], ['grpc.cpuMicrosPerZoneRenewal', num], ['goal.coresNeeded', num]],
};

function at(v: unknown, dotted: string): unknown {
  return dotted.split('.').reduce<unknown>((o, k) => (o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), v);
}

/** Problems with a results document: empty when it has every section with every field. */
export function resultProblems(doc: unknown, sections: readonly string[] = RESULT_SECTIONS): string[] {
  if (!isObject(doc)) return ['results are not an object'];
  const problems: string[] = [];
  if (doc.version !== 1) problems.push('version is not 1');
  if (!num(doc.durationSeconds)) problems.push('durationSeconds is not a number');
  if (!isObject(doc.machine) || !num(doc.machine.cpus)) problems.push('machine.cpus is not a number');
  for (const section of sections) {
    if (!(section in doc)) {
      problems.push(`section ${section} is missing`);
      continue;
    }
    for (const [field, check] of REQUIRED[section as (typeof RESULT_SECTIONS)[number]] ?? []) {
      if (!check(at(doc[section], field))) problems.push(`${section}.${field} is missing or not the right kind (${JSON.stringify(at(doc[section], field))})`);
    }
  }
  return problems;
}
