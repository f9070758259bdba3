// AgentConnection against an in-process fake Agent on 127.0.0.1:0: what it sends
// (deadlines, op ids), what it retries (transport failures of read-only and op-id calls,
// with the same op id) and what it never retries (anything the agent answered, mutations
// without an op id), abort, and the errors a caller branches on. A client unit test, so a
// scripted server is the right fake; the lab test drives real agents.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../shared/errors/error-codes.js';
import { toGrpcStatus } from '../../shared/errors/grpc-errors.js';
import { errors, TwinzoneError } from '../../shared/errors/twinzone-error.js';
import { HealthCheckResponse_ServingStatus, HealthService } from '../../shared/gen/grpc/health/v1/health.js';
import { AgentService, GetHostFactsResponse, GetZoneResponse, HaltZoneResponse, PullZonepathResponse, ShutdownZoneResponse } from '../../shared/gen/twinzone/v1/agent.js';
import { OP_METADATA_KEY } from '../../shared/grpc/metadata-keys.js';
import { startServer, type RunningServer, type ServiceBinding } from '../../shared/grpc/serve.js';
import { createLogger } from '../../shared/log/create-logger.js';
import { DEFAULT_DEADLINE_BUDGETS, RPC_RETRY, type RetryPolicy } from './agent-client.js';
import { AgentPool } from './agent-pool.js';

const log = createLogger({ name: 'coordinator', level: 'silent' });
const FAST: Partial<RetryPolicy> = { maxAttempts: 4, initialDelayMs: 10, maxDelayMs: 40 };
const mutation = (opId: string) => ({ opId, epoch: 3, dryRun: false, zone: 'db01' });

/** What the fake does for one call: reply, fail with a status, or never answer. */
type Step = { reply: object } | { fail: object } | 'hang';

interface SeenCall {
  method: string;
  op: string | undefined;
  deadlineInMs: number;
  request: Record<string, unknown>;
}

interface FakeCall {
  request: Record<string, unknown>;
  metadata: { get(key: string): unknown[] };
  getDeadline(): Date | number;
}

/** A status as the transport (or a proxy) produces it: no ErrorDetail trailer. */
const unavailable = { fail: { code: ERROR_CODES.AGENT_UNREACHABLE.grpc, details: 'connection reset by peer' } };

class FakeAgent {
  readonly calls: SeenCall[] = [];
  private readonly script = new Map<string, Step[]>();

  /** Steps for METHOD's calls in order; the last one repeats. */
  on(method: string, ...steps: Step[]): this {
    this.script.set(method, steps);
    return this;
  }

  callsOf(method: string): SeenCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  binding(): ServiceBinding {
    const implementation: Record<string, (call: FakeCall, cb: (err: object | null, res?: object) => void) => void> = {};
    for (const method of Object.keys(AgentService)) {
      implementation[method] = (call, cb) => {
        const deadline = call.getDeadline();
        const op = call.metadata.get(OP_METADATA_KEY)[0];
        this.calls.push({
          method,
          op: typeof op === 'string' ? op : undefined,
          deadlineInMs: (deadline instanceof Date ? deadline.getTime() : deadline) - Date.now(),
          request: call.request,
        });
        const steps = this.script.get(method) ?? [];
        const step = steps.length > 1 ? steps.shift()! : steps[0];
        if (step === undefined) cb({ code: 12, details: `${method} is not scripted` });
        else if (step === 'hang') return;
        else if ('reply' in step) cb(null, step.reply);
        else cb(step.fail);
      };
    }
    return { definition: AgentService, implementation: implementation as unknown as ServiceBinding['implementation'] };
  }
}

const healthBinding: ServiceBinding = {
  definition: HealthService,
  implementation: {
    check: (_call: unknown, cb: (err: null, res: object) => void) => cb(null, { status: HealthCheckResponse_ServingStatus.SERVING }),
  } as unknown as ServiceBinding['implementation'],
};

let fake: FakeAgent;
let server: RunningServer;
const pools: AgentPool[] = [];

function pool(retry: Partial<RetryPolicy> = FAST, addresses: Record<string, string> = { hostA: server.address }): AgentPool {
  const p = new AgentPool({ addresses, connection: { retry, random: () => 0.5 }, log, probeDeadlineMs: 1_000 });
  pools.push(p);
  return p;
}

/** The error P rejects with (fails the test if it resolves). */
async function rejection(p: Promise<unknown>): Promise<TwinzoneError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(TwinzoneError);
    return err as TwinzoneError;
  }
  throw new Error('the call succeeded');
}

/** An address nothing listens on: a server's port, once that server is gone. */
async function deadAddress(): Promise<string> {
  const s = await startServer({ bind: '127.0.0.1:0', services: [], log });
  await s.close(0);
  return s.address;
}

beforeEach(async () => {
  fake = new FakeAgent();
  server = await startServer({ bind: '127.0.0.1:0', services: [fake.binding(), healthBinding], log });
});

