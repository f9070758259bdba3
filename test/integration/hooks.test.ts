// Run hooks end to end (README "Hooks") in a bc-dr lab with the real daemons: db01's
// hooks run on the coordinator and through the agents (each host's hooksDir), with the
// run's context in their environment (each hook writes it to a file); a vetoing
// pre-online hook stops a switchover with db01 still live on hostA and its lease
// untouched; a hook outside an agent's hooksDir is refused and recorded without stopping
// the run; on-failure hooks run when a run fails and when it rolls back. The checker
// (I1, I2, I5) runs after the test.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect } from 'vitest';
import { agentConfigPath } from '../lab/processes.js';
import { writeFaults } from '../support/crash-lab.js';
import { bootFails } from '../support/fault-rules.js';
import { coordinatorTestWith, type CoordinatorLab } from '../support/coordinator-fixture.js';

// Writes its TWINZONE_* variables to OUT/LABEL-HOOK-RUN.env beside itself.
const ENV_DUMP = `#!/bin/sh
out="$(dirname "$0")/out"
mkdir -p "$out"
env | grep '^TWINZONE_' | sort > "$out/$1-$TWINZONE_HOOK-$TWINZONE_RUN_ID.env"
echo "recorded $TWINZONE_HOOK of $TWINZONE_ZONE"
`;
// Vetoes while a file named veto lies beside it.
const GATE = `#!/bin/sh
if [ -e "$(dirname "$0")/veto" ]; then
  echo "replica of $TWINZONE_ZONE is 40 s behind; not starting it on $TWINZONE_TO" >&2
  exit 3
fi
echo "go"
`;

const HOSTS = ['hostA', 'hostB', 'hostC'];

function hooksDirOf(dir: string, host: string): string {
  return (JSON.parse(fs.readFileSync(agentConfigPath(dir, host), 'utf8')) as { hooksDir: string }).hooksDir;
}

function coordinatorHooks(dir: string): string {
  return path.join(dir, 'coordinator-hooks');
}

function install(dir: string, name: string, script: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  fs.writeFileSync(file, script, { mode: 0o755 });
  return file;
}

const test = coordinatorTestWith('bc-dr', {
  setup: (dir) => {
    for (const host of HOSTS) {
      install(hooksDirOf(dir, host), 'env-dump', ENV_DUMP);
      install(hooksDirOf(dir, host), 'gate', GATE);
    }
    const dump = install(coordinatorHooks(dir), 'env-dump', ENV_DUMP);
    return {
      edit: (doc) => {
        const sites = doc.sites as { name: string; hooks?: unknown[] }[];
        sites.find((s) => s.name === 'dc1')!.hooks = [{ at: 'post-online', on: 'coordinator', argv: [dump, 'site'] }];
        const zones = doc.zones as { name: string; hooks?: unknown[] }[];
        zones.find((z) => z.name === 'db01')!.hooks = [
          { at: 'pre-online', on: 'target', argv: ['gate'], timeoutMs: 10_000 },
          { at: 'pre-offline', on: 'coordinator', argv: [dump, 'zone'] },
          // Not under hostA's hooksDir: the agent refuses it; recorded, the run goes on.
          { at: 'post-offline', on: 'source', argv: ['/bin/echo', 'not', 'allowed'] },
          { at: 'post-online', on: 'target', argv: ['env-dump', 'zone'] },
          { at: 'on-failure', on: 'coordinator', argv: [dump, 'zone'] },
        ];
      },
    };
  },
});

interface ProgressLine {
  runId: string;
  hook?: { at: string; on: string; exitCode: number; vetoed?: boolean; error?: string; stderr?: string };
  finished?: { state: string; reason: string };
}

async function runJson(lab: CoordinatorLab, args: string[]): Promise<{ code: number | null; lines: ProgressLine[]; runId: string }> {
  const r = await lab.cli([...args, '--json'], { timeoutMs: 600_000 });
  const lines = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as ProgressLine);
  return { code: r.code, lines, runId: lines[0]?.runId ?? '' };
}

