// Health checks end to end in a bc-dr lab whose agents keep their leases at a real
// coordinator: the holder runs db01's checks (zone-state, tcp, http every 2 s; the lease
// TTL is 15 s, so failures travel in report calls ahead of the 5 s renewals), and every
// agent lists its zones for twins it does not hold. Judged from outside: `twinzone
// status --json`, `twinzone events --json`, the simulator's observer log and the checker.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLab, formatViolation } from '../lab/checker.js';
import { createLab, destroyLab, labEnv, SOLSIM_BIN, stopLabAsync } from '../lab/create-lab.js';
import { labAgentsDown, labUpWithCoordinator, stopCoordinator } from '../lab/processes.js';
import { readObserverLog } from '../solsim/src/observer.js';
import { kernelZones } from '../solsim/src/state/zone-runtime.js';
import { agentPid, twinzoneAsync, waitFor } from '../support/fault-lab.js';

/**
 * The probe interval and failure threshold. The timeout is most of the interval: on a
 * loaded 2-core machine the simulated zoneadm (a node process) takes seconds to start.
 */
const INTERVAL_MS = 3000;
const TIMEOUT_MS = 2900;
const THRESHOLD = 3;
/** The built-in lease TTL: renewals every 5 s. */
const RENEWAL_PERIOD_MS = 15_000 / 3;

interface ProbeJson {
  host: string;
  check: string;
  healthy: boolean;
  detail: string;
  streak: number;
  ageMs: number;
  failureThreshold: number;
}
interface StatusJson {
  zones: { zone: string; liveHost: string; probes: ProbeJson[] }[];
  hosts: { host: string; health: string; lastRenewalAgeMs: number }[];
}
interface EventJson {
  id: string;
  atMs: string;
  what: string;
  zone: string;
  result: string;
  detailsJson: string;
}

let dir: string;
let failed = false;

