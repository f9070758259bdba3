// OpContexts for tests of agent ops: a scripted one for unit tests (ScriptedRunner, a
// silent logger, the Solaris platform profile unless a test says otherwise), and one on
// a simulated host of a lab (the production ExecaRunner with the command paths pointing
// into test/solsim/bin and the host's SOLSIM_* environment).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { createLogger } from '../../shared/log/create-logger.js';
import { resolveCommandPaths, type CommandPaths } from '../../agent/platform/command-paths.js';
import { COMMAND_NAMES } from '../../agent/platform/command-runner.js';
import { ExecaRunner } from '../../agent/platform/execa-runner.js';
import { detectPlatformProfile, platformProfileFor } from '../../agent/platform/platform-profile.js';
import type { OpContext } from '../../agent/ops/op-context.js';
import { createLab, destroyLab, labEnv, SOLSIM_BIN } from '../lab/create-lab.js';
import { ScriptedRunner, type ScriptedReply } from './scripted-runner.js';

export const opTestLog = createLogger({ name: 'agent', level: 'silent' });

/** An OpContext for a unit test: hostA, a fresh ScriptedRunner, no file-system root, sunos, 5 s timeouts. */
export function makeOpContext(overrides: Partial<OpContext> = {}): OpContext {
  return {
    host: 'hostA',
    runner: new ScriptedRunner(),
    fsRoot: '/nonexistent',
    platform: platformProfileFor('sunos'),
    log: opTestLog,
    signal: new AbortController().signal,
    dryRun: false,
    timeouts: { default: 5000 },
    commands: [],
    ...overrides,
  };
}

/** makeOpContext with a ScriptedRunner answering REPLIES, and that runner. */
export function scriptedContext(replies: ScriptedReply[], overrides: Partial<OpContext> = {}): { ctx: OpContext; runner: ScriptedRunner } {
  const runner = new ScriptedRunner(replies);
  return { ctx: makeOpContext({ runner, ...overrides }), runner };
}

let simPaths: CommandPaths | undefined;

/** The command paths with every command the simulator provides pointing into test/solsim/bin. */
export function solsimCommandPaths(): CommandPaths {
  simPaths ??= resolveCommandPaths(
    Object.fromEntries(COMMAND_NAMES.filter((c) => fs.existsSync(path.join(SOLSIM_BIN, c))).map((c) => [c, path.join(SOLSIM_BIN, c)])),
  );
  return simPaths;
}

/** The production runner as an agent on HOST of the lab in LABDIR runs commands. */
export function labRunner(labDir: string, host: string): ExecaRunner {
  const env = labEnv(labDir, host);
  return new ExecaRunner(solsimCommandPaths(), opTestLog, { SOLSIM_ROOT: env.root, SOLSIM_LAB: env.lab, SOLSIM_HOST: env.host });
}

/** An OpContext on HOST of a lab: labRunner, the host's root as fsRoot, this platform's profile, 60 s timeouts. */
export function labOpContext(labDir: string, host: string, overrides: Partial<OpContext> = {}): OpContext {
  return makeOpContext({
    host,
    runner: labRunner(labDir, host),
    fsRoot: labEnv(labDir, host).root,
    platform: detectPlatformProfile(),
    timeouts: { default: 60_000 },
    ...overrides,
  });
}

/**
 * A bc-dr lab created in a temp directory (named with PREFIX) before the tests of the
 * enclosing suite and destroyed after them; returns its directory once created.
 */
export function useBcDrLab(prefix: string, hookTimeoutMs?: number): () => string {
  let dir: string | undefined;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    await createLab(dir, 'bc-dr');
  }, hookTimeoutMs);
  afterAll(async () => {
    if (dir) await destroyLab(dir);
  });
  return () => {
    if (!dir) throw new Error('the lab is not created yet');
    return dir;
  };
}

