import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../test/support/fake-clock.js';
import { TransferProgress } from './transfer-progress.js';

describe('TransferProgress', () => {
  it('counts bytes and time while a transfer runs, and freezes both once it finished', () => {
    const clock = new FakeClock();
    const transfers = new TransferProgress(clock);
    const meter = transfers.start('op-1');
    meter.add(1000);
    clock.advance(500);
    meter.setTotal(4000);
    meter.add(1000);
    expect(transfers.get('op-1')).toEqual({ opId: 'op-1', bytes: 2000, totalBytes: 4000, elapsedMs: 500, finished: false });
    meter.finish();
    clock.advance(2000);
    expect(transfers.get('op-1')).toMatchObject({ bytes: 2000, elapsedMs: 500, finished: true });
    expect(transfers.get('op-2')).toBeNull();
  });

  it('forgets finished transfers after ten minutes, never running ones', () => {
    const clock = new FakeClock();
    const transfers = new TransferProgress(clock);
    transfers.start('done').finish();
    transfers.start('running');
    clock.advance(10 * 60_000 + 1);
    transfers.start('next');
    expect(transfers.get('done')).toBeNull();
    expect(transfers.get('running')).toMatchObject({ finished: false });
  });
});
