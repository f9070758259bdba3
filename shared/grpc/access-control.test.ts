// Mutual TLS and role checks on a real grpc-js server over loopback (in process): who is
// admitted, who is refused with which status, and a client that checks the server's role.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { credentials, Metadata, status, type ServerUnaryCall, type ServiceError, type sendUnaryData } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HealthClient, HealthService, type HealthCheckRequest, type HealthCheckResponse } from '../gen/grpc/health/v1/health.js';
import { createLogger } from '../log/create-logger.js';
import { createCaPem, issuePem, type PemPair } from '../tls/cert-authority.js';
import { writePrivateKey } from '../tls/key-files.js';
import { loadTlsIdentity, type TlsIdentity } from '../tls/tls-identity.js';
import type { Caller, Role } from '../tls/roles.js';
import type { Refusal } from './access-control.js';
import { startServer, type RunningServer } from './serve.js';
import { clientCredentials } from './tls-credentials.js';

const DAY = 86_400_000;
let dir: string;
let ca: PemPair;
let server: RunningServer;
const seen: Array<Caller | undefined> = [];
const refusals: Refusal[] = [];

function writeIdentity(name: string, pair: PemPair, caCert = ca.cert): { dir: string; name: string } {
  const d = path.join(dir, name);
  fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(path.join(d, 'ca.crt'), caCert);
  fs.writeFileSync(path.join(d, `${name}.crt`), pair.cert);
  writePrivateKey(path.join(d, `${name}.key`), pair.key);
  return { dir: d, name };
}

function check(creds: ReturnType<typeof credentials.createInsecure>): Promise<{ code: number; details: string }> {
  const client = new HealthClient(server.address, creds);
  return new Promise((resolve) => {
    client.check({ service: '' }, new Metadata(), { deadline: Date.now() + 5000 }, (err: ServiceError | null) => {
      client.close();
      resolve(err ? { code: err.code, details: err.details } : { code: status.OK, details: '' });
    });
  });
}

async function clientFor(role: Role, name: string, opts: { notBefore?: Date; notAfter?: Date; ca?: PemPair } = {}) {
  const issuer = opts.ca ?? ca;
  const pair = await issuePem(issuer, { role, name, notBefore: opts.notBefore, notAfter: opts.notAfter });
  return credentials.createSsl(Buffer.from(ca.cert), Buffer.from(pair.key), Buffer.from(pair.cert), { checkServerIdentity: () => undefined });
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinzone-tls-'));
  ca = await createCaPem();
  const serverId = loadTlsIdentity(writeIdentity('hostA', await issuePem(ca, { role: 'agent', name: 'hostA' })), { roles: ['agent'] });
  server = await startServer({
    bind: '127.0.0.1:0',
    log: createLogger({ name: 'agent', level: 'silent' }),
    tls: { identity: serverId, onRefusal: (r) => refusals.push(r) },
    services: [{
      definition: HealthService,
      access: { others: ['coordinator', 'operator'] },
      implementation: {
        check: (call: ServerUnaryCall<HealthCheckRequest, HealthCheckResponse>, cb: sendUnaryData<HealthCheckResponse>) => {
          seen.push(undefined);
          cb(null, { status: 1 });
        },
        watch: () => {},
      },
    }],
  });
});

afterAll(async () => {
  await server?.close(100);
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('access control over mutual TLS', () => {
  it('admits a certificate of a role the method allows', async () => {
    expect(await check(await clientFor('operator', 'alice'))).toEqual({ code: status.OK, details: '' });
  });

  it('refuses a client without a certificate with UNAUTHENTICATED', async () => {
    const r = await check(credentials.createSsl(Buffer.from(ca.cert), null, null, { checkServerIdentity: () => undefined }));
    expect(r.code).toBe(status.UNAUTHENTICATED);
    expect(r.details).toMatch(/no valid twinzone certificate/);
  });

  it('refuses a certificate from another CA with UNAUTHENTICATED', async () => {
    const other = await createCaPem({ name: 'rogue CA' });
    expect((await check(await clientFor('coordinator', 'coordinator', { ca: other }))).code).toBe(status.UNAUTHENTICATED);
  });

  it('refuses an expired certificate with UNAUTHENTICATED', async () => {
    const r = await check(await clientFor('coordinator', 'coordinator', { notBefore: new Date(Date.now() - 10 * DAY), notAfter: new Date(Date.now() - DAY) }));
    expect(r.code).toBe(status.UNAUTHENTICATED);
  });

  it('refuses a role the method does not allow with PERMISSION_DENIED, naming the role it needs, and reports the refusal', async () => {
    const before = refusals.length;
    const r = await check(await clientFor('operator-readonly', 'viewer'));
    expect(r.code).toBe(status.PERMISSION_DENIED);
    expect(r.details).toBe('Check refused for operator-readonly viewer: Check needs a certificate with role coordinator or operator');
    expect(refusals.slice(before).map((x) => ({ method: x.method, who: x.caller?.name, code: x.error.code }))).toEqual([{ method: 'Check', who: 'viewer', code: 'PERMISSION_DENIED' }]);
  });

  it('refuses plaintext in transport', async () => {
    expect((await check(credentials.createInsecure())).code).toBe(status.UNAVAILABLE);
  });

  it('a client that expects a coordinator does not talk to an agent', async () => {
    const me = loadTlsIdentity(writeIdentity('alice', await issuePem(ca, { role: 'operator', name: 'alice' })), { roles: ['operator'] });
    const r = await check(clientCredentials(me, { role: 'coordinator' }));
    expect(r.code).toBe(status.UNAVAILABLE);
    expect(r.details).toMatch(/agent certificate \(hostA\) where a coordinator was expected/);
    expect((await check(clientCredentials(me, { role: 'agent', name: 'hostA' }))).code).toBe(status.OK);
    expect((await check(clientCredentials(me, { role: 'agent', name: 'hostB' }))).code).toBe(status.UNAVAILABLE);
  });
});

describe('loading an identity', () => {
  let id: { dir: string; name: string };
  beforeAll(async () => {
    id = writeIdentity('hostB', await issuePem(ca, { role: 'agent', name: 'hostB' }));
  });

  it('reads a valid one and says who it is', () => {
    const loaded: TlsIdentity = loadTlsIdentity(id, { roles: ['agent'] });
    expect(loaded.self).toEqual({ role: 'agent', name: 'hostB', subject: 'CN=hostB, OU=agent, O=twinzone' });
  });

  it('refuses a key that group or others can read, naming the file and the fix', () => {
    const key = path.join(id.dir, 'hostB.key');
    fs.chmodSync(key, 0o644);
    try {
      expect(() => loadTlsIdentity(id, { roles: ['agent'] })).toThrow(`the private key ${key} is readable or writable by group or others (mode 0644); run chmod 600 ${key}`);
    } finally {
      fs.chmodSync(key, 0o600);
    }
  });

  it('refuses a certificate of another role, one expired, and one from another CA', async () => {
    expect(() => loadTlsIdentity(id, { roles: ['coordinator'] })).toThrow(/carries role agent but this process runs as coordinator/);
    expect(() => loadTlsIdentity(id, { roles: ['agent'], now: new Date(Date.now() + 1000 * DAY) })).toThrow(/expired on/);
    const other = await createCaPem();
    const rogue = writeIdentity('rogue', await issuePem(other, { role: 'agent', name: 'rogue' }));
    expect(() => loadTlsIdentity(rogue, { roles: ['agent'] })).toThrow(/was not issued by the CA/);
  });
});
