// The automation policy engine against a fake HealthView, a fake clock and fake ports,
// with a real SQLite store in a temp dir (runs, freezes, declarations, events): every
// decision of issue 5's automation policy, what it records, and what it refuses to do.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../shared/log/create-logger.js';
import { FakeClock } from '../../test/support/fake-clock.js';
import { exampleInventory } from '../../test/support/example-inventory.js';
import { FakeHealthView } from '../../test/support/fake-health-view.js';
import { applyInventory } from '../apply-inventory.js';
import { setFreeze } from '../control/freeze.js';
import type { Inventory, ZonePolicy } from '../inventory/inventory-schema.js';
import type { Lease } from '../leases/lease-rules.js';
import { openDatabase, type Store } from '../store/open-database.js';
import type { AutomaticRunRequest, IntruderHalter, RunOutcomeLite, RunStarter, SiteMover, SiteMoveRequest, StartedAutomaticRun } from './automation-ports.js';
import { PolicyEngine } from './policy-engine.js';

const log = createLogger({ name: 'coordinator', level: 'silent' });

class FakeRuns implements RunStarter {
  readonly requests: AutomaticRunRequest[] = [];
  private readonly finishers = new Map<string, (state: string) => void>();
  refuseWith: Error | null = null;

  constructor(
    private readonly store: Store,
    private readonly clock: FakeClock,
  ) {}

  start(req: AutomaticRunRequest): Promise<StartedAutomaticRun> {
    if (this.refuseWith) return Promise.reject(this.refuseWith);
    const runId = `run-${this.requests.length + 1}`;
    this.requests.push(req);
    this.store.runs.create({ id: runId, kind: req.kind, zone: req.zone, state: 'running', requestedBy: 'automation' }, this.clock.nowMs());
    const done = new Promise<RunOutcomeLite>((resolve) => {
      this.finishers.set(runId, (state) => {
        this.store.runs.finish(runId, state, state, this.clock.nowMs());
        resolve({ state, reason: null });
      });
    });
    return Promise.resolve({ runId, done });
  }

  finish(runId: string, state = 'succeeded'): void {
    this.finishers.get(runId)!(state);
  }
}

class FakeSites implements SiteMover {
  readonly requests: SiteMoveRequest[] = [];
  moveSite(req: SiteMoveRequest) {
    this.requests.push(req);
    return new Promise<never>(() => {});
  }
}

class FakeHalter implements IntruderHalter {
  readonly halts: { zone: string; host: string; epoch: number }[] = [];
  halt(zone: string, host: string, epoch: number): Promise<void> {
    this.halts.push({ zone, host, epoch });
    return Promise.resolve();
  }
}

function withPolicy(inv: Inventory, policy: Partial<ZonePolicy>, zone?: string): Inventory {
  return { ...inv, zones: inv.zones.map((z) => (zone === undefined || z.name === zone ? { ...z, policy: { ...z.policy, ...policy } } : z)) };
}

const flush = () => new Promise((r) => setImmediate(r));

let dir: string;
let store: Store;
let clock: FakeClock;
let health: FakeHealthView;
let leases: Map<string, Lease>;
let runs: FakeRuns;
let sites: FakeSites;
let halter: FakeHalter;

function lease(zone: string, holder: string, epoch = 4, state: Lease['state'] = 'held'): void {
  leases.set(zone, { zone, state, holder, epoch, lastEpoch: epoch + 1, expiresAtMs: clock.nowMs() + 15_000, target: null, reservedEpoch: null, renewedAtMs: clock.nowMs(), updatedAtMs: clock.nowMs() });
}

function engine(policy: Partial<ZonePolicy> = {}, opts: { site?: string | null; inventory?: Inventory } = {}): PolicyEngine {
  const inventory = opts.inventory ?? withPolicy(exampleInventory, { holdOffMs: 0, ...policy });
  return new PolicyEngine({ inventory, health, leases: { get: (z) => leases.get(z), list: () => [...leases.values()] }, store, clock, log, runs, sites, intruders: halter, site: opts.site ?? null });
}

