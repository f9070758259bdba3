// Regression (found by the fault campaign): an agent killed with SIGKILL and started
// again at once renewed its leases, yet the fencing watchdog the killed agent had left
// running still fenced every zone at its old deadline (the zones halted and their storage
// deported under a live, renewed lease). The restarted agent now retires that leftover
// watchdog once its first renewal has been fed to its own watchdog.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { checkLab, formatViolation } from '../lab/checker.js';
import { createLab, destroyLab } from '../lab/create-lab.js';
import { startAgent } from '../lab/processes.js';
import { processAlive } from '../solsim/src/app/app-control.js';
import { readObserverLog } from '../solsim/src/observer.js';
import { labUpWithLeases, readJsonLines, signalAgent, waitExited, waitFor, watchdogLogPath } from '../support/fault-lab.js';

// Long enough that a restart on a loaded machine (seconds) ends well inside the old deadline.
const TTL_MS = 20_000;

it('an agent killed and restarted within its lease keeps its zones running past the old watchdog deadline', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinzone-restart-'));
  let ok = false;
  try {
    await createLab(dir, 'bc-dr');
    await labUpWithLeases(dir, { leaseTtlMs: TTL_MS, safetyMarginMs: 1000, leaseLossPolicy: 'halt' });
    // The keeper tracks both leases once its first listing succeeded.
    const agentLog = path.join(dir, 'logs', 'agent-hostA.log');
    await waitFor('hostA to track both leases', () => (readJsonLines(agentLog).filter((l) => l.msg === 'lease tracked').length >= 2 ? true : undefined), 30_000);
    const started = await waitFor('hostA watchdog started', () => readJsonLines(watchdogLogPath(dir, 'hostA')).find((l) => l.msg === 'watchdog started'), 20_000);
    const oldWatchdogPid = Number(started.pid);
    await new Promise((r) => setTimeout(r, TTL_MS / 2));
    const before = readObserverLog(dir).length;

    await waitExited(signalAgent(dir, 'hostA', 'SIGKILL'));
    await startAgent(dir, 'hostA', { keepConfig: true });
    // The leftover watchdog is retired (exits without fencing) after the first renewal.
    await waitFor('the old watchdog to be retired', () => (processAlive(oldWatchdogPid) ? undefined : true), 20_000);
    // Well past the old deadline (TTL from the last renewal before the kill).
    await new Promise((r) => setTimeout(r, 2 * TTL_MS));

    const after = readObserverLog(dir).slice(before);
    expect(after.filter((e) => e.type === 'zone.state' || e.type === 'storage.deport').map((e) => JSON.stringify(e))).toEqual([]);
    expect(readJsonLines(watchdogLogPath(dir, 'hostA')).filter((l) => l.msg === 'zone self-fenced')).toEqual([]);
    expect(checkLab(dir).violations.map(formatViolation)).toEqual([]);
    ok = true;
  } finally {
    if (ok) await destroyLab(dir);
    else console.error(`lab kept for inspection: ${dir}`);
  }
}, 120_000);
