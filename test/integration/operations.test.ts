// Operations against the real daemons in a bc-dr lab: the agents and the coordinator
// started with `metrics` (and the coordinator with `http` on the same listener), a
// switchover driven through the CLI, then the Prometheus endpoints scraped and the
// status page read in a real headless Chromium (a screenshot is kept in
// test-results/status-page.png). Then SIGTERM: each daemon stops cleanly.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLab, destroyLab, stopLabAsync } from '../lab/create-lab.js';
import { freeLoopbackPort } from '../lab/free-port.js';
import {
  agentConfigPath, labAgentsDown, startAgent, startCoordinator, stopCoordinator, writeAgentConfig, writeCoordinatorConfig,
} from '../lab/processes.js';
import { repoRoot } from '../solsim/src/repo-paths.js';
import { readLabConfig } from '../solsim/src/state/lab-config.js';
import { runTwinzone } from '../support/coordinator-fixture.js';
import { readLogLines } from '../support/log-lines.js';

const HOSTS = ['hostA', 'hostB', 'hostC'];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinzone-ops-'));
let env: NodeJS.ProcessEnv;
const ports: Record<string, number> = {};

function addToJson(file: string, fields: Record<string, unknown>): void {
  fs.writeFileSync(file, JSON.stringify({ ...(JSON.parse(fs.readFileSync(file, 'utf8')) as object), ...fields }, null, 2));
}

/** The port a daemon reported in its `listening` line under key. */
function listeningPort(log: string, pid: number, key: string): number {
  const line = readLogLines(log).find((r) => r.msg === 'listening' && r.pid === pid);
  const v = line?.[key];
  return Array.isArray(v) ? Number(v[0]) : Number(v);
}

async function scrape(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text();
}

