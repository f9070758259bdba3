// The agent's safety rules over the wire, against real agent processes and the
// simulated hosts: bad input runs nothing, dry runs change nothing, stale epochs are
// refused, op ids are not re-run (not even after a restart), one operation per zone,
// hung commands are killed.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect } from 'vitest';
import { agentTest as it, type AgentLab } from '../support/agent-fixture.js';
import { mutation as m, refusal, rpc, waitFor } from '../support/agent-calls.js';
import { readLogLines } from '../support/log-lines.js';
import { readLabConfig } from '../solsim/src/state/lab-config.js';
import { faultsPath } from '../solsim/src/faults.js';
import { readObserverLog } from '../solsim/src/observer.js';
import { StorageKind } from '../../shared/gen/twinzone/v1/agent.js';
import { ZoneState } from '../../shared/gen/twinzone/v1/common.js';
import { writeAgentConfig, agentConfigPath } from '../lab/processes.js';

type Reply = Record<string, unknown> & { outcome?: string; changed?: boolean; state?: number; commands?: Array<{ argv: string[]; planned: boolean }> };

/** Calls with the fixture's default 60 s deadline. */
const call = (lab: AgentLab, host: string, method: string, req: unknown) => rpc<Reply>(lab, host, method, req, 60_000);

function commandsLoggedFor(lab: AgentLab, host: string, op: string): number {
  const log = readLabConfig(lab.dir).hosts[host]?.agent?.log ?? path.join(lab.dir, 'logs', `agent-${host}.log`);
  return readLogLines(log).filter((r) => r.msg === 'command started' && r.op === op).length;
}

