// RunHook against real agents (README "Hooks"): the agent runs an executable under its
// hooksDir with the run's TWINZONE_* variables and answers its exit code, output and
// duration; it refuses anything outside hooksDir (as written or through a symbolic
// link), a missing or non-executable hook, other variables, and callers other than the
// coordinator; a hook past its timeout is killed.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect } from 'vitest';
import { unaryCall } from '../../shared/grpc/unary-call.js';
import { LAB_OPERATOR } from '../lab/lab-tls.js';
import { agentConfigPath } from '../lab/processes.js';
import { agentTest as test } from '../support/agent-fixture.js';
import { refusal, rpc } from '../support/agent-calls.js';

function hooksDirOf(dir: string, host: string): string {
  return (JSON.parse(fs.readFileSync(agentConfigPath(dir, host), 'utf8')) as { hooksDir: string }).hooksDir;
}

function install(hooksDir: string, name: string, script: string, mode = 0o755): string {
  fs.mkdirSync(hooksDir, { recursive: true });
  const file = path.join(hooksDir, name);
  fs.writeFileSync(file, script, { mode });
  return file;
}

describe('agent RunHook', () => {
  test('runs a hook under hooksDir with the run context; refuses anything else', async ({ lab }) => {
    const hooksDir = hooksDirOf(lab.dir, 'hostA');
    install(hooksDir, 'show-env', '#!/bin/sh\necho "zone=$TWINZONE_ZONE run=$TWINZONE_RUN_ID arg=$1"\necho warned >&2\nexit 4\n');
    const r = await rpc(lab, 'hostA', 'runHook', { argv: ['show-env', 'x1'], env: { TWINZONE_ZONE: 'db01', TWINZONE_RUN_ID: 'run-7' }, timeoutMs: 10_000, opId: 'h-1', zone: 'db01' });
    expect(r).toMatchObject({ exitCode: 4, timedOut: false, stdout: 'zone=db01 run=run-7 arg=x1\n', stderr: 'warned\n', path: path.join(fs.realpathSync(hooksDir), 'show-env') });
    // The same hook by its absolute path under hooksDir.
    expect((await rpc(lab, 'hostA', 'runHook', { argv: [path.join(hooksDir, 'show-env')], env: {}, timeoutMs: 10_000 })).exitCode).toBe(4);

    // Outside hooksDir: an absolute path, a climb out, a link pointing out.
    fs.symlinkSync('/bin/true', path.join(hooksDir, 'link-out'));
    for (const argv of [['/bin/true'], ['../../../../bin/true'], ['link-out']]) {
      const e = await refusal(rpc(lab, 'hostA', 'runHook', { argv, env: {}, timeoutMs: 10_000 }));
      expect({ argv, code: e.code }).toEqual({ argv, code: 'PERMISSION_DENIED' });
      expect(e.message).toContain(`outside the agent's hooks directory ${hooksDir}`);
    }
    // Missing, not executable, a variable that is not TWINZONE_*.
    install(hooksDir, 'not-exec', '#!/bin/sh\nexit 0\n', 0o644);
    expect((await refusal(rpc(lab, 'hostA', 'runHook', { argv: ['nosuch'], env: {}, timeoutMs: 10_000 }))).message).toContain('does not exist');
    expect((await refusal(rpc(lab, 'hostA', 'runHook', { argv: ['not-exec'], env: {}, timeoutMs: 10_000 }))).message).toContain('not an executable file');
    expect((await refusal(rpc(lab, 'hostA', 'runHook', { argv: ['show-env'], env: { LD_PRELOAD: '/tmp/x.so' }, timeoutMs: 10_000 }))).code).toBe('INVALID_ARGUMENT');

    // An operator's certificate may not run hooks: the coordinator's role only.
    const c = lab.clientAs('hostA', LAB_OPERATOR);
    const denied = await refusal(unaryCall(c.runHook.bind(c) as never, { argv: ['show-env'], env: {}, timeoutMs: 10_000 }, { deadlineMs: 30_000 }));
    expect(denied.code).toBe('PERMISSION_DENIED');
  });

  test('kills a hook at its timeout and says so', async ({ lab }) => {
    install(hooksDirOf(lab.dir, 'hostB'), 'sleeper', '#!/bin/sh\necho started\nexec sleep 30\n');
    const r = await rpc(lab, 'hostB', 'runHook', { argv: ['sleeper'], env: {}, timeoutMs: 500 });
    expect(r).toMatchObject({ exitCode: -1, timedOut: true, stdout: 'started\n' });
    expect(Number(r.durationMs)).toBeLessThan(30_000);
  });
});
