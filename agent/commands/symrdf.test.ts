import { describe, expect, it } from 'vitest';
import { failed, transcript } from '../../test/support/transcripts.js';
import { classifySymrdfFailure, parseSymrdfLostRecords, parseSymrdfQuery, symrdfArgs } from './symrdf.js';

describe('symrdf', () => {
  it('builds query and control verbs (-noprompt: nothing reads the prompt)', () => {
    expect(symrdfArgs('dbdg', 'query')).toEqual(['-g', 'dbdg', 'query']);
    expect(symrdfArgs('dbdg', 'failover')).toEqual(['-g', 'dbdg', '-noprompt', 'failover']);
  });

  it('parses a replicating pair', () => {
    expect(parseSymrdfQuery(transcript('symrdf-query-consistent.txt'))).toEqual({ group: 'dbdg', pairState: 'Consistent', r1InvalidTracks: 0, r2InvalidTracks: 0 });
  });

  it('parses a failed-over pair (state with a blank) and its invalid tracks', () => {
    expect(parseSymrdfQuery(transcript('symrdf-query-failed-over.txt'))).toEqual({ group: 'dbdg', pairState: 'Failed Over', r1InvalidTracks: 0, r2InvalidTracks: 952 });
    expect(parseSymrdfQuery(transcript('symrdf-query-partitioned.txt')).pairState).toBe('Partitioned');
  });

  it('reports Mixed when devices disagree, sums rows without a Total line', () => {
    const rows =
      'Device Group (DG) Name             : g\n' +
      'DEV001  00A0   RW        1        2 RW 00B0 WD        1        2 S..   Synchronized\n' +
      'DEV002  00A1   RW        3        4 NR 00B1 RW        3        4 S..   Split\n';
    expect(parseSymrdfQuery(rows)).toEqual({ group: 'g', pairState: 'Mixed', r1InvalidTracks: 4, r2InvalidTracks: 6 });
    expect(() => parseSymrdfQuery('nothing\n')).toThrow(expect.objectContaining({ code: 'COMMAND_OUTPUT' }));
  });

  it('parses the records lost by failover and split, 0 otherwise', () => {
    expect(parseSymrdfLostRecords(transcript('symrdf-failover.txt'))).toBe(1010);
    expect(parseSymrdfLostRecords(transcript('symrdf-split.txt'))).toBeGreaterThanOrEqual(0);
    expect(parseSymrdfLostRecords(transcript('symrdf-establish.txt'))).toBe(0);
  });

  it.each([
    ['symrdf-invalid-state.txt', 'PRECONDITION_FAILED', 'not in a state'],
    ['symrdf-link-not-ready.txt', 'PRECONDITION_FAILED', 'link'],
    ['symrdf-group-not-found.txt', 'GROUP_NOT_FOUND', 'nosuch'],
  ])('classifies %s', (file, code, text) => {
    const c = classifySymrdfFailure(failed(transcript(file)));
    expect(c?.code).toBe(code);
    expect(c?.message).toContain(text);
  });
});
