// Measurement 2: unplanned failover, broken down. db01 runs on hostA holding its lease
// (renewed by hostA's agent every TTL/3); hostA loses power (its agent and zone die at
// once) and a failover to hostB is asked for at that moment. From the holder's death:
// the decision (the await-lease-grantable step ends: lease expiry plus the safety
// margin), then the twin running and passing its health checks (the run's end), split
// into time inside host commands (agent logs) and the rest.
import { RunKind } from '../shared/gen/twinzone/v1/control.js';
import { crashHost } from '../test/lab/host-power.js';
import { labEnv } from '../test/lab/create-lab.js';
import { round } from './bench-stats.js';
import { startBenchLab } from './bench-lab.js';
import { readCommandIntervals, unionMs } from './command-intervals.js';
import { timeRunEvents } from './run-timing.js';

export interface FailoverRecovery {
  ttlMs: number;
  safetyMarginMs: number;
  renewIntervalMs: number;
  /** Holder's death to the coordinator's decision (ms); bound: TTL + margin. */
  decisionMs: number;
  /** Holder's death to the end of the run's preflight (target checks), which comes before the wait. */
  preflightDoneMs: number;
  /** The goal's bound on the decision: TTL + one renewal period. */
  decisionGoalMs: number;
  /** Decision to the twin running and healthy (ms). */
  afterDecisionMs: number;
  /** Of that, inside host commands (the simulator's own cost). */
  afterDecisionCommandMs: number;
  /** The rest: orchestration after the decision (goal < 100 ms). */
  afterDecisionOverheadMs: number;
  totalMs: number;
}

const MARGIN_MS = 500;

export async function measureFailoverRecovery(ttlMs: number, log: (s: string) => void): Promise<FailoverRecovery> {
  const lab = await startBenchLab(`failover-${ttlMs}`, {
    agentLogLevel: 'debug',
    inventory: { policy: { leaseTtlMs: ttlMs, safetyMarginMs: MARGIN_MS } },
  });
  try {
    // The lease is held and renewed: two renewals seen in hostA's agent log.
    await waitForRenewals(lab.dir, 'hostA', 2, ttlMs * 3);
    const diedAt = Date.now();
    crashHost(labEnv(lab.dir, 'hostA'));
    const run = await timeRunEvents(lab.control, { kind: RunKind.RUN_KIND_FAILOVER, zone: 'db01', targetHost: 'hostB' });
    if (run.timing.state !== 'succeeded') throw new Error(`failover of db01 ended ${run.timing.state}: ${run.timing.reason}`);
    const decided = run.events.find((p) => p.event?.$case === 'stepFinished' && p.event.value.name === 'await-lease-grantable');
    if (!decided) throw new Error('the failover has no await-lease-grantable step');
    const decisionAt = decided.atMs;
    const preflight = run.events.find((p) => p.event?.$case === 'stepFinished' && p.event.value.name === 'preflight');
    const end = run.timing.lastAtMs;
    const commandMs = unionMs(readCommandIntervals(lab.dir), decisionAt, end);
    const result: FailoverRecovery = {
      ttlMs,
      safetyMarginMs: MARGIN_MS,
      renewIntervalMs: Math.floor(ttlMs / 3),
      decisionMs: decisionAt - diedAt,
      preflightDoneMs: preflight ? preflight.atMs - diedAt : Number.NaN,
      decisionGoalMs: ttlMs + Math.floor(ttlMs / 3),
      afterDecisionMs: end - decisionAt,
      afterDecisionCommandMs: round(commandMs),
      afterDecisionOverheadMs: round(end - decisionAt - commandMs),
      totalMs: end - diedAt,
    };
    log(`  TTL ${ttlMs} ms: decision after ${result.decisionMs} ms, healthy ${result.afterDecisionMs} ms later (${result.afterDecisionOverheadMs} ms outside commands)`);
    return result;
  } finally {
    await lab.close();
  }
}

async function waitForRenewals(labDir: string, host: string, count: number, timeoutMs: number): Promise<void> {
  const { readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const deadline = Date.now() + timeoutMs + 30_000;
  for (;;) {
    const text = readFileSync(join(labDir, 'logs', `agent-${host}.log`), 'utf8');
    if ((text.match(/"msg":"leases renewed"/g) ?? []).length >= count) return;
    if (Date.now() > deadline) throw new Error(`${host}'s agent did not renew its leases ${count} times`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
