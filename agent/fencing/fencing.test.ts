import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { raiseEpoch } from './epoch-files.js';
import { EpochStore } from './epoch-store.js';
import { ZoneLocks } from './zone-locks.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'fence-'));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('epoch store (I3)', () => {
  it('admits equal and higher epochs and refuses lower ones as STALE_EPOCH', () => {
    const store = new EpochStore(tempDir());
    store.admit('db01', 3, { record: true });
    store.admit('db01', 3, { record: true });
    expect(() => store.admit('db01', 2, { record: true })).toThrow(expect.objectContaining({ code: 'STALE_EPOCH', message: 'stale fencing epoch for db01: got 2, already saw 3' }));
    store.admit('db01', 7, { record: true });
    expect(() => store.admit('db01', 3, { record: true })).toThrow(expect.objectContaining({ code: 'STALE_EPOCH' }));
  });

  it('keeps zones apart', () => {
    const store = new EpochStore(tempDir());
    store.admit('db01', 9, { record: true });
    expect(() => store.admit('web01', 1, { record: true })).not.toThrow();
  });

  it('survives a restart (a new store on the same directory)', () => {
    const dir = tempDir();
    new EpochStore(dir).admit('db01', 12, { record: true });
    const again = new EpochStore(dir);
    expect(again.highest('db01')).toBe(12);
    expect(() => again.admit('db01', 11, { record: true })).toThrow(expect.objectContaining({ code: 'STALE_EPOCH' }));
  });

  it('sees an epoch the watchdog retired while this agent was stopped, without a restart', () => {
    const dir = tempDir();
    const store = new EpochStore(dir);
    store.admit('db01', 4, { record: true });
    // The watchdog process fences db01 held under 4 and retires that epoch.
    expect(raiseEpoch(dir, 'db01', 5)).toBe(5);
    expect(() => store.admit('db01', 4, { record: true })).toThrow(expect.objectContaining({ code: 'STALE_EPOCH', message: 'stale fencing epoch for db01: got 4, already saw 5' }));
    // Raising never lowers.
    expect(raiseEpoch(dir, 'db01', 3)).toBe(5);
  });

  it('does not move the fence for a check-only admission (dry run)', () => {
    const store = new EpochStore(tempDir());
    store.admit('db01', 5, { record: false });
    expect(store.highest('db01')).toBe(0);
  });
});

describe('zone locks', () => {
  it('lets one operation per zone in and refuses a second with ZONE_BUSY naming the holder', () => {
    const locks = new ZoneLocks();
    const release = locks.acquire('db01', 'op-1');
    expect(() => locks.acquire('db01', 'op-2')).toThrow(expect.objectContaining({ code: 'ZONE_BUSY', message: expect.stringContaining('op-1') }));
    expect(() => locks.acquire('web01', 'op-3')).not.toThrow();
    release();
    expect(() => locks.acquire('db01', 'op-2')).not.toThrow();
  });
});
