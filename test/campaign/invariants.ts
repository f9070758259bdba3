// The campaign's checks, all from outside the product:
//   I1, I2, I5  test/lab/checker.ts over the whole observer log and every record file;
//   I3          from the coordinator's journal: per zone and host the epochs under which
//               steps succeeded never go down (the agent's fence), and once a lease was
//               granted or committed at epoch E to one host, no other host's import,
//               mount, attach or boot succeeds under a lower epoch afterwards;
//   I4          every run is in a final state once the lab has converged;
//   I5 (DR)     a disaster failover loses exactly the records replication reported lost.
import { checkLab, formatViolation } from '../lab/checker.js';
import type { RunRow, StepRow } from './lab-view.js';

export interface CampaignViolation {
  invariant: 'I1' | 'I2' | 'I3' | 'I4' | 'I5' | 'placement';
  message: string;
  /** The operation after which it was seen. */
  afterOp: number;
}

export const FINAL_RUN_STATES = new Set(['succeeded', 'failed', 'rolled_back', 'rollback_failed']);

export function labViolations(dir: string): string[] {
  return checkLab(dir).violations.map(formatViolation);
}

const ACTS_UNDER_EPOCH = new Set(['import-storage', 'mount-fs', 'attach-zone', 'boot-zone']);
/** Steps the coordinator runs itself (no agent admits their epoch): outside the fence check. */
const COORDINATOR_STEPS = new Set(['preflight', 'check-space', 'reserve-lease', 'grant-lease', 'commit-lease', 'await-lease-grantable', 'wait-replica-synced', 'wait-healthy']);

function grantedHost(s: StepRow, runTargets: Map<string, string>): string | undefined {
  if (s.name === 'grant-lease') return (JSON.parse(s.args_json) as { host?: string }).host;
  if (s.name === 'commit-lease') return runTargets.get(s.run_id);
  return undefined;
}

export function epochViolations(steps: readonly StepRow[]): string[] {
  const out: string[] = [];
  const fence = new Map<string, number>();
  const granted = new Map<string, { epoch: number; host: string }>();
  // The target of a run is the host its commit-lease gives the zone to: the host of the
  // steps taken under the run's newest epoch.
  const runTargets = new Map<string, string>();
  for (const s of steps) {
    if (s.host && s.epoch !== null) {
      const t = runTargets.get(`${s.run_id}:epoch`);
      if (t === undefined || Number(t) <= s.epoch) {
        runTargets.set(`${s.run_id}:epoch`, String(s.epoch));
        runTargets.set(s.run_id, s.host);
      }
    }
  }
  const done = steps.filter((s) => s.status === 'succeeded' && s.finished_at_ms !== null && s.epoch !== null).sort((a, b) => a.finished_at_ms! - b.finished_at_ms!);
  for (const s of done) {
    const epoch = s.epoch!;
    const g = grantedHost(s, runTargets);
    if (g) {
      const prev = granted.get(s.zone);
      if (!prev || epoch >= prev.epoch) granted.set(s.zone, { epoch, host: g });
      continue;
    }
    if (!s.host || COORDINATOR_STEPS.has(s.name)) continue;
    const key = `${s.zone}@${s.host}`;
    const seen = fence.get(key) ?? 0;
    if (epoch < seen) out.push(`${s.zone}: ${s.name} succeeded on ${s.host} under epoch ${epoch} after that agent had acted under ${seen} (op ${s.op_id})`);
    fence.set(key, Math.max(seen, epoch));
    const g2 = granted.get(s.zone);
    if (ACTS_UNDER_EPOCH.has(s.name) && g2 && g2.host !== s.host && epoch < g2.epoch) {
      out.push(`${s.zone}: ${s.name} succeeded on ${s.host} under epoch ${epoch} after the lease went to ${g2.host} at epoch ${g2.epoch} (op ${s.op_id})`);
    }
  }
  return out;
}

export function unfinishedRuns(runs: readonly RunRow[]): RunRow[] {
  return runs.filter((r) => r.finished_at_ms === null || !FINAL_RUN_STATES.has(r.state));
}

/** Counts of stale-epoch refusals in the journal: I3's protection seen working. */
export function staleRefusals(steps: readonly StepRow[]): number {
  return steps.filter((s) => s.status !== 'succeeded' && (s.error_json ?? '').includes('stale fencing epoch')).length;
}
