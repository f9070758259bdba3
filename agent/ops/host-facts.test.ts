import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scriptedContext } from '../../test/support/op-test-context.js';
import { failure } from '../../test/support/rejections.js';
import type { ScriptedReply } from '../../test/support/scripted-runner.js';
import { transcript } from '../../test/support/transcripts.js';
import { getHostFacts } from './host-facts.js';

const base = (): ScriptedReply[] => [
  { command: 'uname', args: ['-s', '-n', '-r', '-v', '-m', '-p', '-i'], stdout: transcript('uname-fields.sun4v.txt') },
  { command: 'showrev', args: ['-p'], stdout: transcript('showrev-p.txt') },
];

describe('getHostFacts', () => {
  it('gathers uname, patches, df per path and the configured storage', async () => {
    const { ctx, runner } = scriptedContext([
      ...base(),
      { command: 'df', args: ['-k', '/zones/db01', '/data/web01', '/export/zones'], stdout: transcript('df-k.txt') },
      { command: 'vxdg', args: ['list'], stdout: transcript('vxdg-list.txt') },
      { command: 'zpool', args: ['list'], stdout: transcript('zpool-list-none.txt') },
    ]);
    const facts = await getHostFacts(ctx, {
      dfPaths: ['/zones/db01', '/data/web01', '/export/zones'],
      configuredGroups: [{ kind: 'vxdg', name: 'dbdg' }, { kind: 'vxdg', name: 'otherdg' }, { kind: 'zpool', name: 'zpool1' }],
    });
    expect(facts.hostname).toBe('hostB');
    expect(facts.uname.machine).toBe('sun4v');
    expect(facts.patches.map((p) => `${p.id}-${p.rev}`)).toContain('138888-08');
    expect(facts.df.map((d) => [d.path, d.mountedOn])).toEqual([['/zones/db01', '/zones'], ['/data/web01', '/data/web01'], ['/export/zones', '/export/zones']]);
    expect(facts.storage).toEqual([
      { kind: 'vxdg', name: 'dbdg', imported: true, state: 'enabled' },
      { kind: 'vxdg', name: 'otherdg', imported: false, state: '' },
      { kind: 'zpool', name: 'zpool1', imported: false, state: '' },
    ]);
    expect(runner.commandLines).toEqual([
      'uname -s -n -r -v -m -p -i', 'showrev -p', 'df -k /zones/db01 /data/web01 /export/zones', 'vxdg list', 'zpool list',
    ]);
  });

  it('runs no df without paths and no volume manager without groups of its kind, even on dry run', async () => {
    const { ctx, runner } = scriptedContext(base(), { dryRun: true });
    const facts = await getHostFacts(ctx, { dfPaths: [], configuredGroups: [] });
    expect(facts.df).toEqual([]);
    expect(facts.storage).toEqual([]);
    expect(runner.commandLines).toEqual(['uname -s -n -r -v -m -p -i', 'showrev -p']);
  });

  it('validates paths and group names before running anything', async () => {
    const { ctx, runner } = scriptedContext([]);
    expect((await failure(getHostFacts(ctx, { dfPaths: ['zones'], configuredGroups: [] }))).code).toBe('INVALID_ARGUMENT');
    expect((await failure(getHostFacts(ctx, { dfPaths: ['/zones/'], configuredGroups: [] }))).code).toBe('INVALID_ARGUMENT');
    expect((await failure(getHostFacts(ctx, { dfPaths: [], configuredGroups: [{ kind: 'vxdg', name: 'a b' }] }))).code).toBe('INVALID_ARGUMENT');
    expect(runner.calls).toEqual([]);
  });

  it('a path that does not exist fails with PRECONDITION_FAILED naming it', async () => {
    const [, ...body] = fs.readFileSync(new URL('../../test/support/fixtures/transcripts/df-k-bad-operand.txt', import.meta.url), 'utf8').split('\n');
    const { ctx } = scriptedContext([...base(), { command: 'df', exitCode: 1, stderr: body[0]!, stdout: body.slice(1).join('\n') }]);
    const err = await failure(getHostFacts(ctx, { dfPaths: ['/nope', '/zones'], configuredGroups: [] }));
    expect(err.code).toBe('PRECONDITION_FAILED');
    expect(err.message).toContain('/nope');
  });
});