function events(what: string, zone?: string) {
  return store.events.list({ zone, limit: 10_000 }).filter((e) => e.what === what);
}

/** A finished automatic run in the history, started at atMs. */
function pastRun(zone: string, kind: string, atMs: number, requestedBy = 'automation'): void {
  const id = `past-${kind}-${atMs}-${Math.random().toString(36).slice(2)}`;
  store.runs.create({ id, kind, zone, state: 'running', requestedBy }, atMs);
  store.runs.finish(id, 'succeeded', '', atMs + 1);
}

function failCheck(zone: string, host: string, check = 'tcp', receivedAtMs = clock.nowMs()): void {
  health.setCheck({ zone, host, check, healthy: false, streak: 3, failureThreshold: 3, receivedAtMs, atMs: receivedAtMs });
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinzone-automation-'));
  store = openDatabase(path.join(dir, 'db.sqlite'));
  clock = new FakeClock();
  applyInventory(store, exampleInventory, clock);
  health = new FakeHealthView().setHost('hostA', 'ok', clock.nowMs()).setHost('hostB', 'ok', clock.nowMs()).setHost('hostC', 'ok', clock.nowMs());
  leases = new Map();
  runs = new FakeRuns(store, clock);
  sites = new FakeSites();
  halter = new FakeHalter();
  lease('db01', 'hostA');
  lease('web01', 'hostA');
  clock.advance(10_000);
});

afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('application unhealthy on the holder', () => {
  it('restarts in place, recording the failed check as evidence and the run it started', async () => {
    failCheck('db01', 'hostA');
    engine().evaluate();
    await flush();
    expect(runs.requests).toEqual([{ kind: 'restart', zone: 'db01', target: 'hostA', reason: expect.stringContaining('tcp failed 3 times in a row') }]);
    const [d] = events('automation.decision', 'db01');
    expect(d).toMatchObject({ who: 'automation', run: 'run-1', result: 'started', details: { problem: 'app-unhealthy', action: 'restart' } });
    expect((d!.details.evidence as { failedChecks: unknown[] }).failedChecks).toEqual([expect.objectContaining({ host: 'hostA', check: 'tcp', streak: 3, failureThreshold: 3 })]);
  });

  it('switches over to the BC twin once the restart limit is used up within the window', async () => {
    pastRun('db01', 'restart', clock.nowMs() - 5_000);
    pastRun('db01', 'restart', clock.nowMs() - 4_000);
    failCheck('db01', 'hostA');
    engine({ restartLimit: 2 }).evaluate();
    await flush();
    expect(runs.requests.map((r) => [r.kind, r.target])).toEqual([['switchover', 'hostB']]);
    expect(events('automation.decision', 'db01')[0]!.details).toMatchObject({ action: 'switchover', evidence: { restartsInWindow: 2, restartLimit: 2 } });
  });

  it('counts only automatic restarts inside the window and since the zone last moved', async () => {
    pastRun('db01', 'restart', clock.nowMs() - 700_000); // outside the 600 s window
    pastRun('db01', 'restart', clock.nowMs() - 9_000, 'operator'); // an operator's
    pastRun('db01', 'restart', clock.nowMs() - 8_000);
    pastRun('db01', 'switchover', clock.nowMs() - 6_000, 'operator'); // it moved since
    failCheck('db01', 'hostA');
    engine({ restartLimit: 1 }).evaluate();
    await flush();
    expect(runs.requests.map((r) => r.kind)).toEqual(['restart']);
  });

  it('does nothing automatic when the BC twin host is unhealthy, says why once', async () => {
    health.setHost('hostB', 'suspect', clock.nowMs() - 20_000);
    failCheck('db01', 'hostA');
    const e = engine({ restartLimit: 0 });
    e.evaluate();
    e.evaluate();
    await flush();
    expect(runs.requests).toEqual([]);
    const held = events('automation.held', 'db01');
    expect(held).toHaveLength(1);
    expect(held[0]!.details).toMatchObject({ problem: 'app-unhealthy', why: 'bc-twin-unhealthy' });
    expect(held[0]!.details.reason).toContain('hostB is suspect');
  });

  it('ignores failures reported before the zone last ran (a restart since replaced them)', async () => {
    failCheck('db01', 'hostA', 'tcp', clock.nowMs() - 2_000);
    pastRun('db01', 'restart', clock.nowMs() - 1_500);
    engine().evaluate();
    await flush();
    expect(runs.requests).toEqual([]);
  });

  it('waits while the holder host is suspect rather than restart on it', async () => {
    health.setHost('hostA', 'suspect', clock.nowMs() - 12_000);
    failCheck('db01', 'hostA');
    engine().evaluate();
    await flush();
    expect(runs.requests).toEqual([]);
    expect(events('automation.held', 'db01')[0]!.details).toMatchObject({ why: 'holder-not-ok' });
  });

  it('records a refused start with the error', async () => {
    runs.refuseWith = new Error('a run on db01 is in progress');
    failCheck('db01', 'hostA');
    engine().evaluate();
    await flush();
    expect(events('automation.decision', 'db01')[0]).toMatchObject({ result: 'refused', details: { error: 'a run on db01 is in progress' } });
  });
});

