import { describe, expect, it } from 'vitest';
import { TwinzoneError } from '../../shared/errors/twinzone-error.js';
import { RunKind, RunRequest } from '../../shared/gen/twinzone/v1/control.js';
import { ZoneState } from '../../shared/gen/twinzone/v1/common.js';
import { parseArgs, UsageError } from './cli-args.js';
import { renderPlan } from './commands/plan.js';
import { kindFor, runRequest } from './commands/run-kinds.js';
import { renderStatus } from './commands/status.js';
import { coordinatorAddress } from './control-client.js';
import { ExitCode, exitCodeFor, UNREACHABLE_FIELD } from './exit-codes.js';
import { globalOptions } from './operator-commands.js';
import { ProgressRenderer } from './render/progress.js';
import { eventSummaryFromJson } from './render/status-health.js';
import { formatBytes, formatDuration, formatTable } from './render/table.js';

const U = 'usage';

describe('CLI arguments', () => {
  it('takes positionals, options with values (also --x=v) and flags', () => {
    const a = parseArgs(['db01', '--to', 'hostB', '--via-file=/var/tmp/a.pax'], { positionals: ['ZONE'], options: ['--to', '--via-file'] }, U);
    expect(a).toEqual({ positionals: ['db01'], options: { '--to': 'hostB', '--via-file': '/var/tmp/a.pax' }, flags: new Set() });
  });

  it('refuses unknown options, missing values, missing and extra positionals', () => {
    expect(() => parseArgs(['db01', '--frob'], { positionals: ['ZONE'] }, U)).toThrow(/unknown option --frob/);
    expect(() => parseArgs(['db01', '--to'], { positionals: ['ZONE'], options: ['--to'] }, U)).toThrow(/--to needs a value/);
    expect(() => parseArgs([], { positionals: ['ZONE'] }, U)).toThrow(/missing ZONE/);
    expect(() => parseArgs(['a', 'b'], { positionals: ['ZONE?'] }, U)).toThrow(/unexpected argument b/);
    expect(() => parseArgs(['a', '--to', 'x', '--to', 'y'], { positionals: ['ZONE'], options: ['--to'] }, U)).toThrow(UsageError);
  });

  it('pulls the global options out anywhere on the line', () => {
    expect(globalOptions(['status', '--json', '--coordinator', '10.0.0.9:7430', 'db01'])).toEqual({ rest: ['status', 'db01'], coordinator: '10.0.0.9:7430', json: true, verbose: false, tls: { insecure: false, dir: undefined, name: undefined } });
    expect(globalOptions(['status', '--insecure', '--tls-dir=/x', '--tls-name', 'alice']).tls).toEqual({ insecure: true, dir: '/x', name: 'alice' });
    expect(() => globalOptions(['--coordinator'])).toThrow(/HOST:PORT/);
  });

  it('finds the coordinator from the flag, else TWINZONE_COORDINATOR, else 127.0.0.1:7430', () => {
    expect(coordinatorAddress('h:1', { TWINZONE_COORDINATOR: 'e:2' })).toBe('h:1');
    expect(coordinatorAddress(undefined, { TWINZONE_COORDINATOR: 'e:2' })).toBe('e:2');
    expect(coordinatorAddress(undefined, {})).toBe('127.0.0.1:7430');
  });

  it('maps run words to kinds; --site turns switchover and failover into their DR forms', () => {
    expect(kindFor('switchover', undefined, U)).toBe(RunKind.RUN_KIND_SWITCHOVER);
    expect(kindFor('switchover', 'dc2', U)).toBe(RunKind.RUN_KIND_DR_SWITCHOVER);
    expect(kindFor('failover', 'dc2', U)).toBe(RunKind.RUN_KIND_DR_FAILOVER);
    expect(() => kindFor('teleport', undefined, U)).toThrow(/unknown run kind teleport/);
  });

  it('builds the RunRequest and refuses options that do not belong to the kind', () => {
    const args = parseArgs(['db01', '--to', 'hostB'], { positionals: ['ZONE'], options: ['--to'] }, U);
    expect(runRequest(RunKind.RUN_KIND_SWITCHOVER, 'db01', args, U)).toMatchObject({ kind: RunKind.RUN_KIND_SWITCHOVER, zone: 'db01', targetHost: 'hostB', site: '', viaFile: '', probationMs: 0, rollbackData: false, cleanup: false });
    const viaFile = parseArgs(['db01', '--via-file', '/x'], { positionals: ['ZONE'], options: ['--via-file'] }, U);
    expect(() => runRequest(RunKind.RUN_KIND_SWITCHOVER, 'db01', viaFile, U)).toThrow(/only for migrate/);
    const noSite = parseArgs(['db01'], { positionals: ['ZONE'] }, U);
    expect(() => runRequest(RunKind.RUN_KIND_DR_FAILOVER, 'db01', noSite, U)).toThrow(/needs --site/);
  });

  it('builds an upgrade request with its probation, and keeps the upgrade options off other kinds', () => {
    const spec = { positionals: ['ZONE'], options: ['--to', '--probation'], flags: ['--rollback-data', '--keep-snapshot'] };
    const up = parseArgs(['app01', '--to', 'hostB', '--probation', '10m', '--rollback-data'], spec, U);
    expect(runRequest(RunKind.RUN_KIND_UPGRADE, 'app01', up, U)).toMatchObject({ kind: RunKind.RUN_KIND_UPGRADE, targetHost: 'hostB', probationMs: 600_000, rollbackData: true, keepSnapshot: false });
    expect(() => runRequest(RunKind.RUN_KIND_UPGRADE, 'app01', parseArgs(['app01', '--to', 'hostB'], spec, U), U)).toThrow(/upgrade needs --probation DURATION/);
    expect(() => runRequest(RunKind.RUN_KIND_SWITCHOVER, 'app01', up, U)).toThrow(/only for upgrade/);
  });
});

