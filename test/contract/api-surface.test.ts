// The wire contract at a glance: every service, method, streaming flag and message field
// number, snapshotted. Any change to the API shows up as a snapshot diff in review; within
// twinzone.v1 a field number may be added, never changed or reused.
import path from 'node:path';
import protoLoader from '@grpc/proto-loader';
import { describe, expect, it } from 'vitest';

const protoDir = path.resolve(import.meta.dirname, '..', '..', 'proto');

interface MethodDef {
  requestStream: boolean;
  responseStream: boolean;
  requestType: { type: { name: string } };
  responseType: { type: { name: string } };
}

interface MessageTypeDef {
  type: { field: Array<{ name: string; number: number; type: string; label: string; typeName: string }> };
}

describe('API surface', () => {
  it('matches the recorded services, methods and field numbers', () => {
    const defs = protoLoader.loadSync(['twinzone/v1/agent.proto', 'twinzone/v1/leases.proto', 'twinzone/v1/control.proto', 'grpc/health/v1/health.proto'], { includeDirs: [protoDir], keepCase: true });
    const services: string[] = [];
    const messages: string[] = [];
    for (const [name, def] of Object.entries(defs).sort(([a], [b]) => a.localeCompare(b))) {
      if ((def as { format?: string }).format === 'Protocol Buffer 3 DescriptorProto') {
        const fields = (def as MessageTypeDef).type.field.map((f) => `${f.number}:${f.name}:${f.label === 'LABEL_REPEATED' ? 'repeated ' : ''}${f.typeName || f.type}`);
        messages.push(`${name} { ${fields.join(', ')} }`);
      } else if (!(def as { format?: string }).format) {
        for (const [method, m] of Object.entries(def as Record<string, MethodDef>)) {
          services.push(`${name}/${method}(${m.requestStream ? 'stream ' : ''}${m.requestType.type.name}) -> ${m.responseStream ? 'stream ' : ''}${m.responseType.type.name}`);
        }
      }
    }
    expect(services.length).toBeGreaterThan(25);
    expect(services).toMatchSnapshot();
    expect(messages).toMatchSnapshot();
  });
});