afterEach(async () => {
  for (const p of pools.splice(0)) p.closeAll();
  await server.close(0);
});

describe('AgentConnection: what it sends', () => {
  it('gives each RPC the deadline the operation needs', async () => {
    fake
      .on('getZone', { reply: GetZoneResponse.fromPartial({}) })
      .on('haltZone', { reply: HaltZoneResponse.fromPartial({ outcome: 'halted' }) })
      .on('shutdownZone', { reply: ShutdownZoneResponse.fromPartial({}) })
      .on('pullZonepath', { reply: PullZonepathResponse.fromPartial({}) });
    const a = pool().get('hostA');
    await a.getZone({ zone: 'db01' });
    await a.haltZone({ mutation: mutation('d-1') });
    await a.shutdownZone({ mutation: mutation('d-2'), timeoutMs: 20_000 });
    await a.shutdownZone({ mutation: mutation('d-3') });
    await a.pullZonepath({ mutation: mutation('d-4'), sourceAddress: '10.0.0.2:7420', sourceZonepath: '/zones/db01', zonepath: '/zones/db01' });
    const b = DEFAULT_DEADLINE_BUDGETS;
    const seen = fake.calls.map((c) => c.deadlineInMs);
    const expected = [
      b.readMs,
      b.operationMs + b.slackMs,
      20_000 + b.operationMs + b.slackMs, // its own timeout, then a halt
      60_000 + b.operationMs + b.slackMs, // the agent's default shutdown timeout
      b.archiveMs + b.slackMs,
    ];
    expect(seen).toHaveLength(expected.length);
    seen.forEach((ms, i) => {
      expect(ms).toBeLessThanOrEqual(expected[i]!);
      expect(ms).toBeGreaterThan(expected[i]! - 2_000);
    });
  });

  it('sends the mutation op id in twinzone-op, and none on a plain read', async () => {
    fake.on('haltZone', { reply: HaltZoneResponse.fromPartial({ outcome: 'halted', changed: true }) }).on('getHostFacts', { reply: GetHostFactsResponse.fromPartial({ hostname: 'hostA' }) });
    const a = pool().get('hostA');
    const halted = await a.haltZone({ mutation: mutation('run7-step2-a1') });
    expect(halted).toMatchObject({ outcome: 'halted', changed: true });
    expect((await a.getHostFacts()).hostname).toBe('hostA');
    expect(fake.calls.map((c) => [c.method, c.op])).toEqual([['haltZone', 'run7-step2-a1'], ['getHostFacts', undefined]]);
    expect(fake.calls[0]!.request).toMatchObject({ mutation: { opId: 'run7-step2-a1', epoch: 3, zone: 'db01' } });
  });
});

