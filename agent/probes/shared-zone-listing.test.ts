// The shared listing on a FakeClock: one zoneadm for concurrent readers and for readers
// within the freshness window, a new one after it, and zone-state answers from it.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../test/support/fake-clock.js';
import { SharedZoneListing, type ListedZone } from './shared-zone-listing.js';

function listingOf(zones: ListedZone[]) {
  const clock = new FakeClock();
  let calls = 0;
  let release: () => void = () => undefined;
  let hold = false;
  const shared = new SharedZoneListing({
    clock,
    freshMs: () => 1000,
    list: async () => {
      calls += 1;
      if (hold) await new Promise<void>((r) => (release = r));
      return zones.map((z) => ({ ...z }));
    },
  });
  return { clock, shared, calls: () => calls, holdNext: () => (hold = true), release: () => { hold = false; release(); } };
}

describe('the shared zone listing', () => {
  it('serves readers of a listing in flight and within the freshness window, then lists again', async () => {
    const t = listingOf([{ name: 'global', state: 'running' }, { name: 'db01', state: 'running' }]);
    t.holdNext();
    const a = t.shared.get();
    const b = t.shared.get();
    t.release();
    expect(await a).toEqual(await b);
    expect(t.calls()).toBe(1);
    t.clock.advance(999);
    await t.shared.get();
    expect(t.calls()).toBe(1);
    t.clock.advance(1);
    await t.shared.get();
    expect(t.calls()).toBe(2);
  });

  it('answers zone-state checks from the listing', async () => {
    const t = listingOf([{ name: 'global', state: 'running' }, { name: 'db01', state: 'running' }, { name: 'web01', state: 'installed' }]);
    expect(await t.shared.zoneState('db01')).toMatchObject({ healthy: true, detail: 'db01 is running' });
    expect(await t.shared.zoneState('web01')).toMatchObject({ healthy: false, detail: 'web01 is installed' });
    expect(await t.shared.zoneState('app01')).toMatchObject({ healthy: false, detail: 'app01 is not configured on this host' });
    expect(t.calls()).toBe(1);
  });

  it('does not keep a failed listing: the next reader lists again', async () => {
    const clock = new FakeClock();
    let calls = 0;
    const shared = new SharedZoneListing({
      clock,
      freshMs: () => 1000,
      list: async () => {
        calls += 1;
        if (calls === 1) throw new Error('zoneadm list exited 1');
        return [{ name: 'db01', state: 'running' }];
      },
    });
    await expect(shared.get()).rejects.toThrow('zoneadm list exited 1');
    expect(await shared.zoneState('db01')).toMatchObject({ healthy: true });
    expect(calls).toBe(2);
  });
});
