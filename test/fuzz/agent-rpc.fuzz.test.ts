// Bad input for every Agent RPC (property-based, fast-check): each request message is
// filled with hostile strings (shell metacharacters, `..`, NUL, very long and unicode),
// out-of-range numbers, a hostile mutation header; also the empty message (missing
// fields) and an oversized one. Each must come back as a clear error, run no command
// that changes a host (the observer log is unchanged), and leave every agent's fence and
// op records unchanged. Read-only RPCs without input fields have nothing to be hostile
// with and are counted apart.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as agentGen from '../../shared/gen/twinzone/v1/agent.js';
import { readLabConfig } from '../solsim/src/state/lab-config.js';
import { startAgentLab } from '../support/agent-fixture.js';
import { GenericClient, serviceMethods, type MethodDef } from './grpc-generic.js';
import { LAB_COORDINATOR, labCredentials } from '../lab/lab-tls.js';
import { tlsTargetOptions } from '../../shared/grpc/tls-credentials.js';
import { fillHostile, hostileNumber, hostileString, isClearError, recordCounts } from './hostile-inputs.js';
import { endFuzzLab } from './fuzz-lab.js';
import { snapshotLab } from './lab-snapshot.js';

const RUNS_PER_METHOD = Number(process.env.TWINZONE_FUZZ_RUNS ?? 6);
// PERMISSION_DENIED: the streams out are for peer agents with a transfer grant (README "Security"), so a caller's hostile stream request is refused by role first.
const REFUSALS = new Set(['INVALID_ARGUMENT', 'NOT_FOUND', 'FAILED_PRECONDITION', 'OUT_OF_RANGE', 'RESOURCE_EXHAUSTED', 'PERMISSION_DENIED']);

let dir: string;
let client: GenericClient;
let ok = false;
const counts = { requests: 0, refused: 0, clientEncoderRefused: 0, emptyAccepted: 0, oversized: 0 };

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinzone-fuzz-agent-'));
  await startAgentLab(dir);
  const expected = { role: 'agent', name: 'hostA' } as const;
  client = new GenericClient(readLabConfig(dir).hosts.hostA!.agent!.address, labCredentials(dir, LAB_COORDINATOR, expected), tlsTargetOptions(expected));
}, 120_000);

afterAll(async () => {
  client?.close();
  recordCounts('agent-rpc', counts);
  await endFuzzLab(dir, ok);
});

const methods = serviceMethods(agentGen.AgentService, agentGen);

describe('hostile input to every Agent RPC', () => {
  it('covers every RPC of the service', () => {
    expect(methods.length).toBe(Object.keys(agentGen.AgentService).length);
    expect(methods.length).toBeGreaterThan(25);
  });

  it.each(methods.map((m) => [m.name, m] as const))('%s: hostile fields are refused with a clear error and change nothing', async (_name, m) => {
    const hasInput = Object.values(m.base).some((v) => typeof v === 'string' || Array.isArray(v)) || 'mutation' in m.base;
    const before = snapshotLab(dir);
    await fc.assert(
      fc.asyncProperty(fc.array(hostileString, { minLength: 16, maxLength: 16 }), fc.array(hostileNumber, { minLength: 8, maxLength: 8 }), fc.boolean(), async (strings, numbers, withNumbers) => {
        let i = 0;
        let j = 0;
        const { request, fields } = fillHostile(m.base, () => strings[i++ % strings.length]!, () => numbers[j++ % numbers.length]!, withNumbers);
        const outcome = await client.call(m.def, request);
        counts.requests += 1;
        if (!hasInput) return;
        expect(outcome.ok, `${m.name} accepted hostile ${fields.join(', ')}: ${JSON.stringify(request).slice(0, 300)}`).toBe(false);
        if (outcome.ok) return;
        if (outcome.clientSide) {
          counts.clientEncoderRefused += 1;
          return;
        }
        counts.refused += 1;
        expect(REFUSALS.has(outcome.codeName), `${m.name}: ${outcome.codeName} ${outcome.message}`).toBe(true);
        expect(isClearError(outcome.message), outcome.message).toBe(true);
      }),
      { numRuns: RUNS_PER_METHOD, seed: 6 },
    );
    // Missing fields: the empty message.
    const empty = await client.call(m.def, m.base);
    counts.requests += 1;
    if (empty.ok) counts.emptyAccepted += 1;
    else expect(isClearError(empty.message), empty.message).toBe(true);
    if (hasInput && 'mutation' in m.base) expect(empty.ok, `${m.name} ran without a mutation header`).toBe(false);
    expect(snapshotLab(dir)).toEqual(before);
  }, 120_000);

  // Found here: a 6 MB zone name echoed in the error overflowed the HTTP/2 trailers and
  // the caller saw only its deadline; messages are now clipped at the edge.
  it.each([
    ['6 MB, under the server limit: refused as an invalid name, the message clipped', 6, 'INVALID_ARGUMENT'],
    ['10 MB, over the 8 MB server limit: refused before it is read', 10, 'RESOURCE_EXHAUSTED'],
  ])('an oversized request (%s)', async (_what, mb, code) => {
    const before = snapshotLab(dir);
    const def = (agentGen.AgentService as unknown as Record<string, MethodDef>).haltZone!;
    const outcome = await client.call(def, agentGen.HaltZoneRequest.fromPartial({ mutation: { opId: `fuzz-oversized-${mb}`, zone: 'z'.repeat(mb * 1024 * 1024), epoch: 1 } }));
    counts.requests += 1;
    counts.oversized += 1;
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      expect(outcome.codeName, outcome.message.slice(0, 200)).toBe(code);
      expect(outcome.message.length).toBeLessThan(2200);
    }
    expect(snapshotLab(dir)).toEqual(before);
    ok = true;
  }, 60_000);
});
