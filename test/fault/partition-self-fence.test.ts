// Fault: the agent of db01's holder stops (SIGSTOP: hung, or partitioned from its own
// host's point of view; SIGKILL: dead) while the coordinator still counts its lease. The
// separate fencing watchdog, no longer fed, halts db01 and deports dbdg on hostA; the
// coordinator's failover to hostB waits for the lease to expire plus the safety margin
// (policy halt) and only then imports dbdg on hostB (clearing hostA's lock) and boots
// db01 there. Everything is judged from outside: the simulator's observer log, the
// invariant checker and the watchdog's own log. Faults are signals sent to the agent.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkLab, formatViolation } from '../lab/checker.js';
import { createLab, destroyLab, stopLabAsync } from '../lab/create-lab.js';
import { startAgent, type LabCoordinatorLeases } from '../lab/processes.js';
import { readObserverLog, type ObserverRecord } from '../solsim/src/observer.js';
import { processAlive } from '../solsim/src/app/app-control.js';
import {
  agentPid,
  labUpWithLeases,
  leaseShow,
  readJsonLines,
  signalAgent,
  twinzoneAsync,
  waitExited,
  waitFor,
  watchdogLogPath,
  type CliResult,
} from '../support/fault-lab.js';

const TTL_MS = 3000;
const MARGIN_MS = 2000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const LIVE = new Set(['ready', 'running']);

async function withLab(prefix: string, body: (dir: string) => Promise<void>, leases?: LabCoordinatorLeases): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  let ok = false;
  try {
    await createLab(dir, 'bc-dr');
    await labUpWithLeases(dir, { leaseTtlMs: TTL_MS, safetyMarginMs: MARGIN_MS, leaseLossPolicy: 'halt' }, leases);
    await body(dir);
    ok = true;
  } finally {
    // A stopped agent would never act on the SIGTERM of the teardown.
    try {
      process.kill(agentPid(dir, 'hostA'), 'SIGCONT');
    } catch {
      /* gone already */
    }
    if (ok) await destroyLab(dir);
    else {
      const { labAgentsDown, stopCoordinator } = await import('../lab/processes.js');
      await stopCoordinator(dir).catch(() => undefined);
      await labAgentsDown(dir).catch(() => undefined);
      await stopLabAsync(dir).catch(() => undefined);
      console.error(`lab kept for inspection: ${dir}`);
    }
  }
}

/** hostA holds db01 and its keeper renews it (the watchdog is fed from then on). */
async function waitHostAKeepsLease(dir: string): Promise<void> {
  const first = await waitFor('db01 held by hostA', async () => {
    const l = await leaseShow(dir, 'db01');
    return l.holder === 'hostA' && l.state === 'held' ? l : undefined;
  }, 30_000);
  // A renewal moves the expiry forward: seen as more time left than a moment ago.
  let last = first;
  await waitFor('a renewal of db01 by hostA', async () => {
    const l = await leaseShow(dir, 'db01');
    const renewed = l.holder === 'hostA' && l.state === 'held' && l.expiresInMs > last.expiresInMs;
    last = l;
    return renewed ? true : undefined;
  }, 20_000, 150);
  // And the keeper tracks it (so the watchdog is fed with db01's deadline).
  const agentLog = path.join(dir, 'logs', 'agent-hostA.log');
  await waitFor('hostA keeper tracking db01', () => (readJsonLines(agentLog).some((l) => l.msg === 'lease tracked' && l.zone === 'db01') ? true : undefined), 10_000);
}

/** `twinzone failover db01 --to hostB`, retried while it is refused because hostA's lease is live. */
async function failoverToHostB(dir: string): Promise<CliResult> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const r = await twinzoneAsync(dir, ['failover', 'db01', '--to', 'hostB'], 120_000);
    if (r.code === 0) return r;
    const out = r.stdout + r.stderr;
    if (!/LEASE_HELD|lease .*(live|held)/i.test(out) || Date.now() > deadline) {
      throw new Error(`twinzone failover db01 --to hostB exited ${r.code}:\n${out}`);
    }
    await sleep(500);
  }
}

function indexOf(events: ObserverRecord[], pred: (e: ObserverRecord) => boolean): number {
  return events.findIndex(pred);
}

