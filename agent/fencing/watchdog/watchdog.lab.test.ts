// The watchdog against the simulator: started directly for hostA's db01 (running, dbdg
// imported, /data/db01 mounted) as the agent's lease keeper would start it. Fed, it does
// nothing; when the feeds stop (the agent SIGSTOPped or killed) it halts db01, unmounts
// /data/db01 and deports dbdg on its own before the deadline it was last given plus 1 s,
// then exits (DESIGN "Leases and fencing", I1, I2).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { labEnv } from '../../../test/lab/create-lab.js';
import { readObserverLog } from '../../../test/solsim/src/observer.js';
import { labOpContext, solsimCommandPaths, useBcDrLab } from '../../../test/support/op-test-context.js';
import { writeFaults } from '../../../test/support/crash-lab.js';
import { listZones } from '../../ops/zone-ops.js';
import { listImportedGroups, listMounts } from '../../ops/storage-ops.js';
import { readEpoch } from '../epoch-files.js';
import { EpochStore } from '../epoch-store.js';
import { WatchdogProcess } from './watchdog-process.js';
import type { WatchdogConfig, WatchedZone } from './watchdog-protocol.js';

const lab = useBcDrLab('twinzone-watchdog-', 120_000);

function watchdogFor(host: string, dir: string, onExit?: (code: number | null) => void): { wd: WatchdogProcess; logFile: string; stateDir: string } {
  const env = labEnv(dir, host);
  const paths = solsimCommandPaths();
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinzone-wd-state-'));
  const logFile = path.join(stateDir, 'watchdog.log');
  const config: WatchdogConfig = {
    host,
    commandPaths: { zoneadm: paths.zoneadm, umount: paths.umount, vxdg: paths.vxdg, zpool: paths.zpool },
    commandEnv: { SOLSIM_ROOT: env.root, SOLSIM_LAB: env.lab, SOLSIM_HOST: env.host },
    logFile,
    commandTimeoutMs: 30_000,
    checkIntervalMs: 50,
    epochDir: path.join(stateDir, 'epochs'),
  };
  const wd = new WatchdogProcess({ config, configFile: path.join(stateDir, 'watchdog.json'), onExit: (code) => onExit?.(code) });
  return { wd, logFile, stateDir };
}

