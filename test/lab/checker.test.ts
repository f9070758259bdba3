// Each check is fed a history with the violation it exists to catch (and the legal
// twin of that history), so a checker that cannot fail would fail here.
import { describe, expect, it } from 'vitest';
import type { ObservedEvent, ObserverRecord } from '../solsim/src/observer.js';
import {
  checkRecordContinuity,
  checkRecordFile,
  checkStorageExclusivity,
  checkZoneExclusivity,
} from './checker.js';

function history(...steps: Array<[string, ObservedEvent]>): ObserverRecord[] {
  return steps.map(([host, event], i) => ({ ...event, seq: i + 1, time: new Date(0).toISOString(), host }) as ObserverRecord);
}
const state = (zone: string, from: string, to: string): ObservedEvent => ({ type: 'zone.state', zone, from, to });
const imp = (group: string, cleared: string | null = null): ObservedEvent => ({
  type: 'storage.import', kind: 'vxdg', group, site: 'dc1', cleared, forced: cleared !== null,
});
const deport = (group: string): ObservedEvent => ({ type: 'storage.deport', kind: 'vxdg', group, site: 'dc1' });
const start = (zone: string, resumeSeq: number, dataId = 'dc1/dbdg'): ObservedEvent => ({
  type: 'app.start', zone, port: 1, dataFile: '/x', dataId, resumeSeq,
});
const stop = (zone: string, lastSeq: number, dataId = 'dc1/dbdg'): ObservedEvent => ({
  type: 'app.stop', zone, dataId, lastSeq, reason: 'stopped',
});

describe('I1: one live twin', () => {
  it('catches a zone booted on a second host while running on the first', () => {
    const v = checkZoneExclusivity(history(
      ['hostA', state('db01', 'installed', 'ready')],
      ['hostA', state('db01', 'ready', 'running')],
      ['hostB', state('db01', 'installed', 'ready')],
    ));
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ invariant: 'I1', seq: 3 });
    expect(v[0]!.message).toContain('hostA');
  });

  it('accepts a switchover: halt on A, then boot on B', () => {
    expect(checkZoneExclusivity(history(
      ['hostA', state('db01', 'ready', 'running')],
      ['hostA', state('db01', 'running', 'installed')],
      ['hostB', state('db01', 'installed', 'ready')],
      ['hostB', state('db01', 'ready', 'running')],
    ))).toEqual([]);
  });

  it('accepts a boot on B after A crashed', () => {
    expect(checkZoneExclusivity(history(
      ['hostA', state('db01', 'ready', 'running')],
      ['hostA', { type: 'host.crash' }],
      ['hostB', state('db01', 'ready', 'running')],
    ))).toEqual([]);
  });
});

describe('I2: one importer per disk group', () => {
  it('catches a -C import while the holder is alive and holding', () => {
    const v = checkStorageExclusivity(history(['hostA', imp('dbdg')], ['hostB', imp('dbdg', 'hostA')]));
    expect(v).toHaveLength(1);
    expect(v[0]!.message).toContain("clearing hostA's lock");
  });

  it('accepts a -C import after the holder crashed, and a plain import after a deport', () => {
    expect(checkStorageExclusivity(history(
      ['hostA', imp('dbdg')],
      ['hostA', { type: 'host.crash' }],
      ['hostB', imp('dbdg', 'hostA')],
      ['hostB', deport('dbdg')],
      ['hostA', imp('dbdg')],
    ))).toEqual([]);
  });

  it('treats the same group name at another site as another group', () => {
    expect(checkStorageExclusivity(history(
      ['hostA', imp('dbdg')],
      ['hostC', { ...imp('dbdg'), site: 'dc2' } as ObservedEvent],
    ))).toEqual([]);
  });
});

describe('I5: no record lost or written twice', () => {
  it('catches a record gap inside a file', () => {
    const v = checkRecordFile('records.log', '1 a z 0\n2 a z 0\n4 a z 0\n5 a z 0\n');
    expect(v).toHaveLength(1);
    expect(v[0]!.message).toContain('records 3..3 missing');
  });

  it('catches a repeated record (two writers) inside a file', () => {
    const v = checkRecordFile('records.log', '1 a z 0\n2 a z 0\n2 b z 0\n3 a z 0\n');
    expect(v).toHaveLength(1);
    expect(v[0]!.message).toContain('repeats record 2');
  });

  it('accepts a gapless file', () => {
    expect(checkRecordFile('records.log', '1 a z 0\n2 b z 0\n3 b z 0\n')).toEqual([]);
  });

  it('catches a resume below the last record a graceful stop reported', () => {
    const v = checkRecordContinuity(history(
      ['hostA', start('db01', 0)], ['hostA', stop('db01', 40)], ['hostB', start('db01', 37)],
    ));
    expect(v).toHaveLength(1);
    expect(v[0]!.message).toContain('3 record(s) lost');
  });

  it('allows exactly the loss a replication failover reported, and no more', () => {
    const within = history(
      ['hostA', start('db01', 0)], ['hostA', stop('db01', 40)],
      ['hostC', { type: 'replication', group: 'dbdg', action: 'failover', state: 'Failed Over', lostRecords: 5 }],
      ['hostC', start('db01', 35, 'dc2/dbdg')],
    );
    expect(checkRecordContinuity(within)).toEqual([]);
    const beyond = history(
      ['hostA', start('db01', 0)], ['hostA', stop('db01', 40)],
      ['hostC', { type: 'replication', group: 'dbdg', action: 'failover', state: 'Failed Over', lostRecords: 5 }],
      ['hostC', start('db01', 30, 'dc2/dbdg')],
    );
    expect(checkRecordContinuity(beyond)).toHaveLength(1);
  });

  it('catches a second writer starting while the first still runs', () => {
    const v = checkRecordContinuity(history(['hostA', start('db01', 0)], ['hostB', start('db01', 12)]));
    expect(v).toHaveLength(1);
    expect(v[0]!.message).toContain('two writers');
  });

  it('accepts a planned move and a crash-restart', () => {
    expect(checkRecordContinuity(history(
      ['hostA', start('db01', 0)], ['hostA', stop('db01', 10)],
      ['hostB', start('db01', 10)], ['hostB', { type: 'host.crash' }],
      ['hostA', start('db01', 17)],
    ))).toEqual([]);
  });
});
