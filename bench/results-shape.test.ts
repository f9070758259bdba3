import { describe, expect, it } from 'vitest';
import { resultProblems } from './results-shape.js';

const s = { n: 1, median: 1, p95: 1, p99: 1, max: 1 };
const valid = {
  version: 1,
  durationSeconds: 3,
  machine: { cpus: 2 },
  switchover: { switchovers: 1, overheadMs: s, wallMs: s, commandMs: s, commandsPerRun: 3, stepRemainderMs: {} },
  failover: [{ ttlMs: 2000, decisionMs: 1, decisionGoalMs: 1, afterDecisionMs: 1, afterDecisionCommandMs: 1, afterDecisionOverheadMs: 1 }],
  archive: { sizes: [{ agentMiBps: 1, targetAgentPeakRssMiB: 1 }], pipeMiBps: 1, seedMethodSeconds: 1, agentOverPipe: 1, seedOverAgent: 1 },
  scale: { zones: 1, hosts: 1, renewals: { coordinatorCores: 1, latencyMs: s }, drFailover: { totalSeconds: 1, idealSeconds: 1, overIdeal: 1 } },
  store: { grantsPerSecond: 1, zoneRenewalsPerSecond: 1, grpc: { zoneRenewalsPerSecond: 1, callLatencyMs: s, cpuMicrosPerZoneRenewal: 1 }, goal: { coresNeeded: 1 } },
};

describe('bench results shape', () => {
  it('accepts a complete document', () => {
    expect(resultProblems(valid)).toEqual([]);
  });
  it('names a missing section, a missing field and a figure that is not a number', () => {
    const { store: _store, ...noStore } = valid;
    expect(resultProblems(noStore)).toEqual(['section store is missing']);
    expect(resultProblems({ ...valid, archive: { ...valid.archive, pipeMiBps: null } })).toEqual(['archive.pipeMiBps is missing or not the right kind (null)']);
    expect(resultProblems({ ...valid, switchover: { ...valid.switchover, overheadMs: { n: 1 } } })[0]).toMatch(/^switchover.overheadMs/);
    expect(resultProblems([])).toEqual(['results are not an object']);
  });
  it('checks only the sections asked for', () => {
    expect(resultProblems({ version: 1, durationSeconds: 1, machine: { cpus: 2 }, store: valid.store }, ['store'])).toEqual([]);
  });
});