describe('agent safety rules', () => {
  it('refuses malformed names and paths with INVALID_ARGUMENT and runs no command', async ({ lab }) => {
    const before = lab.observed();
    const bad: Array<[string, unknown]> = [
      ['haltZone', m('bad-1', 'db01;reboot')],
      ['haltZone', m('bad-2', '')],
      ['haltZone', m('bad-3', 'x'.repeat(64))],
      ['haltZone', m('bad-4', 'zöne')],
      ['haltZone', m('bad-5', '../etc')],
      ['haltZone', { mutation: { opId: 'has space', epoch: 1, dryRun: false, zone: 'db01' } }],
      ['mountFs', { ...m('bad-6', 'db01'), special: '/dev/vx/dsk/dbdg/datavol', mountPoint: '/data/../etc', fstype: 'vxfs', options: [] }],
      ['mountFs', { ...m('bad-7', 'db01'), special: '/dev/vx/dsk/dbdg/datavol', mountPoint: '/etc/shadow', fstype: 'vxfs', options: [] }],
      ['importStorage', { ...m('bad-8', 'db01'), kind: StorageKind.STORAGE_KIND_VXDG, group: 'dbdg;rm', clearForeignLock: false, temporary: false }],
      ['importStorage', { ...m('bad-9', 'db01'), kind: StorageKind.STORAGE_KIND_UNSPECIFIED, group: 'dbdg', clearForeignLock: false, temporary: false }],
      ['prepareZonepath', { ...m('bad-10', 'web01'), zonepath: '/zones/web01/$(id)', zonesLofsSpecial: '', zonesLofsMountPoint: '', vfstab: [] }],
      ['pullZonepath', { ...m('bad-11', 'web01'), sourceAddress: 'x; y', sourceZonepath: '/zones/web01', zonepath: '/zones/web01' }],
    ];
    for (const [method, req] of bad) {
      const err = await refusal(call(lab, 'hostA', method, req));
      expect(err.code, `${method} ${JSON.stringify(req)}`).toBe('INVALID_ARGUMENT');
      expect(err.message.length).toBeGreaterThan(10);
    }
    for (let i = 1; i <= 11; i += 1) expect(commandsLoggedFor(lab, 'hostA', `bad-${i}`)).toBe(0);
    expect(lab.observed()).toBe(before);
    expect(lab.sh('hostA', 'zoneadm', ['-z', 'db01', 'list', '-p']).stdout).toMatch(/:running:/);
  });

  it('plans on dry run: the mutating commands are listed as planned and nothing changes', async ({ lab }) => {
    const before = lab.observed();
    const halt = await call(lab, 'hostA', 'haltZone', m('dry-1', 'db01', 1, true));
    expect(halt.outcome).toBe('would halt');
    expect(halt.changed).toBe(false);
    expect(halt.commands!.filter((c) => c.planned).map((c) => c.argv.slice(1))).toEqual([['-z', 'db01', 'halt']]);
    const deport = await call(lab, 'hostA', 'deportStorage', { ...m('dry-2', 'db01', 1, true), kind: StorageKind.STORAGE_KIND_VXDG, group: 'dbdg' });
    expect(deport.commands!.some((c) => c.planned && c.argv.includes('deport'))).toBe(true);
    expect(lab.observed()).toBe(before);
    // A dry run records nothing under its op id: the real call with the same id runs.
    const real = await call(lab, 'hostA', 'haltZone', m('dry-1', 'db01'));
    expect(real).toMatchObject({ outcome: 'halted', changed: true, state: ZoneState.ZONE_STATE_INSTALLED });
  });

  it('refuses a stale fencing epoch before running anything, and remembers the epoch across restarts', async ({ lab }) => {
    await call(lab, 'hostA', 'haltZone', m('epoch-1', 'db01', 7, true));
    // A dry run does not move the fence.
    await call(lab, 'hostA', 'readyZone', m('epoch-2', 'db01', 5, true));
    await call(lab, 'hostA', 'haltZone', m('epoch-3', 'db01', 7));
    const before = lab.observed();
    const stale = await refusal(call(lab, 'hostA', 'bootZone', { ...m('epoch-4', 'db01', 6), bootArgs: [] }));
    expect(stale).toMatchObject({ code: 'STALE_EPOCH', message: 'stale fencing epoch for db01: got 6, already saw 7' });
    expect(commandsLoggedFor(lab, 'hostA', 'epoch-4')).toBe(0);
    await lab.restartAgent('hostA');
    expect(await refusal(call(lab, 'hostA', 'bootZone', { ...m('epoch-5', 'db01', 6), bootArgs: [] }))).toMatchObject({ code: 'STALE_EPOCH' });
    expect(lab.observed()).toBe(before);
    // Another zone's fence is its own.
    expect((await call(lab, 'hostA', 'haltZone', m('epoch-6', 'web01', 1))).outcome).toBe('halted');
  });

  it('answers a repeated op id from its record without running again, also after an agent restart', async ({ lab }) => {
    const first = await call(lab, 'hostA', 'haltZone', m('once-1', 'db01'));
    expect(first).toMatchObject({ outcome: 'halted', changed: true });
    const afterFirst = lab.observed();
    lab.sh('hostA', 'zoneadm', ['-z', 'db01', 'boot']);
    // The zone's application reports its start a moment after boot returns.
    await waitFor(() => readObserverLog(lab.dir).filter((e) => e.type === 'app.start' && e.zone === 'db01').length === 2);
    const afterBoot = lab.observed();
    expect(afterBoot).toBeGreaterThan(afterFirst);
    const again = await call(lab, 'hostA', 'haltZone', m('once-1', 'db01'));
    expect(again).toEqual(first);
    expect(lab.observed()).toBe(afterBoot);
    await lab.restartAgent('hostA');
    expect(await call(lab, 'hostA', 'haltZone', m('once-1', 'db01'))).toEqual(first);
    expect(lab.observed()).toBe(afterBoot);
    expect(lab.sh('hostA', 'zoneadm', ['-z', 'db01', 'list', '-p']).stdout).toMatch(/:running:/);
    const record = await call(lab, 'hostA', 'getOperationResult', { opId: 'once-1' });
    expect(record).toMatchObject({ opId: 'once-1', rpc: 'HaltZone', zone: 'db01', ok: true });
    expect((await refusal(call(lab, 'hostA', 'getOperationResult', { opId: 'never-ran' }))).code).toBe('OP_NOT_FOUND');
    // The same op id for another call is a caller bug, refused.
    expect((await refusal(call(lab, 'hostA', 'bootZone', { ...m('once-1', 'db01'), bootArgs: [] }))).code).toBe('INVALID_ARGUMENT');
  });

  it('is idempotent by state: halting a halted zone succeeds with "already installed"', async ({ lab }) => {
    await call(lab, 'hostA', 'haltZone', m('st-1', 'db01'));
    const before = lab.observed();
    const again = await call(lab, 'hostA', 'haltZone', m('st-2', 'db01'));
    expect(again).toMatchObject({ outcome: 'already installed', changed: false, state: ZoneState.ZONE_STATE_INSTALLED });
    expect(again.commands!.every((c) => c.argv.includes('list'))).toBe(true);
    expect(lab.observed()).toBe(before);
  });

  it('lets one operation run per zone and refuses a second with ZONE_BUSY', async ({ lab }) => {
    fs.writeFileSync(faultsPath(lab.env('hostA').root), JSON.stringify([{ command: 'zoneadm', args: ['halt'], action: 'delay', ms: 1500, times: 1 }]));
    const slow = call(lab, 'hostA', 'haltZone', m('busy-1', 'db01'));
    await new Promise((r) => setTimeout(r, 500));
    const busy = await refusal(call(lab, 'hostA', 'bootZone', { ...m('busy-2', 'db01'), bootArgs: [] }));
    expect(busy.code).toBe('ZONE_BUSY');
    expect(busy.message).toContain('busy-1');
    expect((await call(lab, 'hostA', 'haltZone', m('busy-3', 'web01'))).outcome).toBe('halted');
    expect((await slow).outcome).toBe('halted');
  });

  it('kills a hung command at its timeout and reports COMMAND_TIMEOUT', async ({ lab }) => {
    const file = writeAgentConfig(lab.dir, 'hostA');
    const config = JSON.parse(fs.readFileSync(file, 'utf8')) as { timeouts: { defaultMs: number; perCommand?: Record<string, number> } };
    config.timeouts.perCommand = { zoneadm: 1500 };
    fs.writeFileSync(agentConfigPath(lab.dir, 'hostA'), JSON.stringify(config));
    await lab.restartAgent('hostA', { keepConfig: true });
    fs.writeFileSync(faultsPath(lab.env('hostA').root), JSON.stringify([{ command: 'zoneadm', args: ['halt'], action: 'hang' }]));
    const started = Date.now();
    const err = await refusal(call(lab, 'hostA', 'haltZone', m('hang-1', 'db01')));
    expect(err.code).toBe('COMMAND_TIMEOUT');
    expect(err.message).toContain('zoneadm -z db01 halt');
    expect(Date.now() - started).toBeLessThan(20_000);
    // The hung process is gone: nothing of it is left running.
    const leftovers = fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('solsim') && fs.readFileSync(`/proc/${pid}/environ`, 'utf8').includes(lab.env('hostA').root) && fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('halt');
      } catch {
        return false;
      }
    });
    expect(leftovers).toEqual([]);
  });
});