/** The variables a hook wrote, as a map. */
function envFile(dir: string, label: string, hook: string, runId: string): Record<string, string> | null {
  const file = path.join(dir, 'out', `${label}-${hook}-${runId}.env`);
  if (!fs.existsSync(file)) return null;
  return Object.fromEntries(
    fs
      .readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

async function lease(lab: CoordinatorLab): Promise<{ holder: string; epoch: number; state: string }> {
  const { json } = await lab.cliJson<{ holder: string; epoch: number; state: string }>(['lease', 'show', 'db01']);
  return { holder: json.holder, epoch: Number(json.epoch), state: json.state };
}

describe('run hooks', () => {
  test(
    'a vetoing pre-online hook stops a switchover with db01 live on hostA; hooks get the run context on the coordinator and through agents; on-failure runs on failed and rolled-back runs',
    async ({ lab }) => {
      const before = await lease(lab);
      expect(before.holder).toBe('hostA');

      // 1. The gate on hostB vetoes: the run fails before anything changed.
      fs.writeFileSync(path.join(hooksDirOf(lab.dir, 'hostB'), 'veto'), '');
      const vetoed = await runJson(lab, ['switchover', 'db01', '--to', 'hostB']);
      expect(vetoed.code).toBe(1);
      const end = vetoed.lines.find((l) => l.finished)!.finished!;
      expect(end.state).toBe('failed');
      expect(end.reason).toContain('pre-online hook');
      expect(end.reason).toContain('replica of db01 is 40 s behind');
      expect(end.reason).toContain('nothing had been changed');
      const veto = vetoed.lines.find((l) => l.hook?.vetoed)!.hook!;
      expect(veto).toMatchObject({ at: 'pre-online', on: 'hostB', exitCode: 3 });
      expect(await lease(lab)).toEqual(before);
      const status = await lab.cliJson<{ zones: { zone: string; liveHost: string }[] }>(['status', 'db01']);
      expect(status.json.zones.find((z) => z.zone === 'db01')?.liveHost).toBe('hostA');
      const { json: history } = await lab.cliJson<{ runs: { runId: string; steps?: { name: string }[]; hooks?: { at: string }[] }[] }>(['history', 'db01']);
      const vetoedRun = history.runs.find((r) => r.runId === vetoed.runId)!;
      expect(vetoedRun.steps?.map((s) => s.name)).toEqual(['preflight']);
      expect(vetoedRun.hooks?.map((h) => h.at)).toEqual(['pre-online', 'on-failure']);
      const { json: events } = await lab.cliJson<{ events: { what: string; runId: string; detailsJson: string }[] }>(['events', '--zone', 'db01']);
      const vetoEvent = events.events.find((e) => e.what === 'hook.vetoed' && e.runId === vetoed.runId)!;
      expect(JSON.parse(vetoEvent.detailsJson)).toMatchObject({ at: 'pre-online', on: 'hostB', exitCode: 3, stderr: expect.stringContaining('40 s behind') });
      // on-failure ran on the coordinator; pre-offline never ran.
      expect(envFile(coordinatorHooks(lab.dir), 'zone', 'on-failure', vetoed.runId)).toMatchObject({ TWINZONE_RUN_STATE: 'failed', TWINZONE_ZONE: 'db01', TWINZONE_TO: 'hostB' });
      expect(envFile(coordinatorHooks(lab.dir), 'zone', 'pre-offline', vetoed.runId)).toBeNull();

      // 2. Without the veto the switchover goes through, every hook with its context.
      fs.rmSync(path.join(hooksDirOf(lab.dir, 'hostB'), 'veto'));
      const moved = await runJson(lab, ['switchover', 'db01', '--to', 'hostB']);
      expect(moved.lines.find((l) => l.finished)?.finished?.state).toBe('succeeded');
      expect(moved.code).toBe(0);
      const after = await lease(lab);
      expect(after).toMatchObject({ holder: 'hostB', state: 'held' });
      const context = { TWINZONE_ZONE: 'db01', TWINZONE_FROM: 'hostA', TWINZONE_TO: 'hostB', TWINZONE_SITE: 'dc1', TWINZONE_FROM_SITE: 'dc1', TWINZONE_RUN_ID: moved.runId, TWINZONE_RUN_KIND: 'switchover' };
      expect(envFile(coordinatorHooks(lab.dir), 'zone', 'pre-offline', moved.runId)).toEqual({ ...context, TWINZONE_HOOK: 'pre-offline', TWINZONE_EPOCH: String(before.epoch) });
      expect(envFile(hooksDirOf(lab.dir, 'hostB'), 'zone', 'post-online', moved.runId)).toEqual({ ...context, TWINZONE_HOOK: 'post-online', TWINZONE_EPOCH: String(after.epoch) });
      expect(envFile(coordinatorHooks(lab.dir), 'site', 'post-online', moved.runId)).toMatchObject({ TWINZONE_HOOK: 'post-online', TWINZONE_ZONE: 'db01' });
      const refused = moved.lines.find((l) => l.hook?.at === 'post-offline')!.hook!;
      expect(refused).toMatchObject({ on: 'hostA', exitCode: -1 });
      expect(refused.error).toContain("outside the agent's hooks directory");
      expect(moved.lines.filter((l) => l.hook).map((l) => l.hook!.at)).toEqual(['pre-online', 'pre-offline', 'post-offline', 'post-online', 'post-online']);

      // 3. A run that rolls back (db01 cannot boot on hostA) calls on-failure too.
      writeFaults(lab.dir, 'hostA', [bootFails('db01')]);
      const back = await runJson(lab, ['switchover', 'db01', '--to', 'hostA']);
      expect(back.code).toBe(1);
      expect(back.lines.find((l) => l.finished)?.finished?.state).toBe('rolled_back');
      expect(envFile(coordinatorHooks(lab.dir), 'zone', 'on-failure', back.runId)).toMatchObject({ TWINZONE_RUN_STATE: 'rolled_back', TWINZONE_FROM: 'hostB', TWINZONE_TO: 'hostA' });
      expect((await lease(lab)).holder).toBe('hostB');
    },
    900_000,
  );
});
