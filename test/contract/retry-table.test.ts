// The proto says which Agent RPCs are safe to repeat (idempotency_level); the client's
// retry table is the executable copy. This keeps the two in agreement, and checks that
// the client has a method and a deadline for every unary RPC.
import path from 'node:path';
import * as protoLoader from '@grpc/proto-loader';
import { describe, expect, it } from 'vitest';
import { AgentConnection, RPC_DEADLINE, RPC_RETRY } from '../../coordinator/agents/agent-client.js';

const repo = path.resolve(import.meta.dirname, '..', '..');

interface Field {
  name: string;
  number: number;
  typeName: string;
}

// keepCase: the method and field names as written in the .proto. proto-loader 0.8 puts
// the method options under `options`, with idempotency_level as the enum value's name.
const agent = protoLoader.loadSync('twinzone/v1/agent.proto', { includeDirs: [path.join(repo, 'proto')], keepCase: true })['twinzone.v1.Agent'] as protoLoader.ServiceDefinition;

const methods = Object.entries(agent).map(([name, m]) => {
  const fields = (m.requestType.type as { field: Field[] }).field;
  return {
    name,
    level: m.options.idempotency_level,
    streaming: m.requestStream || m.responseStream,
    hasMutation: fields.some((f) => f.name === 'mutation' && f.number === 1 && /(^|\.)Mutation$/.test(f.typeName)),
  };
});

describe('the Agent retry table agrees with agent.proto', () => {
  it('loads the service and sees its idempotency options (the check is not blind)', () => {
    expect(methods.length).toBeGreaterThan(20);
    expect(methods.find((m) => m.name === 'HaltZone')).toMatchObject({ level: 'IDEMPOTENT', hasMutation: true });
    expect(methods.find((m) => m.name === 'GetZone')).toMatchObject({ level: 'NO_SIDE_EFFECTS', hasMutation: false });
  });

  it('has exactly one entry per RPC', () => {
    expect(Object.keys(RPC_RETRY).sort()).toEqual(methods.map((m) => m.name).sort());
  });

  it('retries NO_SIDE_EFFECTS calls as read-only, IDEMPOTENT calls with a Mutation by op id, nothing else', () => {
    for (const m of methods) {
      const expected = m.streaming ? 'never' : m.level === 'NO_SIDE_EFFECTS' ? 'read-only' : m.level === 'IDEMPOTENT' && m.hasMutation ? 'by-op-id' : 'never';
      expect(RPC_RETRY[m.name as keyof typeof RPC_RETRY], m.name).toBe(expected);
    }
  });

  it('gives every unary RPC a client method and a deadline rule, and the streams neither', () => {
    for (const m of methods) {
      const camel = m.name[0]!.toLowerCase() + m.name.slice(1);
      const method = (AgentConnection.prototype as unknown as Record<string, unknown>)[camel];
      if (m.streaming) {
        expect(method, m.name).toBeUndefined();
        expect(RPC_DEADLINE, m.name).not.toHaveProperty(m.name);
      } else {
        expect(typeof method, m.name).toBe('function');
        expect(RPC_DEADLINE, m.name).toHaveProperty(m.name);
      }
    }
  });
});
