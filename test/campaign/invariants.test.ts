// The campaign's I3 check over journal rows: an agent's fence never goes down, and no
// host acts under an epoch older than a lease already granted elsewhere; coordinator
// steps (which no agent admits) are outside it.
import { describe, expect, it } from 'vitest';
import { epochViolations } from './invariants.js';
import type { StepRow } from './lab-view.js';

let t = 0;
function step(name: string, host: string, epoch: number, extra: Partial<StepRow> = {}): StepRow {
  t += 10;
  return { run_id: 'r1', zone: 'db01', kind: 'switchover', step_index: t, attempt: 1, name, host, args_json: '{}', op_id: `op${t}`, epoch, status: 'succeeded', error_json: null, started_at_ms: t, finished_at_ms: t + 5, ...extra };
}

describe('I3 from the journal', () => {
  it('a switchover (source under 1, target under 2) is clean, and so is a coordinator step under the old epoch', () => {
    expect(epochViolations([step('detach-zone', 'hostA', 1), step('import-storage', 'hostB', 2), step('wait-replica-synced', 'hostB', 1), step('commit-lease', '', 2), step('boot-zone', 'hostB', 2)])).toEqual([]);
  });

  it('an agent acting under a lower epoch than it already acted under is a violation', () => {
    expect(epochViolations([step('import-storage', 'hostB', 3), step('mount-fs', 'hostB', 2)])).toHaveLength(1);
  });

  it('an import on the old host after the lease was granted elsewhere at a newer epoch is a violation', () => {
    const steps = [
      step('grant-lease', 'hostB', 4, { run_id: 'r2', args_json: JSON.stringify({ host: 'hostB' }) }),
      step('import-storage', 'hostB', 4, { run_id: 'r2' }),
      step('import-storage', 'hostA', 3, { run_id: 'r3' }),
    ];
    expect(epochViolations(steps).join('\n')).toMatch(/after the lease went to hostB at epoch 4/);
  });

  it('failed steps (refused as stale) are not actions', () => {
    expect(epochViolations([step('import-storage', 'hostB', 3), step('mount-fs', 'hostB', 2, { status: 'failed' })])).toEqual([]);
  });
});