describe('gates before any automatic run', () => {
  it('holds a frozen zone, a zone with a run in progress, within the hold-off, and with automation off', async () => {
    failCheck('db01', 'hostA');
    setFreeze({ store, inventory: exampleInventory, clock }, { zone: 'db01', all: false, frozen: true, reason: 'patching' }, 'alice');
    engine().evaluate();
    expect(events('automation.held', 'db01').at(-1)!.details).toMatchObject({ why: 'frozen' });
    expect(events('automation.held', 'db01').at(-1)!.details.reason).toContain('alice');

    setFreeze({ store, inventory: exampleInventory, clock }, { zone: 'db01', all: false, frozen: false, reason: '' }, 'alice');
    store.runs.create({ id: 'op-run', kind: 'switchover', zone: 'db01', state: 'running', requestedBy: 'alice' }, clock.nowMs());
    engine().evaluate();
    expect(events('automation.held', 'db01').at(-1)!.details).toMatchObject({ why: 'run-in-progress' });

    store.runs.finish('op-run', 'rolled_back', '', clock.nowMs());
    clock.advance(1_000);
    failCheck('db01', 'hostA');
    const held = engine({ holdOffMs: 30_000 });
    held.evaluate();
    expect(events('automation.held', 'db01').at(-1)!.details).toMatchObject({ why: 'hold-off' });

    engine({ automation: 'off' }).evaluate();
    expect(events('automation.held', 'db01').at(-1)!.details).toMatchObject({ why: 'automation-off' });
    await flush();
    expect(runs.requests).toEqual([]);
  });

  it('acts once the hold-off has passed', async () => {
    pastRun('db01', 'switchover', clock.nowMs() - 1_000, 'alice');
    clock.advance(100);
    failCheck('db01', 'hostA');
    const e = engine({ holdOffMs: 30_000 });
    e.evaluate();
    await flush();
    expect(runs.requests).toEqual([]);
    clock.advance(30_000);
    failCheck('db01', 'hostA');
    e.evaluate();
    await flush();
    expect(runs.requests.map((r) => r.kind)).toEqual(['restart']);
  });
});

describe('holder host dead', () => {
  it('fails over to the BC twin, with the missed renewals as evidence', async () => {
    health.setHost('hostA', 'dead', clock.nowMs() - 20_000);
    engine().evaluate();
    await flush();
    expect(runs.requests.map((r) => [r.zone, r.kind, r.target]).sort()).toEqual([
      ['db01', 'failover', 'hostB'],
      ['web01', 'failover', 'hostB'],
    ]);
    const d = events('automation.decision', 'db01')[0]!;
    expect(d.details).toMatchObject({ problem: 'host-dead', action: 'failover', evidence: { holder: { host: 'hostA', health: 'dead', silentForMs: 20_000, missedRenewals: 4 } } });
  });
});

