// A bc-dr lab with a real agent process per simulated host, and a gRPC client for each,
// for tests of the Agent service over loopback. Teardown stops the agents, halts the
// zones and removes the lab, unless the test failed: then the lab stays and its path
// and agent logs are printed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base } from 'vitest';
import { AgentClient, type TransferGrant } from '../../shared/gen/twinzone/v1/agent.js';
import { unaryCall } from '../../shared/grpc/unary-call.js';
import { tlsTargetOptions } from '../../shared/grpc/tls-credentials.js';
import { createLab, destroyLab, stopLabAsync } from '../lab/create-lab.js';
import { labAgentsDown, labUp, startAgent, stopAgent } from '../lab/processes.js';
import { LAB_COORDINATOR, labCredentials, labIdentity } from '../lab/lab-tls.js';
import { signTransferGrant } from '../../shared/tls/transfer-grant.js';
import type { Mutation } from '../../shared/gen/twinzone/v1/common.js';
import { readObserverLog } from '../solsim/src/observer.js';
import { readLabConfig } from '../solsim/src/state/lab-config.js';
import { labHandle, type LabHandle } from './lab-fixture.js';

export type AgentMethods = AgentClient;

export interface AgentLab extends LabHandle {
  /** The gRPC client of a host's agent as the coordinator (reconnects after restartAgent). */
  client(host: string): AgentClient;
  /** A client of HOST's agent presenting the lab identity NAME (another agent, an operator, ...). */
  clientAs(host: string, name: string): AgentClient;
  /** The coordinator's transfer grant for TARGET pulling SOURCE's zonepath in REQUEST (README "Security"). */
  grant(source: string, target: string, request: { mutation: Mutation; sourceZonepath: string }): TransferGrant;
  /** Promise form of a unary Agent call on a host. */
  call<Req, Res>(host: string, method: (c: AgentClient) => (...args: never[]) => unknown, request: Req, deadlineMs?: number): Promise<Res>;
  /** Stops and starts a host's agent (keepConfig: with the configuration as a test edited it). */
  restartAgent(host: string, opts?: { keepConfig?: boolean }): Promise<void>;
  killAgent(host: string): void;
  /** Observer events so far (to check that nothing ran). */
  observed(): number;
}

export async function startAgentLab(dir: string, preset = 'bc-dr'): Promise<AgentLab> {
  await createLab(dir, preset);
  await labUp(dir);
  const clients = new Map<string, AgentClient>();
  const clientAs = (host: string, name: string): AgentClient => {
    const address = readLabConfig(dir).hosts[host]?.agent?.address;
    if (!address) throw new Error(`no agent running for ${host}`);
    const key = `${host}@${address} as ${name}`;
    let c = clients.get(key);
    if (!c) {
      const expected = { role: 'agent', name: host } as const;
      c = new AgentClient(address, labCredentials(dir, name, expected), tlsTargetOptions(expected));
      clients.set(key, c);
    }
    return c;
  };
  // As the coordinator, which is who makes these calls in production (mutual TLS).
  const client = (host: string): AgentClient => clientAs(host, LAB_COORDINATOR);
  return {
    ...labHandle(dir),
    client,
    clientAs,
    grant: (source, target, r) =>
      signTransferGrant(labIdentity(dir, LAB_COORDINATOR), { sourceHost: source, targetHost: target, zone: r.mutation.zone, zonepath: r.sourceZonepath, opId: r.mutation.opId, epoch: r.mutation.epoch }, Date.now()),
    call: <Req, Res>(host: string, method: (c: AgentClient) => (...args: never[]) => unknown, request: Req, deadlineMs = 60_000) => {
      const c = client(host);
      const fn = (method(c) as (...args: unknown[]) => unknown).bind(c) as Parameters<typeof unaryCall<Req, Res>>[0];
      return unaryCall<Req, Res>(fn, request, { deadlineMs });
    },
    restartAgent: async (host, opts) => {
      await stopAgent(dir, host);
      await startAgent(dir, host, { keepConfig: opts?.keepConfig });
    },
    killAgent: (host) => {
      const agent = readLabConfig(dir).hosts[host]?.agent;
      if (agent) process.kill(agent.pid, 'SIGKILL');
    },
    observed: () => readObserverLog(dir).length,
  };
}

/** The fixture below on a lab of another (registered) preset. */
export function agentTestOn(preset: string) {
  return base.extend<{ lab: AgentLab }>({
    // eslint-disable-next-line no-empty-pattern
    lab: async ({ task }, use) => useAgentLab(task, use, preset),
  });
}

export const agentTest = base.extend<{ lab: AgentLab }>({
  // eslint-disable-next-line no-empty-pattern
  lab: async ({ task }, use) => useAgentLab(task, use, 'bc-dr'),
});

async function useAgentLab(task: { result?: { state?: string } }, use: (lab: AgentLab) => Promise<void>, preset: string): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinzone-agents-'));
  const lab = await startAgentLab(dir, preset);
  try {
    await use(lab);
  } finally {
    if (task.result?.state === 'fail') {
      await labAgentsDown(dir);
      await stopLabAsync(dir);
      console.error(`lab kept for inspection: ${dir} (agent logs in ${path.join(dir, 'logs')})`);
    } else {
      await destroyLab(dir);
    }
  }
}
