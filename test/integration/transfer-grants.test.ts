// Archive streams between agents under mutual TLS (README "Security"): the source agent
// streams a zonepath only to the peer agent the coordinator's transfer grant names, only
// once per grant, only for what the grant names, and only with a grant a coordinator
// signed; the target refuses to pull without one. Real agents of a bc-dr lab.
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { describe, expect } from 'vitest';
import type { AgentClient, StreamZonepathOutRequest, StreamZonepathOutResponse } from '../../shared/gen/twinzone/v1/agent.js';
import { signTransferGrant } from '../../shared/tls/transfer-grant.js';
import { LAB_OPERATOR, labIdentity } from '../lab/lab-tls.js';
import { readLabConfig } from '../solsim/src/state/lab-config.js';
import { agentTest as it } from '../support/agent-fixture.js';
import { mutations, refusal, rpc } from '../support/agent-calls.js';

const mut = mutations('grant');

/** Reads the whole stream; resolves with the bytes streamed, or the refusal. */
async function stream(client: AgentClient, req: StreamZonepathOutRequest): Promise<{ bytes: number } | { code: number; details: string }> {
  const call = client.streamZonepathOut(req, new Metadata(), { deadline: Date.now() + 60_000 });
  let bytes = 0;
  try {
    for await (const msg of call as AsyncIterable<StreamZonepathOutResponse>) if (msg.part?.$case === 'data') bytes += msg.part.value.length;
    return { bytes };
  } catch (err) {
    const se = err as ServiceError;
    return { code: se.code, details: se.details };
  }
}

function streamRequest(opId: string, grant: StreamZonepathOutRequest['grant']): StreamZonepathOutRequest {
  return { mutation: { opId: `${opId}:out`, epoch: 1, dryRun: false, zone: 'db01' }, zonepath: '/zones/db01', grant };
}

describe('transfer grants', () => {
  it('streams to the named peer once; refuses another host, a reused grant, a grant for something else, no grant and a grant not from a coordinator', async ({ lab }) => {
    const pull = { mutation: mut('db01', 1).mutation, sourceZonepath: '/zones/db01' };
    const grant = lab.grant('hostA', 'hostB', pull);
    const op = pull.mutation.opId;

    // hostC is a valid agent of the same CA, but not the one named.
    const other = await stream(lab.clientAs('hostA', 'hostC'), streamRequest(op, grant));
    expect(other).toEqual({ code: status.PERMISSION_DENIED, details: 'StreamZonepathOut of /zones/db01 refused for agent hostC: the coordinator named hostB as the target of this transfer' });

    const first = await stream(lab.clientAs('hostA', 'hostB'), streamRequest(op, grant));
    expect(first).toMatchObject({ bytes: expect.any(Number) });
    expect((first as { bytes: number }).bytes).toBeGreaterThan(100_000);

    const again = await stream(lab.clientAs('hostA', 'hostB'), streamRequest(op, grant));
    expect(again).toEqual({ code: status.PERMISSION_DENIED, details: 'StreamZonepathOut of /zones/db01 refused for agent hostB: its transfer grant was already used; every transfer needs a fresh grant from the coordinator' });

    // Used is used across a restart of the source too (the nonce is on disk).
    await lab.restartAgent('hostA', { keepConfig: true });
    expect(await stream(lab.clientAs('hostA', 'hostB'), streamRequest(op, grant))).toMatchObject({ code: status.PERMISSION_DENIED, details: expect.stringMatching(/already used/) });

    const other2 = { mutation: mut('db01', 1).mutation, sourceZonepath: '/zones/db01' };
    const elsewhere = lab.grant('hostA', 'hostB', { ...other2, sourceZonepath: '/zones/web01' });
    expect(await stream(lab.clientAs('hostA', 'hostB'), streamRequest(other2.mutation.opId, elsewhere))).toMatchObject({ code: status.PERMISSION_DENIED, details: expect.stringMatching(/the grant is for db01 at \/zones\/web01/) });

    expect(await stream(lab.clientAs('hostA', 'hostB'), streamRequest(other2.mutation.opId, undefined))).toMatchObject({ code: status.PERMISSION_DENIED, details: expect.stringMatching(/carries no transfer grant/) });

    // Signed by an operator's key: a well-formed grant, but not the coordinator's.
    const forged = signTransferGrant(labIdentity(lab.dir, LAB_OPERATOR), { sourceHost: 'hostA', targetHost: 'hostB', zone: 'db01', zonepath: '/zones/db01', opId: other2.mutation.opId, epoch: 1 }, Date.now());
    expect(await stream(lab.clientAs('hostA', 'hostB'), streamRequest(other2.mutation.opId, forged))).toMatchObject({ code: status.PERMISSION_DENIED, details: expect.stringMatching(/not signed by a coordinator certificate/) });

    const expired = signTransferGrant(labIdentity(lab.dir, 'coordinator'), { sourceHost: 'hostA', targetHost: 'hostB', zone: 'db01', zonepath: '/zones/db01', opId: other2.mutation.opId, epoch: 1 }, Date.now() - 3_600_000);
    expect(await stream(lab.clientAs('hostA', 'hostB'), streamRequest(other2.mutation.opId, expired))).toMatchObject({ code: status.PERMISSION_DENIED, details: expect.stringMatching(/grant expired at/) });

    // Only agents open streams at all: the coordinator's own certificate is refused by role.
    expect(await stream(lab.client('hostA'), streamRequest(other2.mutation.opId, lab.grant('hostA', 'hostB', other2)))).toMatchObject({
      code: status.PERMISSION_DENIED,
      details: 'StreamZonepathOut refused for coordinator coordinator: StreamZonepathOut needs an agent certificate',
    });
  });

  it('the target refuses to pull without a grant naming it', async ({ lab }) => {
    const source = readLabConfig(lab.dir).hosts.hostA!.agent!.address;
    const pull = { ...mut('copy01'), sourceAddress: source, sourceZonepath: '/zones/db01', zonepath: '/zones/copy01' };
    const none = await refusal(rpc(lab, 'hostB', 'pullZonepath', pull));
    expect(none).toMatchObject({ code: 'PERMISSION_DENIED', message: expect.stringMatching(/carries no transfer grant from the coordinator/) });
    const forC = await refusal(rpc(lab, 'hostB', 'pullZonepath', { ...pull, mutation: mut('copy01').mutation, grant: lab.grant('hostA', 'hostC', pull) }));
    expect(forC).toMatchObject({ code: 'PERMISSION_DENIED', message: expect.stringMatching(/the grant names hostC as the target, not this host \(hostB\)/) });
  });
});
