// `npm run lab -- up` starts a real agent per simulated host and records their
// addresses in lab.json; `down` stops them and halts the zones.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HealthClient, HealthCheckResponse_ServingStatus } from '../../shared/gen/grpc/health/v1/health.js';
import { unaryCall } from '../../shared/grpc/unary-call.js';
import { createLab, destroyLab } from '../lab/create-lab.js';
import { LAB_OPERATOR, labCredentials } from '../lab/lab-tls.js';
import { processAlive } from '../solsim/src/app/app-control.js';
import { repoRoot } from '../solsim/src/repo-paths.js';
import { readLabConfig } from '../solsim/src/state/lab-config.js';

const labCli = path.join(repoRoot(), 'dist', 'test', 'lab', 'lab-cli.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinzone-up-'));
afterAll(() => destroyLab(dir));

describe('npm run lab -- up / down', () => {
  it('starts one serving agent per host, then stops them all', async () => {
    await createLab(dir, 'bc-dr');
    const up = spawnSync(process.execPath, [labCli, 'up', dir], { encoding: 'utf8' });
    expect(up.status, up.stderr).toBe(0);
    const hosts = readLabConfig(dir).hosts;
    for (const host of ['hostA', 'hostB', 'hostC']) {
      const agent = hosts[host]!.agent!;
      expect(up.stdout).toContain(`${host}: agent ${agent.address}`);
      const health = new HealthClient(agent.address, labCredentials(dir, LAB_OPERATOR, { role: 'agent', name: host }));
      const reply = await unaryCall(health.check.bind(health), { service: 'twinzone.v1.Agent' }, { deadlineMs: 5000 });
      expect(reply.status).toBe(HealthCheckResponse_ServingStatus.SERVING);
      health.close();
    }
    const again = spawnSync(process.execPath, [labCli, 'up', dir], { encoding: 'utf8' });
    expect(again.stdout).toContain('every agent was already running');

    const pids = Object.values(hosts).map((h) => h.agent!.pid);
    const down = spawnSync(process.execPath, [labCli, 'down', dir], { encoding: 'utf8' });
    expect(down.status, down.stderr).toBe(0);
    expect(down.stdout).toContain('hostA: agent stopped');
    expect(down.stdout).toContain('hostA: halted db01');
    expect(pids.filter((pid) => processAlive(pid))).toEqual([]);
    expect(Object.values(readLabConfig(dir).hosts).every((h) => h.agent === undefined)).toBe(true);
  });
});