describe('exit codes', () => {
  it('0 ok, 1 failed, 2 bad input, 3 refused for safety, 4 coordinator unreachable', () => {
    expect(ExitCode).toEqual({ Ok: 0, Failed: 1, Usage: 2, Refused: 3, Unreachable: 4 });
    for (const code of ['LEASE_HELD', 'LEASE_NOT_HELD', 'STALE_EPOCH', 'ZONE_BUSY', 'RUN_IN_PROGRESS', 'STORAGE_HELD_ELSEWHERE', 'PRECONDITION_FAILED', 'PERMISSION_DENIED'] as const) {
      expect(exitCodeFor(new TwinzoneError(code, 'x')), code).toBe(3);
    }
    expect(exitCodeFor(new TwinzoneError('COMMAND_FAILED', 'x'))).toBe(1);
    expect(exitCodeFor(new TwinzoneError('INVALID_ARGUMENT', 'x'))).toBe(2);
    expect(exitCodeFor(new TwinzoneError('AGENT_UNREACHABLE', 'x', { fields: { [UNREACHABLE_FIELD]: '127.0.0.1:1' } }))).toBe(4);
    // An agent the coordinator could not reach is a failed operation, not a missing coordinator.
    expect(exitCodeFor(new TwinzoneError('AGENT_UNREACHABLE', 'x', { fields: { host: 'hostB' } }))).toBe(1);
  });
});

