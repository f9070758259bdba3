import { describe, expect, it } from 'vitest';
import { scriptedContext } from '../../test/support/op-test-context.js';
import { failure } from '../../test/support/rejections.js';
import type { ScriptedReply } from '../../test/support/scripted-runner.js';
import { transcript } from '../../test/support/transcripts.js';
import { queryReplication, replicationAction } from './replication-ops.js';

const query = (file: string): ScriptedReply => ({ command: 'symrdf', args: ['-g', 'dbdg', 'query'], stdout: transcript(file) });

describe('queryReplication', () => {
  it('parses the pair state and invalid tracks', async () => {
    const { ctx, runner } = scriptedContext([query('symrdf-query-failed-over.txt')]);
    expect(await queryReplication(ctx, 'dbdg')).toEqual({ group: 'dbdg', pairState: 'Failed Over', r1InvalidTracks: 0, r2InvalidTracks: 952 });
    expect(runner.commandLines).toEqual(['symrdf -g dbdg query']);
  });

  it('validates the group and maps an unknown one to GROUP_NOT_FOUND', async () => {
    const bad = scriptedContext([]);
    expect((await failure(queryReplication(bad.ctx, '-g'))).code).toBe('INVALID_ARGUMENT');
    expect((await failure(queryReplication(bad.ctx, 'a b'))).code).toBe('INVALID_ARGUMENT');
    expect(bad.runner.calls).toEqual([]);
    const unknown = scriptedContext([{ command: 'symrdf', exitCode: 1, stderr: transcript('symrdf-group-not-found.txt') }]);
    const err = await failure(queryReplication(unknown.ctx, 'dbdg'));
    expect(err.code).toBe('GROUP_NOT_FOUND');
    expect(err.message).toContain('The specified device group (nosuch) was not found');
  });
});

describe('replicationAction', () => {
  it('fails over, reports the lost records and the state re-queried afterwards', async () => {
    const { ctx, runner } = scriptedContext([
      query('symrdf-query-consistent.txt'),
      { command: 'symrdf', args: ['-g', 'dbdg', '-noprompt', 'failover'], stdout: transcript('symrdf-failover.txt') },
      query('symrdf-query-failed-over.txt'),
    ]);
    expect(await replicationAction(ctx, { group: 'dbdg', verb: 'failover' })).toEqual({
      group: 'dbdg', pairState: 'Failed Over', r1InvalidTracks: 0, r2InvalidTracks: 952, lostRecords: 1010, outcome: 'failed over', changed: true,
    });
    expect(runner.commandLines).toEqual(['symrdf -g dbdg query', 'symrdf -g dbdg -noprompt failover', 'symrdf -g dbdg query']);
  });

  it('is idempotent by pair state: failover when Failed Over, split when Split, establish when replicating', async () => {
    const fo = scriptedContext([query('symrdf-query-failed-over.txt')]);
    expect(await replicationAction(fo.ctx, { group: 'dbdg', verb: 'failover' })).toMatchObject({ outcome: 'already failed over', changed: false, lostRecords: 0 });
    expect(fo.runner.calls).toHaveLength(1);

    const split = scriptedContext([{ command: 'symrdf', stdout: transcript('symrdf-query-consistent.txt').replace('Consistent', 'Split') }]);
    expect(await replicationAction(split.ctx, { group: 'dbdg', verb: 'split' })).toMatchObject({ outcome: 'already split', changed: false });

    const est = scriptedContext([query('symrdf-query-consistent.txt')]);
    expect(await replicationAction(est.ctx, { group: 'dbdg', verb: 'establish' })).toMatchObject({ outcome: 'already established', changed: false, pairState: 'Consistent' });
  });

  it('establish from Split runs it and reports 0 lost records', async () => {
    const splitState = transcript('symrdf-query-consistent.txt').replace('Consistent', 'Split');
    const { ctx } = scriptedContext([
      { command: 'symrdf', args: ['-g', 'dbdg', 'query'], stdout: splitState },
      { command: 'symrdf', args: ['-g', 'dbdg', '-noprompt', 'establish'], stdout: transcript('symrdf-establish.txt') },
      query('symrdf-query-consistent.txt'),
    ]);
    expect(await replicationAction(ctx, { group: 'dbdg', verb: 'establish' })).toMatchObject({ outcome: 'established', changed: true, lostRecords: 0, pairState: 'Consistent' });
  });

  it('maps refusals: link down and invalid state are PRECONDITION_FAILED with the stderr', async () => {
    const partitioned = transcript('symrdf-query-partitioned.txt').replace(/webdg/g, 'dbdg');
    const { ctx } = scriptedContext([
      { command: 'symrdf', args: ['-g', 'dbdg', 'query'], stdout: partitioned },
      { command: 'symrdf', args: ['-g', 'dbdg', '-noprompt', 'split'], exitCode: 1, stderr: transcript('symrdf-link-not-ready.txt') },
    ]);
    const err = await failure(replicationAction(ctx, { group: 'dbdg', verb: 'split' }));
    expect(err.code).toBe('PRECONDITION_FAILED');
    expect(err.message).toContain('RDF link(s) are not ready');
  });

  it('validates the verb; dry run queries and plans only', async () => {
    const bad = scriptedContext([]);
    expect((await failure(replicationAction(bad.ctx, { group: 'dbdg', verb: 'resume' as 'split' }))).code).toBe('INVALID_ARGUMENT');
    const dry = scriptedContext([query('symrdf-query-consistent.txt')], { dryRun: true });
    expect(await replicationAction(dry.ctx, { group: 'dbdg', verb: 'failover' })).toMatchObject({ outcome: 'would failover', changed: false, pairState: 'Consistent' });
    expect(dry.runner.calls).toHaveLength(1);
    expect(dry.ctx.commands[1]).toMatchObject({ planned: true, argv: ['/usr/sbin/symrdf', '-g', 'dbdg', '-noprompt', 'failover'] });
  });
});