const db01 = (remainingMs: number): WatchedZone => ({
  zone: 'db01',
  epoch: 1,
  remainingMs,
  mountPoints: ['/data/db01'],
  storage: { kind: 'vxdg', group: 'dbdg' },
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function db01State(dir: string): Promise<{ zone: string | undefined; mounted: boolean; imported: boolean }> {
  const ctx = labOpContext(dir, 'hostA');
  const zone = (await listZones(ctx)).find((z) => z.name === 'db01')?.state;
  const mounted = (await listMounts(ctx)).some((m) => m.mountPoint === '/data/db01');
  const imported = (await listImportedGroups(ctx, 'vxdg')).some((g) => g.name === 'dbdg');
  return { zone, mounted, imported };
}

describe('fencing watchdog on the simulator', () => {
  it('does nothing while it is fed, and exits on stand-down', async () => {
    const dir = lab();
    expect(await db01State(dir)).toEqual({ zone: 'running', mounted: true, imported: true });
    let exitCode: number | null | undefined;
    const { wd, logFile } = watchdogFor('hostA', dir, (c) => (exitCode = c));
    wd.start();
    const before = readObserverLog(dir).length;
    for (let i = 0; i < 12; i++) {
      wd.feed([db01(800)]);
      await sleep(200);
    }
    await wd.standDown();
    expect(wd.running).toBe(false);
    expect(exitCode).toBeUndefined(); // a stand-down is not reported as an unexpected exit
    expect(readObserverLog(dir).slice(before).filter((e) => e.host === 'hostA' && e.type !== 'app.start' && e.type !== 'note')).toEqual([]);
    expect(await db01State(dir)).toEqual({ zone: 'running', mounted: true, imported: true });
    expect(fs.readFileSync(logFile, 'utf8')).toContain('stand-down from the agent');
  });

  it('self-fences the zone when the feeds stop: halt, unmount, deport, then exits', async () => {
    const dir = lab();
    const deadlineMs = 1500;
    let exited!: (code: number | null) => void;
    const exit = new Promise<number | null>((r) => (exited = r));
    const { wd, logFile, stateDir } = watchdogFor('hostA', dir, (c) => exited(c));
    wd.start();
    const before = readObserverLog(dir).length;
    for (let i = 0; i < 4; i++) {
      wd.feed([db01(deadlineMs)]);
      await sleep(250);
    }
    // The last feed, then silence: what a SIGSTOPped agent looks like from outside.
    wd.feed([db01(deadlineMs)]);
    const lastFeed = performance.now();
    // Nothing happens before the deadline.
    await sleep(deadlineMs - 400);
    expect(readObserverLog(dir).slice(before).filter((e) => e.type === 'zone.state')).toEqual([]);

    const code = await exit;
    const elapsed = performance.now() - lastFeed;
    expect(code).toBe(3);
    // Never before its deadline; how long after depends on the machine (benchmarks, not tests, time it).
    expect(elapsed).toBeGreaterThanOrEqual(deadlineMs - 50);

    const events = readObserverLog(dir).slice(before).filter((e) => e.host === 'hostA');
    const halted = events.findIndex((e) => e.type === 'zone.state' && e.zone === 'db01' && e.to === 'installed');
    const unmounted = events.findIndex((e) => e.type === 'umount' && e.mountPoint === '/data/db01');
    const deported = events.findIndex((e) => e.type === 'storage.deport' && e.group === 'dbdg');
    expect(halted).toBeGreaterThanOrEqual(0);
    expect(unmounted).toBeGreaterThan(halted);
    expect(deported).toBeGreaterThan(unmounted);
    expect(await db01State(dir)).toEqual({ zone: 'installed', mounted: false, imported: false });

    const log = fs.readFileSync(logFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { msg: string; level: string; zone?: string });
    expect(log.some((l) => l.msg === 'zone self-fenced' && l.zone === 'db01')).toBe(true);
    expect(log.filter((l) => l.level === 'error')).toEqual([]);
    // The epoch db01 was held under is retired: the agent, back from its hang, refuses it.
    expect(readEpoch(path.join(stateDir, 'epochs'), 'db01')).toBe(2);
    expect(() => new EpochStore(path.join(stateDir, 'epochs')).admit('db01', 1, { record: false })).toThrow(expect.objectContaining({ code: 'STALE_EPOCH' }));
  });
});

describe('fencing watchdog with several zones due', () => {
  // A lab of its own: the tests above fence hostA's db01 already.
  const fresh = useBcDrLab('twinzone-watchdog-many-', 120_000);

  it('fences every due zone at once, not one after another', async () => {
    const dir = fresh();
    expect(await db01State(dir)).toEqual({ zone: 'running', mounted: true, imported: true });
    let exited!: (code: number | null) => void;
    const exit = new Promise<number | null>((r) => (exited = r));
    const { wd, logFile } = watchdogFor('hostA', dir, (c) => exited(c));
    wd.start();
    const web01: WatchedZone = { zone: 'web01', epoch: 1, remainingMs: 300, mountPoints: ['/data/web01'], storage: { kind: 'vxdg', group: 'webdg' } };
    wd.feed([db01(300), web01]);
    expect(await exit).toBe(3);
    const log = fs.readFileSync(logFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { msg: string; zone?: string; stderr?: string; argv?: string[] });
    const started = log.flatMap((l, i) => (l.msg.startsWith('self-fencing:') ? [i] : []));
    const firstCommandDone = log.findIndex((l) => l.msg === 'fencing command finished' || l.msg === 'fencing command failed');
    // Both zones began fencing before any fencing command of either had finished.
    expect(started).toHaveLength(2);
    expect(Math.max(...started)).toBeLessThan(firstCommandDone);
    expect(log.filter((l) => l.msg.includes('fencing command failed') || l.msg.includes('failures'))).toEqual([]);
    expect(log.filter((l) => l.msg === 'zone self-fenced').map((l) => l.zone).sort()).toEqual(['db01', 'web01']);
    const ctx = labOpContext(dir, 'hostA');
    expect((await listZones(ctx)).filter((z) => z.name !== 'global' && z.state === 'running')).toEqual([]);
    expect(await listImportedGroups(ctx, 'vxdg')).toEqual([]);
  });
});

describe('fencing watchdog told to stand down while it fences', () => {
  const fresh = useBcDrLab('twinzone-watchdog-sigterm-', 120_000);

  it('SIGTERM (a restarted agent retiring it) while a zone is being fenced: the fence is finished, then it exits', async () => {
    // The campaign's case: a killed agent's watchdog was halting zones on a loaded host
    // when the restarted agent, holding none of them any more, retired it; the zones were
    // left running while the coordinator granted them elsewhere (I1, I2).
    const dir = fresh();
    writeFaults(dir, 'hostA', [{ command: 'zoneadm', argsRegex: ' halt$', action: 'delay', ms: 1500, times: 1 }]);
    let exited!: (code: number | null) => void;
    const exit = new Promise<number | null>((r) => (exited = r));
    const { wd, logFile } = watchdogFor('hostA', dir, (c) => exited(c));
    wd.start();
    wd.feed([db01(100)]);
    await waitForLog(logFile, 'self-fencing: lease deadline passed without a feed from the agent');
    process.kill(wd.pid!, 'SIGTERM');
    expect(await exit).toBe(3);
    const log = fs.readFileSync(logFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { msg: string; zone?: string });
    const term = log.findIndex((l) => l.msg.startsWith('SIGTERM while fencing'));
    const fenced = log.findIndex((l) => l.msg === 'zone self-fenced' && l.zone === 'db01');
    expect(term, JSON.stringify(log)).toBeGreaterThanOrEqual(0);
    expect(fenced).toBeGreaterThan(term);
    expect(await db01State(dir)).toEqual({ zone: 'installed', mounted: false, imported: false });
  });
});

describe('fencing watchdog whose fence fails', () => {
  const fresh = useBcDrLab('twinzone-watchdog-retry-', 120_000);

  it('tries a failed fence again: a halt that fails once still ends with the zone halted and its storage deported', async () => {
    // The campaign's case: on a loaded host the halt was killed at its timeout, the deport
    // then refused ("volumes in use"), and the watchdog exited with the zone running.
    const dir = fresh();
    writeFaults(dir, 'hostA', [{ command: 'zoneadm', argsRegex: ' halt$', action: 'fail', exitCode: 1, stderr: 'zoneadm: zone \'db01\': call to zoneadmd failed', times: 1 }]);
    let exited!: (code: number | null) => void;
    const exit = new Promise<number | null>((r) => (exited = r));
    const { wd, logFile } = watchdogFor('hostA', dir, (c) => exited(c));
    wd.start();
    wd.feed([db01(100)]);
    expect(await exit).toBe(3);
    const log = fs.readFileSync(logFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { msg: string; zone?: string });
    expect(log.map((l) => l.msg)).toContain('fencing failed; trying again');
    expect(log.filter((l) => l.msg === 'zone self-fenced' && l.zone === 'db01')).toHaveLength(1);
    expect(await db01State(dir)).toEqual({ zone: 'installed', mounted: false, imported: false });
  });
});

async function waitForLog(file: string, msg: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(fs.existsSync(file) && fs.readFileSync(file, 'utf8').includes(msg))) {
    if (Date.now() > deadline) throw new Error(`no "${msg}" in ${file}`);
    await sleep(20);
  }
}