async function cliJson<T>(args: string[]): Promise<T> {
  const r = await twinzoneAsync(dir, [...args, '--json'], 60_000);
  if (r.code !== 0) throw new Error(`twinzone ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

const db01Probes = async () => (await cliJson<StatusJson>(['status', 'db01'])).zones[0]!.probes;
const events = async (what: string) =>
  (await cliJson<{ events?: EventJson[] }>(['events', '--zone', 'db01', '--limit', '1000'])).events?.filter((e) => e.what === what).map((e) => ({ ...e, details: JSON.parse(e.detailsJson) as Record<string, unknown> })) ?? [];

/** CPU seconds (user + system) the process and its reaped children (the commands it ran) have used, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0) / 100;
}

/** Runs the simulator's zoneadm as HOST's operator would at its console. */
function zoneadmOn(host: string, args: string[]): void {
  const env = labEnv(dir, host);
  execFileSync(path.join(SOLSIM_BIN, 'zoneadm'), args, { env: { ...process.env, SOLSIM_ROOT: env.root, SOLSIM_LAB: env.lab, SOLSIM_HOST: host }, stdio: 'pipe' });
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinzone-health-'));
  await createLab(dir, 'bc-dr');
  await labUpWithCoordinator(dir, { inventory: { healthCheck: { intervalMs: INTERVAL_MS, timeoutMs: TIMEOUT_MS, failureThreshold: THRESHOLD } } });
}, 180_000);

afterAll(async () => {
  if (!failed) {
    await destroyLab(dir);
    return;
  }
  await stopCoordinator(dir).catch(() => undefined);
  await labAgentsDown(dir).catch(() => undefined);
  await stopLabAsync(dir).catch(() => undefined);
  console.error(`lab kept for inspection: ${dir} (daemon logs in ${path.join(dir, 'logs')})`);
}, 120_000);

describe('health checks in a lab', () => {
  it('the holder reports db01\'s checks with growing streaks; its application killed, tcp and http fail at their threshold', async () => {
    try {
      // The application's checks answer in microseconds; zone-state runs zoneadm, which a
      // loaded machine may not start within the timeout: it must report, healthy or not.
      const app = (probes: ProbeJson[]) => probes.filter((p) => p.check !== 'zone-state');
      const healthy = await waitFor('db01\'s checks reported from hostA, tcp and http healthy', async () => {
        const probes = await db01Probes();
        return probes.length === 3 && probes.every((p) => p.host === 'hostA') && app(probes).every((p) => p.healthy && p.streak >= 2) ? probes : undefined;
      }, 90_000, 500);
      expect(healthy.map((p) => p.check).sort()).toEqual(['http', 'tcp', 'zone-state']);
      expect(healthy.every((p) => p.failureThreshold === THRESHOLD && p.detail !== '')).toBe(true);
      const zoneState = healthy.find((p) => p.check === 'zone-state')!;
      expect(zoneState.healthy ? zoneState.detail : 'db01 is running').toBe('db01 is running');
      const streakOf = (probes: ProbeJson[], check: string) => probes.find((p) => p.check === check)!.streak;
      const cpuFrom = { a: cpuSeconds(agentPid(dir, 'hostA')), b: cpuSeconds(agentPid(dir, 'hostB')), at: Date.now() };
      await waitFor('the streaks to grow', async () => {
        const later = app(await db01Probes());
        return later.every((p) => p.healthy && p.streak > streakOf(healthy, p.check)) ? later : undefined;
      }, 30_000, 500);
      const wallS = (Date.now() - cpuFrom.at) / 1000;
      // A figure for the README, not an assertion: the agents' own CPU while probing (hostA:
      // 2 zones x 3 checks, the twin listing; hostB: the twin listing only).
      console.log(`agent CPU over ${wallS.toFixed(1)} s: hostA ${(((cpuSeconds(agentPid(dir, 'hostA')) - cpuFrom.a) / wallS) * 100).toFixed(1)}%, hostB ${(((cpuSeconds(agentPid(dir, 'hostB')) - cpuFrom.b) / wallS) * 100).toFixed(1)}%`);
      const status = await cliJson<StatusJson>(['status']);
      const hostA = status.hosts.find((h) => h.host === 'hostA')!;
      expect(hostA.health).toBe('ok');
      expect(hostA.lastRenewalAgeMs).toBeGreaterThan(0);
      expect(hostA.lastRenewalAgeMs).toBeLessThan(2 * RENEWAL_PERIOD_MS);
      expect(status.hosts.map((h) => h.health)).toEqual(['ok', 'ok', 'ok']);

      // The application dies (SIGKILL); the zone itself keeps running.
      const kernel = kernelZones(labEnv(dir, 'hostA')).find(([z]) => z === 'db01')?.[1];
      expect(kernel?.appPid).toBeGreaterThan(0);
      const killedAt = Date.now();
      process.kill(kernel!.appPid!, 'SIGKILL');
      const failedChecks = await waitFor('health.check-failed for tcp and http', async () => {
        const f = await events('health.check-failed');
        return f.length >= 2 ? f : undefined;
      }, 60_000, 500);
      expect(failedChecks.map((e) => e.result).sort()).toEqual(['http', 'tcp']);
      for (const e of failedChecks) {
        expect(e.details).toMatchObject({ host: 'hostA', streak: THRESHOLD, threshold: THRESHOLD, check: e.result });
        expect(String(e.details.detail)).toMatch(/ECONNREFUSED/);
        // Three failures in a row at 2 s intervals, each sent at once rather than with the renewals.
        console.log(`${e.result} failed ${Number(e.atMs) - killedAt} ms after the kill (threshold ${THRESHOLD} x ${INTERVAL_MS} ms)`);
      }
      const after = await db01Probes();
      for (const check of ['tcp', 'http']) expect(after.find((p) => p.check === check)).toMatchObject({ healthy: false, failureThreshold: THRESHOLD });
      expect(after.find((p) => p.check === 'tcp')!.streak).toBeGreaterThanOrEqual(THRESHOLD);
      const human = await twinzoneAsync(dir, ['status', 'db01']);
      expect(human.stdout).toMatch(/^db01 +hostA +tcp +FAILED \d+\/3 /m);
      const listed = await twinzoneAsync(dir, ['events', '--zone', 'db01']);
      expect(listed.stdout).toMatch(/health\.check-failed +db01 +tcp +hostA tcp: connect 127\.0\.0\.1:\d+: ECONNREFUSED \(3 in a row, threshold 3\)/);
      expect(checkLab(dir).violations.map(formatViolation)).toEqual([]);
    } catch (err) {
      failed = true;
      throw err;
    }
  }, 240_000);

  it('a twin booted by hand on hostB is one concurrency violation, seen within a probe interval, not repeated', async () => {
    try {
      zoneadmOn('hostB', ['-z', 'db01', 'attach', '-F']);
      zoneadmOn('hostB', ['-z', 'db01', 'boot']);
      const liveAt = Date.parse(readObserverLog(dir).find((r) => r.host === 'hostB' && r.type === 'zone.state' && (r as { zone?: string }).zone === 'db01' && (r as { to?: string }).to === 'ready')!.time);
      const [violation] = await waitFor('a concurrency violation', async () => {
        const v = await events('zone.concurrency-violation');
        return v.length > 0 ? v : undefined;
      }, 30_000, 200);
      expect(violation!.details).toMatchObject({ host: 'hostB', leaseHolder: 'hostA', leaseState: 'held' });
      const seenAfterMs = Number(violation!.details.firstSeenAtMs) - liveAt;
      console.log(`twin live on hostB at ${new Date(liveAt).toISOString()}, violation first seen ${seenAfterMs} ms later (probe interval ${INTERVAL_MS} ms)`);
      // One listing interval, plus the listing's own zoneadm and one report round trip.
      expect(seenAfterMs).toBeLessThanOrEqual(INTERVAL_MS + 2500);
      expect((await cliJson<StatusJson>(['status', 'db01'])).zones[0]!.liveHost).toBe('hostA,hostB');

      // Two renewal periods later, reports and renewals went on: still one event.
      await new Promise((r) => setTimeout(r, 2 * RENEWAL_PERIOD_MS + 500));
      expect(await events('zone.concurrency-violation')).toHaveLength(1);

      // Halted by hand: the episode ends.
      zoneadmOn('hostB', ['-z', 'db01', 'halt']);
      const [ended] = await waitFor('the episode to end', async () => {
        const e = await events('zone.concurrency-violation-ended');
        return e.length > 0 ? e : undefined;
      }, 30_000, 200);
      expect(ended!.details).toMatchObject({ host: 'hostB' });
      expect(await events('zone.concurrency-violation')).toHaveLength(1);
      // The checker sees what we did behind twinzone's back (db01 live on hostB beside
      // hostA, its application a second writer), and nothing else: no storage violation.
      const violations = checkLab(dir).violations.map(formatViolation);
      expect(violations.some((v) => v.startsWith('I1'))).toBe(true);
      for (const v of violations) expect(v).toMatch(/^I[15] .*zone db01.* on hostB /);
    } catch (err) {
      failed = true;
      throw err;
    }
  }, 240_000);
});