/** The value of one sample line, e.g. `twinzone_runs_total{kind="switchover",result="succeeded"}`. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const line = text.split('\n').find((l) => {
    if (!l.startsWith(`${name}{`) && !l.startsWith(`${name} `)) return false;
    return Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`));
  });
  return line === undefined ? Number.NaN : Number(line.slice(line.lastIndexOf(' ') + 1));
}

beforeAll(async () => {
  await createLab(dir, 'bc-dr');
  // The coordinator's address first, so the agents renew their leases there.
  const control = `127.0.0.1:${await freeLoopbackPort()}`;
  for (const host of HOSTS) {
    writeAgentConfig(dir, host, { coordinator: control });
    addToJson(agentConfigPath(dir, host), { metrics: '127.0.0.1:0' });
    const agent = await startAgent(dir, host, { keepConfig: true });
    ports[host] = listeningPort(agent.log, agent.pid, 'metricsPort');
  }
  // Probes get room for a simulated zoneadm on a loaded machine (the lab default is 500 ms).
  const config = writeCoordinatorConfig(dir, { listen: control, inventory: { healthCheck: { intervalMs: 10_000, timeoutMs: 8_000 } } });
  addToJson(config, { metrics: '127.0.0.1:0', http: '127.0.0.1:0' });
  const coordinator = await startCoordinator(dir, { keepConfig: true, listen: control });
  ports.coordinator = listeningPort(coordinator.log, coordinator.pid, 'httpPorts');
  env = { ...process.env, TWINZONE_COORDINATOR: coordinator.address };
}, 300_000);

afterAll(async () => {
  await stopCoordinator(dir);
  await labAgentsDown(dir);
  await stopLabAsync(dir);
  destroyLab(dir);
}, 120_000);

describe('operations endpoints of the running daemons', () => {
  it('counts a switchover, its steps, lease renewals, commands and probes', async () => {
    // A shared, loaded machine stretches a 25 s switchover to minutes: the bound is generous.
    const run = await runTwinzone(['switchover', 'db01', '--to', 'hostB'], env, 540_000);
    expect(run.code, run.stdout + run.stderr).toBe(0);

    const coordinator = await scrape(ports.coordinator!);
    expect(sample(coordinator, 'twinzone_runs_started_total', { kind: 'switchover' })).toBe(1);
    expect(sample(coordinator, 'twinzone_runs_total', { kind: 'switchover', result: 'succeeded' })).toBe(1);
    expect(sample(coordinator, 'twinzone_run_step_duration_seconds_count', { step: 'boot-zone', result: 'ok' })).toBe(1);
    expect(sample(coordinator, 'twinzone_run_step_duration_seconds_sum', { step: 'boot-zone', result: 'ok' })).toBeGreaterThan(0);
    expect(sample(coordinator, 'twinzone_lease_transitions_total', { event: 'commit-move', result: 'ok' })).toBe(1);
    expect(sample(coordinator, 'twinzone_lease_renewals_total', { result: 'ok' })).toBeGreaterThan(0);
    // Defined and exported before anything increments them.
    expect(coordinator).toMatch(/^twinzone_lease_expiries_total \d+$/m);
    expect(coordinator).toContain('# TYPE twinzone_concurrency_violations_total counter');
    expect(coordinator).toContain('# TYPE twinzone_archive_bytes_total counter');
    expect(sample(coordinator, 'twinzone_coordinator_process_resident_memory_bytes')).toBeGreaterThan(0);

    const hostA = await scrape(ports.hostA!);
    expect(sample(hostA, 'twinzone_agent_command_duration_seconds_count', { host: 'hostA', command: 'zoneadm', result: 'ok' })).toBeGreaterThan(0);
    expect(sample(hostA, 'twinzone_agent_command_duration_seconds_count', { host: 'hostA', command: 'vxdg', result: 'ok' })).toBeGreaterThan(0);
    const hostB = await scrape(ports.hostB!);
    // wait-healthy probed the zone on its new host.
    expect(sample(hostB, 'twinzone_agent_probe_results_total', { host: 'hostB', result: 'healthy' })).toBeGreaterThan(0);
  }, 600_000);

  it('serves a read-only status page that Chromium renders with zones, leases, hosts and runs', async () => {
    const base = `http://127.0.0.1:${ports.coordinator!}`;
    expect((await fetch(`${base}/`, { method: 'POST' })).status).toBe(405);
    let browser: Browser | undefined;
    try {
      browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const response = await page.goto(`${base}/`);
      expect(response?.status()).toBe(200);
      expect(await page.title()).toBe('twinzone status');
      const db01 = page.locator('#zones tr', { hasText: 'db01' });
      await expect.poll(() => db01.locator('td').allInnerTexts(), { timeout: 30_000 }).toEqual([
        'db01', 'hostB', 'hostB (held)', '2', expect.stringMatching(/^in /), expect.stringContaining('hostB bc, running'),
        // Every health check's last result as the holder reported it, in the inventory's order.
        expect.stringMatching(/^zone-state ok hostB, .*\ntcp ok hostB, .*\nhttp ok hostB, /), '-',
      ]);
      expect(await page.locator('#hosts tr', { hasText: 'hostC' }).locator('td').nth(3).innerText()).toBe('serving');
      const run = page.locator('#recent details.run').first();
      expect(await run.locator('summary').innerText()).toMatch(/^switchover of db01 succeeded/);
      expect(await run.locator('tbody tr').count()).toBe(12);
      expect(await run.locator('tr', { hasText: 'boot-zone' }).locator('td').nth(3).textContent()).toBe('succeeded');
      const shot = path.join(repoRoot(), 'test-results', 'status-page.png');
      fs.mkdirSync(path.dirname(shot), { recursive: true });
      await page.screenshot({ path: shot, fullPage: true });
      expect(fs.statSync(shot).size).toBeGreaterThan(10_000);
    } finally {
      await browser?.close();
    }
  }, 120_000);

  it('stops the coordinator cleanly on SIGTERM, its HTTP listener with it', async () => {
    const coordinator = readLabConfig(dir).coordinator!;
    await stopCoordinator(dir, 60_000);
    const msgs = readLogLines(coordinator.log).filter((r) => r.pid === coordinator.pid).map((r) => r.msg);
    expect(msgs).toEqual(expect.arrayContaining(['shutting down', 'stopped']));
    await expect(fetch(`http://127.0.0.1:${ports.coordinator!}/metrics`)).rejects.toThrow();
  }, 120_000);
});
