import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EpochStore } from './epoch-store.js';
import { retireEpoch } from './retire-epoch.js';
import { ZoneLocks } from './zone-locks.js';

function store(): EpochStore {
  return new EpochStore(fs.mkdtempSync(path.join(os.tmpdir(), 'twinzone-retire-')));
}

describe('retireEpoch', () => {
  it('refuses the retired epoch from then on, also after a restart, while a later grant is accepted', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinzone-retire-'));
    const epochs = new EpochStore(dir);
    epochs.admit('db01', 3, { record: true });
    const release = await retireEpoch(epochs, new ZoneLocks(), 'db01', 3, 'self-fence-1');
    release();
    expect(() => epochs.admit('db01', 3, { record: false })).toThrow(expect.objectContaining({ code: 'STALE_EPOCH' }));
    expect(() => new EpochStore(dir).admit('db01', 3, { record: false })).toThrow(expect.objectContaining({ code: 'STALE_EPOCH' }));
    expect(() => epochs.admit('db01', 4, { record: true })).not.toThrow();
  });

  it('waits for the operation running on the zone, then holds the zone until released', async () => {
    const locks = new ZoneLocks();
    const releaseBoot = locks.acquire('db01', 'boot-op');
    setTimeout(releaseBoot, 150);
    const release = await retireEpoch(store(), locks, 'db01', 1, 'self-fence-2', { waitMs: 5_000, pollMs: 10 });
    expect(locks.busyZones).toEqual(['db01']);
    expect(() => locks.acquire('db01', 'next-op')).toThrow(expect.objectContaining({ code: 'ZONE_BUSY' }));
    release();
    expect(locks.busyZones).toEqual([]);
  });

  it('fences regardless once an operation hangs past the wait, and leaves a newer epoch alone', async () => {
    const locks = new ZoneLocks();
    locks.acquire('db01', 'hung-op');
    const epochs = store();
    epochs.admit('db01', 9, { record: true });
    const release = await retireEpoch(epochs, locks, 'db01', 2, 'self-fence-3', { waitMs: 50, pollMs: 10 });
    release();
    expect(locks.busyZones).toEqual(['db01']);
    expect(() => epochs.admit('db01', 9, { record: false })).not.toThrow();
  });
});