/** The ordering the fault must respect, on the events since the fault. */
function assertFencedBeforeTwinStarts(events: ObserverRecord[]): void {
  const dump = () => events.map((e) => `${e.seq} ${e.host} ${e.type} ${JSON.stringify({ ...e, seq: undefined, time: undefined, host: undefined, type: undefined })}`).join('\n');
  const haltedA = indexOf(events, (e) => e.host === 'hostA' && e.type === 'zone.state' && e.zone === 'db01' && LIVE.has(e.from) && !LIVE.has(e.to));
  const deportedA = indexOf(events, (e) => e.host === 'hostA' && e.type === 'storage.deport' && e.group === 'dbdg');
  const importedB = indexOf(events, (e) => e.host === 'hostB' && e.type === 'storage.import' && e.group === 'dbdg');
  const bootedB = indexOf(events, (e) => e.host === 'hostB' && e.type === 'zone.state' && e.zone === 'db01' && e.to === 'running');
  expect(haltedA, `hostA's db01 halted\n${dump()}`).toBeGreaterThanOrEqual(0);
  expect(importedB, `dbdg imported on hostB\n${dump()}`).toBeGreaterThanOrEqual(0);
  expect(bootedB, `db01 running on hostB\n${dump()}`).toBeGreaterThanOrEqual(0);
  expect(haltedA, dump()).toBeLessThan(importedB);
  expect(haltedA, dump()).toBeLessThan(bootedB);
  // hostA let go of dbdg before hostB took it (the watchdog deports; I2 in checkLab
  // judges a -C import of a group still held as a violation either way).
  expect(deportedA, `hostA deported dbdg\n${dump()}`).toBeGreaterThanOrEqual(0);
  expect(deportedA, dump()).toBeLessThan(importedB);
  expect(importedB).toBeLessThan(bootedB);
}

function db01LiveHosts(events: ObserverRecord[]): string[] {
  const live = new Set<string>();
  for (const e of events) {
    if (e.type === 'host.crash') live.delete(e.host);
    if (e.type !== 'zone.state' || e.zone !== 'db01') continue;
    if (LIVE.has(e.to)) live.add(e.host);
    else live.delete(e.host);
  }
  return [...live].sort();
}

function expectCleanCheck(dir: string): void {
  const report = checkLab(dir);
  expect(report.violations.map(formatViolation)).toEqual([]);
}

function expectWatchdogFenced(dir: string): void {
  const log = readJsonLines(watchdogLogPath(dir, 'hostA'));
  const text = () => log.map((l) => JSON.stringify(l)).join('\n');
  expect(log.some((l) => l.msg === 'self-fencing: lease deadline passed without a feed from the agent' && l.zone === 'db01'), text()).toBe(true);
  expect(log.some((l) => l.msg === 'zone self-fenced' && l.zone === 'db01'), text()).toBe(true);
}