describe('AgentConnection: retries', () => {
  it('retries UNAVAILABLE with the same op id until the agent answers', async () => {
    fake.on('haltZone', unavailable, unavailable, { reply: HaltZoneResponse.fromPartial({ outcome: 'halted', changed: true }) });
    const reply = await pool().get('hostA').haltZone({ mutation: mutation('op-retry') });
    expect(reply.outcome).toBe('halted');
    expect(fake.callsOf('haltZone').map((c) => c.op)).toEqual(['op-retry', 'op-retry', 'op-retry']);
  });

  it('retries a read-only call whose deadline passed unanswered, then reports COMMAND_TIMEOUT naming the host', async () => {
    fake.on('listZones', 'hang');
    const err = await rejection(pool().get('hostA').listZones({}, { deadlineMs: 150 }));
    expect(err.code).toBe('COMMAND_TIMEOUT');
    expect(err.message).toMatch(/^hostA: .*ListZones within 150 ms \(4 attempts\)/);
    expect(err.details.fields).toMatchObject({ host: 'hostA', rpc: 'ListZones', attempts: '4' });
    expect(fake.callsOf('listZones')).toHaveLength(4);
  });

  it('does not retry an error the agent answered, and rebuilds it with its code, details and the host', async () => {
    fake.on('haltZone', { fail: toGrpcStatus(errors.zoneBusy('db01', 'op-other')) }, { reply: HaltZoneResponse.fromPartial({}) });
    const err = await rejection(pool().get('hostA').haltZone({ mutation: mutation('op-busy') }));
    expect(err.code).toBe('ZONE_BUSY');
    expect(err.message).toBe('another operation on db01 is running (op op-other)');
    expect(err.details.fields).toMatchObject({ zone: 'db01', op: 'op-other', host: 'hostA', rpc: 'HaltZone' });
    expect(fake.callsOf('haltZone')).toHaveLength(1);
  });

  it('does not retry an UNAVAILABLE that carries a trailer: the agent answered it', async () => {
    fake.on('bootZone', { fail: toGrpcStatus(new TwinzoneError('SHUTTING_DOWN', 'the agent is stopping')) }, { reply: HaltZoneResponse.fromPartial({}) });
    const err = await rejection(pool().get('hostA').bootZone({ mutation: mutation('op-stopping') }));
    expect(err.code).toBe('SHUTTING_DOWN');
    expect(fake.callsOf('bootZone')).toHaveLength(1);
  });

  it('never retries a mutation that carries no op id', async () => {
    fake.on('haltZone', unavailable, { reply: HaltZoneResponse.fromPartial({}) });
    const err = await rejection(pool().get('hostA').haltZone({ mutation: mutation('') }));
    expect(err.code).toBe('AGENT_UNREACHABLE');
    expect(err.details.fields?.attempts).toBe('1');
    expect(fake.callsOf('haltZone')).toHaveLength(1);
    expect(fake.callsOf('haltZone')[0]!.op).toBeUndefined();
  });

  it('stops retrying when aborted during a backoff wait, and cancels a call in flight', async () => {
    fake.on('haltZone', unavailable);
    const slow = pool({ maxAttempts: 10, initialDelayMs: 400, maxDelayMs: 400 }).get('hostA');
    const controller = new AbortController();
    const pending = rejection(slow.haltZone({ mutation: mutation('op-abort') }, { signal: controller.signal }));
    setTimeout(() => controller.abort(), 100);
    const err = await pending;
    expect(err.code).toBe('CANCELLED');
    expect(err.details.fields).toMatchObject({ host: 'hostA', attempts: '1' });
    await new Promise((r) => setTimeout(r, 500));
    expect(fake.callsOf('haltZone')).toHaveLength(1);

    fake.on('getZone', 'hang');
    const inFlight = new AbortController();
    const hung = rejection(slow.getZone({ zone: 'db01' }, { signal: inFlight.signal }));
    setTimeout(() => inFlight.abort(), 100);
    expect((await hung).code).toBe('CANCELLED');
    expect(fake.callsOf('getZone')).toHaveLength(1);
  });

  it('says AGENT_UNREACHABLE naming the host and address after the bounded attempts', async () => {
    const address = await deadAddress();
    const started = Date.now();
    const err = await rejection(pool(FAST, { hostZ: address }).get('hostZ').getHostFacts());
    expect(err.code).toBe('AGENT_UNREACHABLE');
    expect(err.message).toMatch(new RegExp(`^hostZ: agent at ${address} unreachable \\(GetHostFacts, 4 attempts\\)`));
    expect(err.details.fields).toMatchObject({ host: 'hostZ', address, attempts: '4' });
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('AgentPool', () => {
  it('refuses a host the inventory does not name', () => {
    const p = pool();
    expect(() => p.get('hostQ')).toThrow(expect.objectContaining({ code: 'HOST_NOT_FOUND', details: { fields: { host: 'hostQ' } } }));
    expect(() => p.get('toString')).toThrow(expect.objectContaining({ code: 'HOST_NOT_FOUND' }));
  });

  it('keeps one connection per host until closeAll', () => {
    const p = pool();
    expect(p.get('hostA')).toBe(p.get('hostA'));
    const first = p.get('hostA');
    p.closeAll();
    expect(p.get('hostA')).not.toBe(first);
  });

  it('a preflight probe waits for an agent back on its address; a status probe reports the outage at once', async () => {
    const address = await deadAddress();
    const p = new AgentPool({ addresses: { hostA: address }, connection: { retry: FAST, random: () => 0.5 }, log, probeDeadlineMs: 4_000 });
    pools.push(p);
    // The channel fails while the agent is down and goes into its reconnect backoff.
    expect((await p.probe('hostA')).state).toBe('unreachable');
    expect((await p.probe('hostA')).state).toBe('unreachable');
    // The agent comes back on the same address.
    const [, port] = address.split(':');
    const back = await startServer({ bind: `127.0.0.1:${port}`, services: [healthBinding], log });
    try {
      const r = await p.probe('hostA', undefined, { waitForReady: true });
      expect(r, r.state === 'unreachable' ? r.error.message : '').toMatchObject({ state: 'serving' });
    } finally {
      await back.close(0);
    }
  });

  it('probes every host through grpc.health.v1', async () => {
    const p = pool(FAST, { hostA: server.address, hostZ: await deadAddress() });
    const seen = await p.probeAll();
    expect(seen.get('hostA')).toMatchObject({ host: 'hostA', state: 'serving' });
    const z = seen.get('hostZ');
    expect(z?.state).toBe('unreachable');
    if (z?.state === 'unreachable') {
      expect(z.error.code).toBe('AGENT_UNREACHABLE');
      expect(z.error.details.fields?.host).toBe('hostZ');
      expect(z.error.message).toMatch(/^hostZ: /);
    }
  });
});

describe('the retry table', () => {
  it('retries only read-only and op-id calls (the contract test ties it to agent.proto)', () => {
    expect(RPC_RETRY.GetOperationResult).toBe('read-only');
    expect(RPC_RETRY.HaltZone).toBe('by-op-id');
    expect(RPC_RETRY.ReceiveZonepath).toBe('never');
  });
});
