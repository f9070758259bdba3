// Automation end to end (issue 5 "Tests"), real processes only: agents that renew their
// leases and run their zones' health checks, the coordinator with automation on, the
// simulated hosts. Faults come from outside (an application SIGKILLed, a host's power
// cut, a whole site lost) and everything is judged from the audit log, the run history
// and the checker (I1, I2, I5) after each test. web01 (no installed twin anywhere but
// hostA in the lab) is frozen first, so db01 alone is what automation moves.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkLab, formatViolation } from '../lab/checker.js';
import { createLab, destroyLab, labEnv, stopLabAsync } from '../lab/create-lab.js';
import { crashHost, loseSite } from '../lab/host-power.js';
import { labAgentsDown, stopCoordinator, type LabAutomation } from '../lab/processes.js';
import { registerPreset } from '../lab/presets/bc-dr.js';
import { wavesPreset } from '../lab/presets/waves.js';
import { auditLog, cliJson, decisionOf, history, killApp, runEnded, startAutomationLab, waitForEvent, type AuditEvent } from '../support/automation-lab.js';
import { leaseShow, twinzoneAsync, waitFor } from '../support/fault-lab.js';
import { maxOverlap, runSpans } from '../support/run-spans.js';
import type { ZonePolicy } from '../../coordinator/inventory/inventory-schema.js';
import { processAlive } from '../solsim/src/app/app-control.js';
import { kernelZones } from '../solsim/src/state/zone-runtime.js';

const MINUTE = 60_000;
const AUTO_AFTER_MS = 25_000;

registerPreset(wavesPreset);
const WAVES = [
  ['pay01', 'pay02', 'pay03'],
  ['app01', 'app02'],
  ['rep01'],
];

interface LabOptions {
  /** bc-dr (default: web01 is frozen, db01 alone is watched) or waves (six zones in three priorities). */
  preset?: 'bc-dr' | 'waves';
  automation?: Omit<LabAutomation, 'enabled'>;
}

async function withAutomationLab(prefix: string, policy: Partial<ZonePolicy>, body: (dir: string) => Promise<void>, opts: LabOptions = {}): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const preset = opts.preset ?? 'bc-dr';
  let ok = false;
  try {
    await createLab(dir, preset);
    await startAutomationLab(dir, policy, opts.automation);
    if (preset === 'bc-dr') await cliJson(dir, ['freeze', 'web01', '--reason', 'not part of this test']);
    // Every watched zone's checks pass on its dc1 host before anything is broken.
    await waitFor('the zones healthy in dc1', async () => {
      const s = await cliJson<{ zones: { zone: string; liveHost?: string; probes?: { host: string; healthy: boolean }[] }[] }>(dir, ['status']);
      const watched = s.zones.filter((z) => preset === 'waves' || z.zone === 'db01');
      return watched.length > 0 && watched.every((z) => (z.probes ?? []).length > 0 && z.probes!.every((p) => p.host === z.liveHost && p.healthy)) ? true : undefined;
    }, 2 * MINUTE);
    await body(dir);
    const report = checkLab(dir);
    expect(report.violations.map(formatViolation), 'the checker found invariant violations').toEqual([]);
    // Every automatic run has its decision, naming the run, with the reason, in the audit log.
    const log = await auditLog(dir);
    for (const run of await history(dir)) {
      if (run.requestedBy !== 'automation') continue;
      const decision = log.find((e) => e.what === 'automation.decision' && e.runId === run.runId);
      expect(decision, `the decision of automatic run ${run.runId}`).toBeDefined();
      expect(String(decision!.details.reason)).not.toBe('');
    }
    ok = true;
  } finally {
    if (ok) {
      await stopCoordinator(dir);
      await destroyLab(dir);
    } else {
      await stopCoordinator(dir).catch(() => undefined);
      await labAgentsDown(dir).catch(() => undefined);
      await stopLabAsync(dir).catch(() => undefined);
      console.error(`lab kept for inspection: ${dir} (daemon logs in ${path.join(dir, 'logs')})`);
    }
  }
}

function after(log: AuditEvent[], e: AuditEvent): AuditEvent[] {
  return log.filter((x) => x.id > e.id);
}