describe('partition: the holder\'s agent stops while it holds the lease', () => {
  it('the holder\'s agent stopped with SIGSTOP self-fences and the twin starts only after that', async () => {
    await withLab('twinzone-fault-sigstop-', async (dir) => {
      await waitHostAKeepsLease(dir);
      const before = readObserverLog(dir).length;
      const pid = signalAgent(dir, 'hostA', 'SIGSTOP');
      const stoppedAt = Date.now();

      const run = await failoverToHostB(dir);
      const took = Date.now() - stoppedAt;
      // Not before hostA's lease expired plus the margin (it was renewed just before the stop).
      expect(took, run.stdout + run.stderr).toBeGreaterThanOrEqual(MARGIN_MS);
      // The coordinator granted hostB the lease by the expiry + margin rule, nothing else.
      const grants = readJsonLines(path.join(dir, 'logs', 'coordinator.log')).filter((l) => l.msg === 'lease changed' && l.zone === 'db01' && l.holder === 'hostB');
      expect(grants.map((l) => l.rule)).toEqual(['expired-past-margin']);

      const events = readObserverLog(dir).slice(before);
      assertFencedBeforeTwinStarts(events);
      expect(db01LiveHosts(readObserverLog(dir))).toEqual(['hostB']);
      expectCleanCheck(dir);
      expectWatchdogFenced(dir);
      // (No status call while hostA's agent is stopped: status asks every agent.)

      // The agent comes back: its keeper finds the lease gone and leaves db01 alone.
      const resumedAt = readObserverLog(dir).length;
      process.kill(pid, 'SIGCONT');
      const agentLog = path.join(dir, 'logs', 'agent-hostA.log');
      const linesBefore = readJsonLines(agentLog).length;
      // Several renewal periods (TTL/3) and relistings, and any deadline it had.
      await sleep(3 * TTL_MS);
      expect(processAlive(pid)).toBe(true);
      const after = readObserverLog(dir).slice(resumedAt);
      expect(after.filter((e) => e.host === 'hostA' && ((e.type === 'zone.state' && e.zone === 'db01' && LIVE.has(e.to)) || (e.type === 'storage.import' && e.group === 'dbdg') || e.type === 'app.start'))).toEqual([]);
      expect(db01LiveHosts(readObserverLog(dir))).toEqual(['hostB']);
      const lease = await leaseShow(dir, 'db01');
      expect(lease).toMatchObject({ holder: 'hostB', state: 'held' });
      expect(lease.epoch).toBeGreaterThan(1);
      expectCleanCheck(dir);
      // The keeper noticed what happened while it was stopped.
      const resumed = readJsonLines(agentLog).slice(linesBefore);
      if (process.env.TWINZONE_FAULT_VERBOSE) console.log(resumed.filter((l) => l.component === 'lease-keeper').map((l) => JSON.stringify(l)).join('\n'));
      expect(resumed.some((l) => l.zone === 'db01' && /lease (lost|no longer held)|self-fenc/.test(String(l.msg))), resumed.map((l) => JSON.stringify(l)).join('\n')).toBe(true);
    });
  }, 180_000);

  it('the holder\'s agent killed with SIGKILL: the watchdog fences alone and the twin starts only after that', async () => {
    await withLab('twinzone-fault-sigkill-', async (dir) => {
      await waitHostAKeepsLease(dir);
      const before = readObserverLog(dir).length;
      const pid = signalAgent(dir, 'hostA', 'SIGKILL');
      await waitExited(pid);

      await failoverToHostB(dir);
      assertFencedBeforeTwinStarts(readObserverLog(dir).slice(before));
      expect(db01LiveHosts(readObserverLog(dir))).toEqual(['hostB']);
      expectCleanCheck(dir);
      expectWatchdogFenced(dir);
      const lease = await leaseShow(dir, 'db01');
      expect(lease).toMatchObject({ holder: 'hostB', state: 'held' });

      // A new agent on hostA (same coordinator) holds nothing and starts nothing.
      const coordinator = (await import('../solsim/src/state/lab-config.js')).readLabConfig(dir).coordinator!.address;
      const resumedAt = readObserverLog(dir).length;
      await startAgent(dir, 'hostA', { coordinator });
      await sleep(2 * TTL_MS);
      const after = readObserverLog(dir).slice(resumedAt);
      expect(after.filter((e) => e.host === 'hostA' && ((e.type === 'zone.state' && e.zone === 'db01' && LIVE.has(e.to)) || (e.type === 'storage.import' && e.group === 'dbdg') || e.type === 'app.start'))).toEqual([]);
      expect(await leaseShow(dir, 'db01')).toMatchObject({ holder: 'hostB', state: 'held', epoch: lease.epoch });
      expectCleanCheck(dir);
    });
  }, 180_000);

  it('a holder that learns of its lease only after it ran out fences it at once, and its report releases the lease: the next failover needs no confirm-down', async () => {
    // What the campaign found: a failover's target whose agent restarted between the grant
    // and its first renewal listed the lease with nothing left, was refused, fenced, and
    // the lease (never renewed) then waited for an operator's confirm-down of a host that
    // is up. Here hostB's agent runs without the coordinator's address while the failover
    // brings db01 up there, so it never renews; the coordinator's sweep is slowed down so
    // the restarted agent still finds the lease listed (held, nothing left), as it did.
    await withLab('twinzone-fault-late-lease-', async (dir) => {
      await waitHostAKeepsLease(dir);
      const { readLabConfig } = await import('../solsim/src/state/lab-config.js');
      const coordinator = readLabConfig(dir).coordinator!.address;
      // Restarted agents listen where the coordinator's inventory says they do.
      const listenB = readLabConfig(dir).hosts.hostB!.agent!.address;
      const listenA = readLabConfig(dir).hosts.hostA!.agent!.address;
      const pidB = signalAgent(dir, 'hostB', 'SIGKILL');
      await waitExited(pidB);
      await startAgent(dir, 'hostB', { listen: listenB });
      const pidA = signalAgent(dir, 'hostA', 'SIGKILL');
      await waitExited(pidA);
      await failoverToHostB(dir);
      const granted = await leaseShow(dir, 'db01');
      expect(granted).toMatchObject({ holder: 'hostB', state: 'held' });
      expect(db01LiveHosts(readObserverLog(dir))).toEqual(['hostB']);
      await waitFor('hostB\'s lease past its expiry, never renewed', async () => {
        const l = await leaseShow(dir, 'db01');
        return l.holder === 'hostB' && l.epoch === granted.epoch && l.state === 'held' && l.expiresInMs < -500 ? true : undefined;
      }, 3 * TTL_MS, 250);
      // hostA's agent comes back (it holds nothing), and hostB's with the coordinator.
      await startAgent(dir, 'hostA', { coordinator, listen: listenA });
      const before = readObserverLog(dir).length;
      const pidB2 = signalAgent(dir, 'hostB', 'SIGKILL');
      await waitExited(pidB2);
      await startAgent(dir, 'hostB', { coordinator, listen: listenB });
      // Its keeper lists the lease, renews it first, is refused, fences at once and says
      // so: the coordinator releases the lease on that report.
      await waitFor('the lease released by hostB\'s self-fence report', async () => {
        const l = await leaseShow(dir, 'db01');
        return l.state === 'released' && l.holder === 'hostB' && l.epoch === granted.epoch ? true : undefined;
      }, 30_000);
      const fenced = readObserverLog(dir).slice(before);
      expect(fenced.some((e) => e.host === 'hostB' && e.type === 'zone.state' && e.zone === 'db01' && !LIVE.has(e.to))).toBe(true);
      expect(db01LiveHosts(readObserverLog(dir))).toEqual([]);

      // No confirm-down of hostB, which is up and proved it stopped: a failover to hostA goes.
      const again = await twinzoneAsync(dir, ['failover', 'db01', '--to', 'hostA'], 120_000);
      expect(again.code, again.stdout + again.stderr).toBe(0);
      const rules = readJsonLines(path.join(dir, 'logs', 'coordinator.log')).filter((l) => l.msg === 'lease changed' && l.zone === 'db01').map((l) => `${l.holder}:${l.state}:${l.rule}`);
      expect(rules.slice(-2)).toEqual(['hostB:released:self-fenced', 'hostA:held:released']);
      expect(db01LiveHosts(readObserverLog(dir))).toEqual(['hostA']);
      const lease = await leaseShow(dir, 'db01');
      expect(lease).toMatchObject({ holder: 'hostA', state: 'held' });
      expect(lease.epoch).toBeGreaterThan(granted.epoch);
      expectCleanCheck(dir);
    }, { sweepIntervalMs: 600_000 });
  }, 240_000);

  it('a failover asked while the holder keeps renewing ends, saying the holder is alive, and changes nothing', async () => {
    await withLab('twinzone-fault-live-holder-', async (dir) => {
      await waitHostAKeepsLease(dir);
      const before = readObserverLog(dir).length;
      const r = await twinzoneAsync(dir, ['failover', 'db01', '--to', 'hostB'], 60_000);
      const out = r.stdout + r.stderr;
      expect(r.code, out).not.toBe(0);
      expect(out).toMatch(/hostA renewed its lease on db01 at .*after this failover began: its agent is alive/);
      expect(out).toContain('Nothing was changed');
      expect(await leaseShow(dir, 'db01')).toMatchObject({ holder: 'hostA', state: 'held', epoch: 1 });
      expect(readObserverLog(dir).slice(before).filter((e) => e.type !== 'app.start' && e.type !== 'note')).toEqual([]);
      expect(db01LiveHosts(readObserverLog(dir))).toEqual(['hostA']);
      expectCleanCheck(dir);
    });
  }, 120_000);
});