describe('whole site lost', () => {
  beforeEach(() => {
    health.setHost('hostA', 'dead', clock.nowMs() - 20_000).setHost('hostB', 'dead', clock.nowMs() - 19_000);
  });

  it('manual: nothing until the site is declared, then the zones move to their DR twins in one site move', async () => {
    const e = engine({ dr: 'manual' });
    e.evaluate();
    await flush();
    expect(runs.requests).toEqual([]);
    expect(sites.requests).toEqual([]);
    const held = events('automation.held', 'db01');
    expect(held).toHaveLength(1);
    expect(held[0]!.details).toMatchObject({ problem: 'site-lost', why: 'dr-manual' });
    expect(held[0]!.details.reason).toContain('twinzone declare-disaster --site dc1');

    store.disasters.declare('dc1', 'alice', 'fire in dc1', clock.nowMs());
    e.evaluate();
    await flush();
    expect(sites.requests).toEqual([{ fromSite: 'dc1', zones: ['web01', 'db01'], reason: expect.stringContaining('declared lost by alice'), onRunStarted: expect.any(Function) }]);
    expect(events('automation.decision').map((d) => [d.zone, d.details.action, d.result])).toEqual([[null, 'site-move', 'started']]);
    // Each zone's decision is recorded as its run starts (waves start them later), naming the run.
    sites.requests[0]!.onRunStarted('db01', 'run-db01');
    expect(events('automation.decision', 'db01')).toMatchObject([{ run: 'run-db01', result: 'started', details: { action: 'dr-failover', evidence: { target: 'hostC', site: 'dc1' } } }]);
    // The move is under way: not started twice.
    e.evaluate();
    expect(sites.requests).toHaveLength(1);
  });

  it('auto: after autoAfterMs, declaring the disaster itself first', async () => {
    const e = engine({ dr: 'auto', autoAfterMs: 30_000 });
    e.evaluate();
    expect(events('automation.held', 'db01')[0]!.details).toMatchObject({ why: 'dr-auto-waiting' });
    expect(sites.requests).toEqual([]);
    clock.advance(11_000);
    e.evaluate();
    expect(sites.requests).toHaveLength(1);
    expect(store.disasters.get('dc1')).toMatchObject({ declaredBy: 'automation' });
    expect(events('site.declare-disaster')[0]).toMatchObject({ who: 'automation', details: { site: 'dc1' } });
  });

  it('auto: never while the DR twin host is not healthy', () => {
    health.setHost('hostC', 'suspect', clock.nowMs() - 10_000);
    engine({ dr: 'auto', autoAfterMs: 0 }).evaluate();
    expect(sites.requests).toEqual([]);
    expect(events('automation.held', 'db01')[0]!.details).toMatchObject({ why: 'dr-host-unhealthy' });
  });

  it('connected: only with a third vantage point (the coordinator in another site)', () => {
    engine({ dr: 'connected', autoAfterMs: 0 }).evaluate();
    expect(sites.requests).toEqual([]);
    expect(events('automation.held', 'db01')[0]!.details).toMatchObject({ why: 'no-third-vantage' });
    engine({ dr: 'connected', autoAfterMs: 0 }, { site: 'dc2' }).evaluate();
    expect(sites.requests).toEqual([]);
    engine({ dr: 'connected', autoAfterMs: 0 }, { site: 'dc3' }).evaluate();
    expect(sites.requests.map((r) => r.zones)).toEqual([['web01', 'db01']]);
  });

  it('moves only the zones whose DR policy allows it now', () => {
    const mixed = withPolicy(withPolicy(exampleInventory, { dr: 'auto', autoAfterMs: 0, holdOffMs: 0 }), { dr: 'manual' }, 'web01');
    engine({}, { inventory: mixed }).evaluate();
    expect(sites.requests.map((r) => r.zones)).toEqual([['db01']]);
    expect(events('automation.held', 'web01')[0]!.details).toMatchObject({ why: 'dr-manual' });
  });
});

