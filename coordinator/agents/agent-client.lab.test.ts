// AgentPool and AgentConnection against the real agents of a bc-dr lab: a halt and boot
// of db01 on hostA by op id (a repeat answered from the agent's record), host facts, a
// health probe of every host, and a killed agent reported as AGENT_UNREACHABLE once the
// bounded retries are spent.
import { expect } from 'vitest';
import { ZoneState } from '../../shared/gen/twinzone/v1/common.js';
import { createLogger } from '../../shared/log/create-logger.js';
import { agentTest as it } from '../../test/support/agent-fixture.js';
import { readLabConfig } from '../../test/solsim/src/state/lab-config.js';
import { AgentPool } from './agent-pool.js';
import { LAB_COORDINATOR, labCredentials } from '../../test/lab/lab-tls.js';

const log = createLogger({ name: 'coordinator', level: 'silent' });

it('drives real agents through the pool, and names a dead one', async ({ lab }) => {
  const addresses = Object.fromEntries(
    Object.entries(readLabConfig(lab.dir).hosts).flatMap(([host, h]) => (h.agent ? [[host, h.agent.address] as const] : [])),
  );
  const pool = new AgentPool({
    addresses,
    connection: { retry: { maxAttempts: 3, initialDelayMs: 50, maxDelayMs: 200 } },
    log,
    credentialsFor: (host) => labCredentials(lab.dir, LAB_COORDINATOR, { role: 'agent', name: host }),
  });
  try {
    const hostA = pool.get('hostA');
    const mutation = (opId: string) => ({ opId, epoch: 1, dryRun: false, zone: 'db01' });

    const facts = await hostA.getHostFacts({ dfPaths: ['/zones'] });
    expect(facts.hostname).toBe('hostA');
    expect(facts.df.map((d) => d.path)).toEqual(['/zones']);

    const halted = await hostA.haltZone({ mutation: mutation('lab-client-1') });
    expect(halted).toMatchObject({ changed: true, state: ZoneState.ZONE_STATE_INSTALLED });
    // The same op id again: the recorded reply, not "already installed".
    expect(await hostA.haltZone({ mutation: mutation('lab-client-1') })).toEqual(halted);
    const booted = await hostA.bootZone({ mutation: mutation('lab-client-2') });
    expect(booted).toMatchObject({ changed: true, state: ZoneState.ZONE_STATE_RUNNING });
    expect((await hostA.getZone({ zone: 'db01' })).zone?.state).toBe(ZoneState.ZONE_STATE_RUNNING);

    const before = await pool.probeAll();
    expect([...before.values()].every((r) => r.state === 'serving')).toBe(true);

    lab.killAgent('hostA');
    const err = await hostA.haltZone({ mutation: mutation('lab-client-3') }).then(
      () => { throw new Error('the call to a killed agent succeeded'); },
      (e: unknown) => e as { code: string; message: string; details: { fields: Record<string, string> } },
    );
    expect(err.code).toBe('AGENT_UNREACHABLE');
    expect(err.message).toMatch(/^hostA: agent at .* unreachable \(HaltZone, 3 attempts\)/);
    expect(err.details.fields).toMatchObject({ host: 'hostA', address: addresses.hostA, attempts: '3' });
    expect((await pool.probeAll()).get('hostA')?.state).toBe('unreachable');
  } finally {
    pool.closeAll();
  }
});
