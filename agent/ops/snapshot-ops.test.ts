import { describe, expect, it } from 'vitest';
import { scriptedContext } from '../../test/support/op-test-context.js';
import { failure } from '../../test/support/rejections.js';
import type { ScriptedReply } from '../../test/support/scripted-runner.js';
import { transcript } from '../../test/support/transcripts.js';
import { snapshotAction } from './snapshot-ops.js';

const list = (): ScriptedReply => ({ command: 'zfs', args: ['list', '-H', '-o', 'name,origin', '-t', 'all'], stdout: transcript('zfs-list-name-origin.txt') });

describe('snapshotAction', () => {
  it('validates the verb and names before running anything', async () => {
    const { ctx, runner } = scriptedContext([]);
    expect((await failure(snapshotAction(ctx, { verb: 'send' as 'create', snapshot: 'zpool1/a@s' }))).code).toBe('INVALID_ARGUMENT');
    expect((await failure(snapshotAction(ctx, { verb: 'create', snapshot: 'zpool1/a' }))).code).toBe('INVALID_ARGUMENT');
    expect((await failure(snapshotAction(ctx, { verb: 'create', snapshot: 'zpool1/a@s;rm' }))).code).toBe('INVALID_ARGUMENT');
    expect((await failure(snapshotAction(ctx, { verb: 'clone', snapshot: 'zpool1/a@s' }))).code).toBe('INVALID_ARGUMENT');
    expect(runner.calls).toEqual([]);
  });

  it('create: "already exists" when the snapshot is listed, otherwise zfs snapshot', async () => {
    const again = scriptedContext([list()]);
    expect(await snapshotAction(again.ctx, { verb: 'create', snapshot: 'zpool1/zones/z3@s1' })).toEqual({ outcome: 'already exists', changed: false });
    expect(again.runner.commandLines).toEqual(['zfs list -H -o name,origin -t all']);

    const fresh = scriptedContext([list(), { command: 'zfs', args: ['snapshot', 'zpool1/zones/z3@s3'] }]);
    expect(await snapshotAction(fresh.ctx, { verb: 'create', snapshot: 'zpool1/zones/z3@s3' })).toEqual({ outcome: 'created', changed: true });
    expect(fresh.runner.commandLines.at(-1)).toBe('zfs snapshot zpool1/zones/z3@s3');
  });

  it('create of a snapshot of a dataset that is not here: GROUP_NOT_FOUND', async () => {
    const { ctx, runner } = scriptedContext([list()]);
    const err = await failure(snapshotAction(ctx, { verb: 'create', snapshot: 'zpool1/zones/z9@s1' }));
    expect(err.code).toBe('GROUP_NOT_FOUND');
    expect(err.message).toContain('zpool1/zones/z9');
    expect(runner.calls).toHaveLength(1);
  });

  it('destroy: "already destroyed" when missing, otherwise zfs destroy; dependent clones refuse with stderr', async () => {
    const gone = scriptedContext([list()]);
    expect(await snapshotAction(gone.ctx, { verb: 'destroy', snapshot: 'zpool1/zones/z3@s9' })).toEqual({ outcome: 'already destroyed', changed: false });

    const ok = scriptedContext([list(), { command: 'zfs', args: ['destroy', 'zpool1/zones/z3@s2'] }]);
    expect(await snapshotAction(ok.ctx, { verb: 'destroy', snapshot: 'zpool1/zones/z3@s2' })).toEqual({ outcome: 'destroyed', changed: true });

    const clones = scriptedContext([list(), { command: 'zfs', args: ['destroy', 'zpool1/zones/z3@s1'], exitCode: 1, stderr: transcript('zfs-destroy-clones.txt') }]);
    const err = await failure(snapshotAction(clones.ctx, { verb: 'destroy', snapshot: 'zpool1/zones/z3@s1' }));
    expect(err.code).toBe('PRECONDITION_FAILED');
    expect(err.message).toContain('snapshot has dependent clones');
  });

  it('clone: "already cloned" when the target is that snapshot\'s clone; another dataset in the way refuses', async () => {
    const again = scriptedContext([list()]);
    expect(await snapshotAction(again.ctx, { verb: 'clone', snapshot: 'zpool1/zones/z3@s1', cloneTarget: 'zpool1/zones/z4' })).toEqual({ outcome: 'already cloned', changed: false });

    const inTheWay = scriptedContext([list()]);
    const err = await failure(snapshotAction(inTheWay.ctx, { verb: 'clone', snapshot: 'zpool1/zones/z3@s1', cloneTarget: 'zpool1/zones' }));
    expect(err.code).toBe('PRECONDITION_FAILED');
    expect(inTheWay.runner.calls).toHaveLength(1);

    const fresh = scriptedContext([list(), { command: 'zfs', args: ['clone', 'zpool1/zones/z3@s2', 'zpool1/zones/z5'] }]);
    expect(await snapshotAction(fresh.ctx, { verb: 'clone', snapshot: 'zpool1/zones/z3@s2', cloneTarget: 'zpool1/zones/z5' })).toEqual({ outcome: 'cloned', changed: true });
  });

  it('rollback: runs zfs rollback (no -r); newer snapshots refuse with PRECONDITION_FAILED', async () => {
    const ok = scriptedContext([list(), { command: 'zfs', args: ['rollback', 'zpool1/zones/z3@s2'] }]);
    expect(await snapshotAction(ok.ctx, { verb: 'rollback', snapshot: 'zpool1/zones/z3@s2' })).toEqual({ outcome: 'rolled back', changed: true });

    const newer = scriptedContext([list(), { command: 'zfs', args: ['rollback', 'zpool1/zones/z3@s1'], exitCode: 1, stderr: transcript('zfs-rollback-newer.txt') }]);
    const err = await failure(snapshotAction(newer.ctx, { verb: 'rollback', snapshot: 'zpool1/zones/z3@s1' }));
    expect(err.code).toBe('PRECONDITION_FAILED');
    expect(err.message).toContain('more recent snapshots exist');

    const missing = scriptedContext([list()]);
    expect((await failure(snapshotAction(missing.ctx, { verb: 'rollback', snapshot: 'zpool1/zones/z3@nope' }))).code).toBe('GROUP_NOT_FOUND');
  });

  it('dry run lists, then plans without running', async () => {
    const { ctx, runner } = scriptedContext([list()], { dryRun: true });
    expect(await snapshotAction(ctx, { verb: 'create', snapshot: 'zpool1/zones/z3@s3' })).toEqual({ outcome: 'would create', changed: false });
    expect(runner.calls).toHaveLength(1);
    expect(ctx.commands[1]).toMatchObject({ planned: true, argv: ['/usr/sbin/zfs', 'snapshot', 'zpool1/zones/z3@s3'] });
  });
});