describe('flapping', () => {
  it('freezes a zone after flapLimit automatic moves in the window, and unfreeze gives a fresh count', async () => {
    pastRun('db01', 'switchover', clock.nowMs() - 50_000);
    const e = engine({ restartLimit: 0, flapLimit: 2, flapWindowMs: 600_000 });
    failCheck('db01', 'hostA');
    e.evaluate();
    await flush();
    expect(runs.requests.map((r) => r.kind)).toEqual(['switchover']);
    // The second automatic move ends: the zone is frozen at once.
    runs.finish('run-1');
    await flush();
    expect(store.freezes.get('db01')).toMatchObject({ frozenBy: 'automation', automatic: true });
    expect(events('zone.frozen', 'db01')[0]).toMatchObject({ who: 'automation', details: { automatic: true } });
    expect(events('automation.decision', 'db01').at(-1)!.details).toMatchObject({ action: 'freeze', evidence: { moves: 2, flapLimit: 2 } });

    lease('db01', 'hostB', 6);
    clock.advance(1_000);
    failCheck('db01', 'hostB');
    e.evaluate();
    await flush();
    expect(runs.requests).toHaveLength(1);
    expect(events('automation.held', 'db01').at(-1)!.details).toMatchObject({ why: 'frozen' });

    clock.advance(1_000);
    setFreeze({ store, inventory: exampleInventory, clock }, { zone: 'db01', all: false, frozen: false, reason: '' }, 'alice');
    clock.advance(1_000);
    failCheck('db01', 'hostB');
    e.evaluate();
    await flush();
    expect(runs.requests.map((r) => [r.kind, r.target])).toEqual([
      ['switchover', 'hostB'],
      ['switchover', 'hostA'],
    ]);
  });
});

describe('twin live outside a run', () => {
  it('raises an alarm only under the alarm policy', async () => {
    const e = engine();
    e.start();
    health.emit({ kind: 'twin-live', zone: 'db01', host: 'hostB', state: 'running', leaseHolder: 'hostA' });
    await e.stop();
    expect(events('automation.alarm', 'db01')[0]).toMatchObject({ who: 'automation', details: { evidence: { host: 'hostB', state: 'running', leaseHolder: 'hostA' } } });
    expect(halter.halts).toEqual([]);
  });

  it('halts the intruder under halt-intruder, with the highest epoch the zone had', async () => {
    const e = engine({ onConcurrencyViolation: 'halt-intruder' });
    e.start();
    health.emit({ kind: 'twin-live', zone: 'db01', host: 'hostB', state: 'running', leaseHolder: 'hostA' });
    await e.stop();
    expect(halter.halts).toEqual([{ zone: 'db01', host: 'hostB', epoch: 5 }]);
    expect(events('automation.decision', 'db01')[0]).toMatchObject({ result: 'done', details: { action: 'halt-intruder', problem: 'twin-live' } });
  });

  it('leaves the lease holder and a frozen zone alone', async () => {
    setFreeze({ store, inventory: exampleInventory, clock }, { zone: 'web01', all: false, frozen: true, reason: 'by hand' }, 'alice');
    const e = engine({ onConcurrencyViolation: 'halt-intruder' });
    e.start();
    health.emit({ kind: 'twin-live', zone: 'db01', host: 'hostA', state: 'running', leaseHolder: 'hostA' });
    health.emit({ kind: 'twin-live', zone: 'web01', host: 'hostB', state: 'ready', leaseHolder: 'hostA' });
    await e.stop();
    expect(halter.halts).toEqual([]);
    expect(events('automation.held', 'web01')[0]!.details).toMatchObject({ problem: 'twin-live', why: 'frozen' });
  });
});

describe('health changes', () => {
  it('a health change makes the engine look at once', async () => {
    const e = engine();
    e.start();
    failCheck('db01', 'hostA');
    health.emit({ kind: 'check-failed', zone: 'db01', host: 'hostA', check: 'tcp', evidence: health.checks('db01')[0]! });
    await flush();
    await flush();
    await e.stop();
    expect(runs.requests.map((r) => r.kind)).toEqual(['restart']);
  });
});
