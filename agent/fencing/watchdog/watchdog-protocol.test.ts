import { describe, expect, it } from 'vitest';
import { umountArgs } from '../../commands/umount.js';
import { vxdgArgs } from '../../commands/vxdg.js';
import { zoneadmArgs } from '../../commands/zoneadm.js';
import { zpoolArgs } from '../../commands/zpool.js';
import { decodeMessage, encodeMessage, fencePlan, type WatchedZone } from './watchdog-protocol.js';

const zone: WatchedZone = { zone: 'db01', epoch: 4, remainingMs: 900, mountPoints: ['/data/db01', '/data/db01/logs'], storage: { kind: 'vxdg', group: 'dbdg' } };

describe('watchdog protocol', () => {
  it('fences with the same argument vectors as the agent: halt, each unmount forced, deport', () => {
    expect(fencePlan(zone)).toEqual([
      { command: 'zoneadm', args: zoneadmArgs.halt('db01') },
      { command: 'umount', args: umountArgs.unmount('/data/db01', { force: true }) },
      { command: 'umount', args: umountArgs.unmount('/data/db01/logs', { force: true }) },
      { command: 'vxdg', args: vxdgArgs.deport('dbdg') },
    ]);
    expect(fencePlan({ ...zone, mountPoints: [], storage: { kind: 'zpool', group: 'apppool' } }).at(-1)).toEqual({ command: 'zpool', args: zpoolArgs.export('apppool') });
    expect(fencePlan({ ...zone, mountPoints: [], storage: null })).toEqual([{ command: 'zoneadm', args: ['-z', 'db01', 'halt'] }]);
  });

  it('round-trips feeds and stand-down, and rejects anything else', () => {
    expect(decodeMessage(encodeMessage({ type: 'feed', zones: [zone] }).trim())).toEqual({ type: 'feed', zones: [zone] });
    expect(decodeMessage(encodeMessage({ type: 'stand-down' }))).toEqual({ type: 'stand-down' });
    expect(decodeMessage('not json')).toBeNull();
    expect(decodeMessage(JSON.stringify({ type: 'feed', zones: [{ ...zone, remainingMs: 'soon' }] }))).toBeNull();
    expect(decodeMessage(JSON.stringify({ type: 'feed', zones: [{ ...zone, mountPoints: ['relative'] }] }))).toBeNull();
  });
});
