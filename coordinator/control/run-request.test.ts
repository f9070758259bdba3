// Where a run starts from: the lease, else the agents' zone lists, and never a guess from
// some of them (a host whose list could not be read may run the zone).
import { describe, expect, it } from 'vitest';
import { exampleInventory } from '../../test/support/example-inventory.js';
import { codeOf } from '../../test/support/rejections.js';
import type { Lease } from '../leases/lease-rules.js';
import { RunKind } from '../runs/run-plan.js';
import { currentHolder, planRequest } from './run-request.js';

const held: Lease = { zone: 'db01', state: 'held', holder: 'hostA', epoch: 3, lastEpoch: 3, expiresAtMs: 10_000, target: null, reservedEpoch: null, renewedAtMs: 0, updatedAtMs: 0 };
const none = new Map<string, string>();
const unreadable = new Map([['hostB', 'cannot read the output of `zoneadm list -cp`: it ends inside a line']]);

describe('currentHolder', () => {
  it('takes the lease holder, whatever a host answered', () => {
    expect(currentHolder('db01', { lease: held, runningOn: [], unanswered: unreadable })).toBe('hostA');
  });

  it('without a lease, takes the one host running the zone when every twin host answered', () => {
    expect(currentHolder('db01', { lease: undefined, runningOn: ['hostA'], unanswered: none })).toBe('hostA');
    expect(currentHolder('db01', { lease: undefined, runningOn: [], unanswered: none })).toBeNull();
  });

  it('without a lease, refuses to place the zone while a twin host gave no readable zone list, naming the host and why', () => {
    for (const runningOn of [[], ['hostA']]) {
      let message = '';
      try {
        currentHolder('db01', { lease: undefined, runningOn, unanswered: unreadable });
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toMatch(/^cannot tell where db01 runs: .*hostB \(cannot read the output of `zoneadm list -cp`/);
    }
  });

  it('a switchover planned from a partial view is refused, not planned from or to the wrong host', () => {
    const facts = { inventory: exampleInventory, lease: undefined, runningOn: [], unanswered: unreadable };
    expect(codeOf(() => planRequest({ kind: RunKind.Switchover, zone: 'db01', target: 'hostB' }, facts))).toBe('PRECONDITION_FAILED');
    expect(codeOf(() => planRequest({ kind: RunKind.Failover, zone: 'db01', target: 'hostB' }, facts))).toBe('PRECONDITION_FAILED');
  });
});