describe('rendering', () => {
  it('pads table columns and formats durations and sizes', () => {
    expect(formatTable(['A', 'BB'], [['xyz', '1'], ['q', '22']])).toBe('A    BB\nxyz  1\nq    22\n');
    expect([formatDuration(340), formatDuration(1234), formatDuration(125_000)]).toEqual(['340 ms', '1.2 s', '2 min 5 s']);
    expect([formatBytes(512), formatBytes(3 * 1024 * 1024)]).toEqual(['512 B', '3.0 MiB']);
  });

  it('prints a status with live host, lease and twin states', () => {
    const text = renderStatus({
      zones: [
        {
          zone: 'db01',
          liveHost: 'hostA',
          lease: { holder: 'hostA', epoch: 3, state: 'held', expiresInMs: 12_000 },
          twins: [
            { host: 'hostA', role: 'primary', state: ZoneState.ZONE_STATE_RUNNING },
            { host: 'hostB', role: 'bc', state: ZoneState.ZONE_STATE_CONFIGURED },
          ],
          activeRun: '',
          probes: [
            { host: 'hostA', check: 'zone-state', healthy: true, detail: 'db01 is running', streak: 41, atMs: 1, ageMs: 800, failureThreshold: 3 },
            { host: 'hostA', check: 'http', healthy: false, detail: 'GET http://127.0.0.1:8031/: ECONNREFUSED', streak: 2, atMs: 1, ageMs: 800, failureThreshold: 3 },
          ],
          frozen: false, frozenReason: '', frozenBy: '',
        },
      ],
      hosts: [{ host: 'hostA', site: 'dc1', address: '127.0.0.1:1', reachable: true, confirmedDown: false, lastRenewalAgeMs: 1200, health: 'ok' }],
    });
    expect(text).toContain('db01  hostA  zone-state  ok           41      800 ms ago  db01 is running');
    expect(text).toContain('db01  hostA  http        failing 2/3  2       800 ms ago  GET http://127.0.0.1:8031/: ECONNREFUSED');
    expect(text).toContain('hostA  dc1   127.0.0.1:1  yes        no              ok      1.2 s ago');
    expect(text).toContain('db01  hostA    held   hostA   3      in 12.0 s  hostA(primary):running hostB(bc):configured  -');
    expect(text).toContain('hostA  dc1   127.0.0.1:1  yes');
  });

  it('prints a plan with each host\'s exact command lines and the warnings', () => {
    const text = renderPlan({
      steps: [{ index: 5, name: 'deport-storage', host: 'hostA', description: 'hostA: vxdg deport dbdg', undo: 'import-storage on hostA', commands: [{ host: 'hostA', argv: ['/usr/sbin/vxdg', 'deport', 'dbdg'] }] }],
      warnings: ['step 9 boot-zone on hostB: cannot boot db01: it is configured'],
    });
    expect(text).toContain('step 5 deport-storage:\n  hostA# /usr/sbin/vxdg deport dbdg\n');
    expect(text).toContain('warnings:\n  step 9 boot-zone');
  });

  it('prints progress with timings from the run start, and transfers with rate and ETA', () => {
    const r = new ProgressRenderer({ showCommands: false });
    expect(r.render({ runId: 'r1', atMs: 1000, event: { $case: 'started', value: { kind: 'migrate', zone: 'web01', source: 'hostA', target: 'hostB', steps: 3 } } })).toBe(
      'run r1: migrate of web01 from hostA to hostB, 3 steps\n',
    );
    expect(r.render({ runId: 'r1', atMs: 3500, event: { $case: 'stepFinished', value: { index: 1, name: 'pull-zonepath', host: 'hostB', ok: true, outcome: 'extracted', durationMs: 2500, commands: [], error: undefined, undo: false } } })).toBe(
      '[    2.5 s] step 1 pull-zonepath on hostB done: extracted (2.5 s)\n',
    );
    expect(r.transferLine(2, 0, 100 * 1024 * 1024, 0)).toBe('step 2 transfer 0 B of 100.0 MiB (0%)');
    expect(r.transferLine(2, 50 * 1024 * 1024, 100 * 1024 * 1024, 5000)).toBe('step 2 transfer 50.0 MiB of 100.0 MiB (50%) at 10.0 MiB/s, ETA 5.0 s');
  });
});

describe('health in events', () => {
  it('summarises the health monitor\'s events with their evidence, and nothing for others', () => {
    expect(eventSummaryFromJson('health.check-failed', JSON.stringify({ host: 'hostA', check: 'tcp', detail: 'connect 127.0.0.1:8031: ECONNREFUSED', streak: 3, threshold: 3 }))).toBe(
      'hostA tcp: connect 127.0.0.1:8031: ECONNREFUSED (3 in a row, threshold 3)',
    );
    expect(eventSummaryFromJson('host.suspect', JSON.stringify({ host: 'hostB', from: 'ok', reason: 'missed 2 renewal periods of 5000 ms' }))).toBe('hostB (was ok): missed 2 renewal periods of 5000 ms');
    expect(eventSummaryFromJson('zone.concurrency-violation', JSON.stringify({ host: 'hostB', state: 'running', leaseHolder: 'hostA' }))).toBe('running on hostB without the lease (holder: hostA)');
    expect(eventSummaryFromJson('lease.grant', '{}')).toBe('');
    expect(eventSummaryFromJson('health.check-failed', 'not json')).toBe('');
  });
});
