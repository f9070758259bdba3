// `twinzone agent run` as a service outside any lab: config from a file, the metrics
// endpoint, --log-pretty lines on stdout, a clean exit 0 on SIGTERM, and exit 2 with a
// reason for a bad file (the lab suites cover the JSON logs and the coordinator).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TWINZONE_CLI } from '../lab/processes.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinzone-service-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the agent as a service', () => {
  it('serves /metrics, logs pretty lines with --log-pretty and exits 0 on SIGTERM', async () => {
    const config = path.join(dir, 'agent.yaml');
    // No lab CA here: plaintext, asked for explicitly (README "Security").
    fs.writeFileSync(config, `host: hostZ\nlisten: 127.0.0.1:0\nfsRoot: ${dir}\nstateDir: ${dir}/state\nmetrics: 127.0.0.1:0\ninsecure: true\n`);
    const child = spawn(process.execPath, [TWINZONE_CLI(), 'agent', 'run', '--config', config, '--log-pretty'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const deadline = Date.now() + 60_000;
    while (!/ INFO  agent listening .*metricsPort=(\d+)/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const port = Number(/metricsPort=(\d+)/.exec(out)?.[1]);
    expect(out).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO  agent listening host=hostZ port=\d+/m);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toContain('# TYPE twinzone_agent_command_duration_seconds histogram');
    expect(metrics).toContain('twinzone_agent_process_cpu_seconds_total{host="hostZ"}');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toMatch(/INFO  agent shutting down host=hostZ signal=SIGTERM/);
    expect(out).toMatch(/INFO  agent stopped/);
    expect(out).not.toContain('{"level"');
  }, 90_000);

  it('refuses a bad file with exit 2 and the reason, before listening', async () => {
    const config = path.join(dir, 'bad.yaml');
    fs.writeFileSync(config, 'listen: 127.0.0.1:0\nmetrics: everywhere\n');
    const child = spawn(process.execPath, [TWINZONE_CLI(), 'agent', 'run', '--config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(code).toBe(2);
    expect(err).toBe(`twinzone agent: invalid configuration:\n  ${config}:2: metrics: "everywhere" must be HOST:PORT\n`);
  }, 60_000);
});