describe('automation', () => {
  it(
    'application killed: restarted in place, then switched over after the restart limit; flapping freezes it, unfreeze lets automation act again',
    async () => {
      await withAutomationLab('twinzone-auto-app-', { restartLimit: 1, flapLimit: 2, flapWindowMs: 30 * MINUTE }, async (dir) => {
        killApp(dir, 'hostA', 'db01');
        const restart = await waitForEvent(dir, 'a restart decision', decisionOf('restart', 'db01'), 2 * MINUTE);
        expect(restart.details.problem).toBe('app-unhealthy');
        const failed = (restart.details.evidence as { failedChecks: { host: string; check: string; streak: number; failureThreshold: number }[] }).failedChecks;
        expect(failed.length).toBeGreaterThan(0);
        expect(failed.every((c) => c.host === 'hostA' && c.streak >= c.failureThreshold)).toBe(true);
        expect(await runEnded(dir, 'db01', restart.runId, 3 * MINUTE)).toBe('succeeded');
        expect((await leaseShow(dir, 'db01')).holder).toBe('hostA');

        // The restart limit (1) is used up: the next failure moves db01 to its BC twin.
        await waitFor('db01 serving again on hostA', () => killableApp(dir, 'hostA'), MINUTE);
        killApp(dir, 'hostA', 'db01');
        const switchover = await waitForEvent(dir, 'a switchover decision', decisionOf('switchover', 'db01'), 2 * MINUTE, restart.id);
        expect(switchover.details.evidence).toMatchObject({ restartsInWindow: 1, restartLimit: 1, target: 'hostB' });
        expect(await runEnded(dir, 'db01', switchover.runId, 4 * MINUTE)).toBe('succeeded');
        expect((await leaseShow(dir, 'db01')).holder).toBe('hostB');

        // On hostB: a restart (its own count), then the second automatic move: frozen.
        await waitFor('db01 serving on hostB', () => killableApp(dir, 'hostB'), MINUTE);
        killApp(dir, 'hostB', 'db01');
        const restartB = await waitForEvent(dir, 'a restart on hostB', decisionOf('restart', 'db01'), 2 * MINUTE, switchover.id);
        expect(await runEnded(dir, 'db01', restartB.runId, 3 * MINUTE)).toBe('succeeded');
        await waitFor('db01 serving again on hostB', () => killableApp(dir, 'hostB'), MINUTE);
        killApp(dir, 'hostB', 'db01');
        const back = await waitForEvent(dir, 'a switchover back to hostA', decisionOf('switchover', 'db01'), 2 * MINUTE, restartB.id);
        expect(await runEnded(dir, 'db01', back.runId, 4 * MINUTE)).toBe('succeeded');
        const frozen = await waitForEvent(dir, 'db01 frozen for flapping', (e) => e.what === 'zone.frozen' && e.zone === 'db01', MINUTE, back.id);
        expect(frozen).toMatchObject({ who: 'automation', details: { automatic: true } });
        const status = await cliJson<{ zones: { frozen: boolean; frozenBy: string }[] }>(dir, ['status', 'db01']);
        expect(status.zones[0]).toMatchObject({ frozen: true, frozenBy: 'automation' });

        // Frozen: a failure now is only recorded, with why.
        await waitFor('db01 serving on hostA', () => killableApp(dir, 'hostA'), MINUTE);
        killApp(dir, 'hostA', 'db01');
        const held = await waitForEvent(dir, 'automation held (frozen)', (e) => e.what === 'automation.held' && e.zone === 'db01' && e.details.why === 'frozen', 2 * MINUTE, frozen.id);
        expect(after(await auditLog(dir), frozen).filter((e) => e.what === 'automation.decision' && e.zone === 'db01' && e.result === 'started')).toEqual([]);

        // Unfrozen: automation acts on the failure (a restart on hostA, whose count is fresh).
        await cliJson(dir, ['unfreeze', 'db01']);
        const again = await waitForEvent(dir, 'a decision after unfreeze', (e) => decisionOf('restart', 'db01')(e) && e.result === 'started', 2 * MINUTE, held.id);
        expect(await runEnded(dir, 'db01', again.runId, 3 * MINUTE)).toBe('succeeded');
        const runs = (await history(dir, 'db01')).filter((r) => r.requestedBy === 'automation').map((r) => r.kind).reverse();
        expect(runs).toEqual(['restart', 'switchover', 'restart', 'switchover', 'restart']);
      });
    },
    25 * MINUTE,
  );

  it(
    'holder host loses power: failover to the BC twin once its lease expired, in that order',
    async () => {
      await withAutomationLab('twinzone-auto-host-', {}, async (dir) => {
        const before = (await auditLog(dir)).at(-1)!.id;
        crashHost(labEnv(path.resolve(dir), 'hostA'));
        const decision = await waitForEvent(dir, 'a failover decision', decisionOf('failover', 'db01'), 2 * MINUTE, before);
        expect(decision.details).toMatchObject({ problem: 'host-dead', evidence: { holder: { host: 'hostA', health: 'dead' }, target: 'hostB' } });
        expect(await runEnded(dir, 'db01', decision.runId, 4 * MINUTE)).toBe('succeeded');
        expect((await leaseShow(dir, 'db01')).holder).toBe('hostB');
        const log = after(await auditLog(dir), { id: before } as AuditEvent);
        const idOf = (pred: (e: AuditEvent) => boolean, what: string) => {
          const e = log.find(pred);
          expect(e, what).toBeDefined();
          return e!.id;
        };
        idOf((e) => e.what === 'lease.expire' && e.zone === 'db01', 'the lease expiry');
        const dead = idOf((e) => e.what === 'host.dead' && JSON.stringify(e.details).includes('hostA'), 'hostA found dead');
        const granted = idOf((e) => e.what === 'lease.grant' && e.zone === 'db01' && e.result === 'ok', 'the grant to hostB');
        // The lease ran out before the decision (by its expiry time: the sweep that records
        // the expiry runs once a second and may come after a host judged dead by its
        // silence), the host was found dead, then the decision, then the grant.
        const grant = log.find((e) => e.id === granted)!;
        const expiresAtMs = Number((grant.details.before as { expiresAtMs?: number } | undefined)?.expiresAtMs);
        expect(expiresAtMs).toBeLessThanOrEqual(decision.atMs);
        expect(dead).toBeLessThan(decision.id);
        expect(decision.id).toBeLessThan(granted);
      });
    },
    12 * MINUTE,
  );

  it(
    'site dc1 lost under dr manual: nothing automatic (held, saying why), then DR after declare-disaster',
    async () => {
      await withAutomationLab('twinzone-auto-manual-', { dr: 'manual' }, async (dir) => {
        const before = (await auditLog(dir)).at(-1)!.id;
        loseSite(path.resolve(dir), 'dc1');
        const held = await waitForEvent(dir, 'held: dr manual', (e) => e.what === 'automation.held' && e.zone === 'db01' && e.details.why === 'dr-manual', 2 * MINUTE, before);
        expect(String(held.details.reason)).toContain('twinzone declare-disaster --site dc1');
        expect(after(await auditLog(dir), held).filter((e) => e.what === 'automation.decision' && e.zone === 'db01')).toEqual([]);
        expect((await leaseShow(dir, 'db01')).holder).toBe('hostA');

        const declared = await twinzoneAsync(dir, ['declare-disaster', '--site', 'dc1', '--reason', 'dc1 burned']);
        expect(declared.code, declared.stderr).toBe(0);
        const decision = await waitForEvent(dir, 'a DR decision', decisionOf('dr-failover', 'db01'), 2 * MINUTE, held.id);
        expect(String(decision.details.reason)).toContain('declared lost by operator');
        await expectDrFailover(dir, decision);
      });
    },
    12 * MINUTE,
  );

  it(
    'site dc1 lost under dr auto: automation waits autoAfterMs, declares the disaster itself and moves db01 to hostC',
    async () => {
      // The site counts as lost once its hosts' leases expired (a TTL, 15 s, after their last
      // renewal); autoAfterMs runs from that last renewal, so it is longer than the TTL.
      await withAutomationLab('twinzone-auto-dr-', { dr: 'auto', autoAfterMs: AUTO_AFTER_MS }, async (dir) => {
        const before = (await auditLog(dir)).at(-1)!.id;
        loseSite(path.resolve(dir), 'dc1');
        const waiting = await waitForEvent(dir, 'held: waiting autoAfterMs', (e) => e.what === 'automation.held' && e.zone === 'db01' && e.details.why === 'dr-auto-waiting', 2 * MINUTE, before);
        const decision = await waitForEvent(dir, 'a DR decision', decisionOf('dr-failover', 'db01'), 2 * MINUTE, waiting.id);
        const log = await auditLog(dir);
        const declaration = log.find((e) => e.what === 'site.declare-disaster' && e.id > before);
        expect(declaration).toMatchObject({ who: 'automation', details: { site: 'dc1' } });
        // Declared after the wait, before anything moved.
        expect(declaration!.id).toBeGreaterThan(waiting.id);
        const lostSince = (waiting.details.evidence as { lostSinceMs: number }).lostSinceMs;
        expect(decision.atMs - lostSince).toBeGreaterThanOrEqual(AUTO_AFTER_MS);
        await expectDrFailover(dir, decision);
      });
    },
    12 * MINUTE,
  );

  it(
    'site dc1 lost and declared: automation moves its six zones through the site run, in priority waves, at most siteRuns.concurrency (2) at once',
    async () => {
      await withAutomationLab(
        'twinzone-auto-waves-',
        { dr: 'manual' },
        async (dir) => {
          const before = (await auditLog(dir)).at(-1)!.id;
          loseSite(path.resolve(dir), 'dc1');
          const zones = WAVES.flat();
          await waitFor('every zone held (dr manual)', async () => {
            const held = new Set((await auditLog(dir)).filter((e) => e.id > before && e.what === 'automation.held' && e.details.why === 'dr-manual').map((e) => e.zone));
            return zones.every((z) => held.has(z)) ? true : undefined;
          }, 2 * MINUTE);
          const declared = await twinzoneAsync(dir, ['declare-disaster', '--site', 'dc1', '--reason', 'dc1 flooded']);
          expect(declared.code, declared.stderr).toBe(0);
          const ended = await waitForEvent(dir, 'the site move to end', (e) => e.what === 'automation.decision' && e.details.action === 'site-move' && e.result !== 'started', 10 * MINUTE, before);
          expect(ended.result, String(ended.details.reason)).toBe('succeeded');
          const log = after(await auditLog(dir), { id: before } as AuditEvent);
          // One site run, started by automation, whose waves went by priority.
          const waves = log.filter((e) => e.what === 'site-run.wave-started');
          expect(waves.every((e) => e.who === 'automation')).toBe(true);
          expect(waves.map((e) => ({ priority: e.details.priority, zones: e.details.zones }))).toEqual(WAVES.map((w, i) => ({ priority: i + 1, zones: [...w].sort() })));
          expect(log.find((e) => e.what === 'site-run.started')?.details).toMatchObject({ concurrency: 2, requestedBy: 'automation' });
          // A wave's runs start only once every zone of the one before passed its checks on hostC.
          const spans = await runSpans(dir);
          const runOf = (zone: string) => spans.get(zone)!.find((r) => r.kind === 'dr-failover')!;
          for (const zone of zones) expect(runOf(zone), zone).toMatchObject({ state: 'succeeded', requestedBy: 'automation' });
          const healthy = new Map(log.filter((e) => e.what === 'site-run.zone-healthy').map((e) => [e.zone, e.atMs]));
          expect([...healthy.keys()].sort()).toEqual([...zones].sort());
          for (let k = 0; k + 1 < WAVES.length; k++) {
            const gate = Math.max(...WAVES[k]!.map((z) => healthy.get(z)!));
            for (const later of WAVES[k + 1]!) expect(runOf(later).from, `${later} started before wave ${k + 1} was healthy`).toBeGreaterThanOrEqual(gate);
          }
          // The concurrency limit: never more than 2 runs at once; wave 1's three zones used both slots.
          expect(maxOverlap(zones.map(runOf))).toBeLessThanOrEqual(2);
          expect(maxOverlap(WAVES[0]!.map(runOf))).toBe(2);
          for (const zone of zones) expect((await leaseShow(dir, zone)).holder, zone).toBe('hostC');
        },
        { preset: 'waves', automation: { siteRunConcurrency: 2 } },
      );
    },
    15 * MINUTE,
  );
});

/** The decision's DR failover of db01 (the run it names, started by automation) succeeded: db01 lives on hostC. */
async function expectDrFailover(dir: string, decision: AuditEvent): Promise<void> {
  expect(decision.runId, 'the DR decision names its run').not.toBe('');
  expect(await runEnded(dir, 'db01', decision.runId, 6 * MINUTE)).toBe('succeeded');
  expect((await history(dir, 'db01')).find((r) => r.runId === decision.runId)).toMatchObject({ kind: 'dr-failover', requestedBy: 'automation' });
  expect((await leaseShow(dir, 'db01')).holder).toBe('hostC');
}

/** True once db01's application runs on HOST (a fresh pid after a restart or a move). */
function killableApp(dir: string, host: string): true | undefined {
  const kz = kernelZones(labEnv(path.resolve(dir), host)).find(([z]) => z === 'db01')?.[1];
  return kz?.appPid && processAlive(kz.appPid) ? true : undefined;
}
