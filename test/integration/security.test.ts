// Mutual TLS and authorisation against the real daemons of a bc-dr lab (README
// "Security"): every service (Control, Leases, Agent) refuses a client without a
// certificate, with one from another CA, with an expired one, and with the wrong role;
// refusals are audited and `twinzone events --who` finds them; read-only operators only
// look; an agent speaks only for its own host; daemons refuse a key others can read; the
// database and the agent's state files are private.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { credentials, Metadata, status, type ChannelCredentials, type ServiceError } from '@grpc/grpc-js';
import { describe, expect } from 'vitest';
import { AgentClient } from '../../shared/gen/twinzone/v1/agent.js';
import { ControlClient } from '../../shared/gen/twinzone/v1/control.js';
import { LeasesClient } from '../../shared/gen/twinzone/v1/leases.js';
import { createCaPem, issuePem, type PemPair } from '../../shared/tls/cert-authority.js';
import type { Role } from '../../shared/tls/roles.js';
import { agentConfigPath, TWINZONE_CLI } from '../lab/processes.js';
import { LAB_COORDINATOR, LAB_VIEWER, labCredentials, labTlsDir } from '../lab/lab-tls.js';
import { tlsTargetOptions } from '../../shared/grpc/tls-credentials.js';
import { unaryCall, type UnaryMethod } from '../../shared/grpc/unary-call.js';
import { readLabConfig } from '../solsim/src/state/lab-config.js';
import { coordinatorTest as test } from '../support/coordinator-fixture.js';

const DAY = 86_400_000;

type Call = (creds: ChannelCredentials) => Promise<{ code: number; details: string }>;

function answer(resolve: (r: { code: number; details: string }) => void, close: () => void) {
  return (err: ServiceError | null) => {
    close();
    resolve(err ? { code: err.code, details: err.details } : { code: status.OK, details: '' });
  };
}

function raw(tls: string, pair: PemPair): ChannelCredentials {
  // The server's identity is not what these tests are about: any certificate of the lab CA.
  return credentials.createSsl(fs.readFileSync(path.join(tls, 'ca.crt')), Buffer.from(pair.key), Buffer.from(pair.cert), { checkServerIdentity: () => undefined });
}

function labCa(tls: string): PemPair {
  return { cert: fs.readFileSync(path.join(tls, 'ca.crt'), 'utf8'), key: fs.readFileSync(path.join(tls, 'ca.key'), 'utf8') };
}

function calls(dir: string, coordinator: string): Record<string, Call> {
  const hostA = readLabConfig(dir).hosts.hostA!.agent!.address;
  const deadline = () => ({ deadline: Date.now() + 10_000 });
  return {
    'Control GetStatus': (c) => new Promise((r) => { const cl = new ControlClient(coordinator, c); cl.getStatus({ zone: '' }, new Metadata(), deadline(), answer(r, () => cl.close())); }),
    'Leases ListHostLeases': (c) => new Promise((r) => { const cl = new LeasesClient(coordinator, c); cl.listHostLeases({ host: 'hostA' }, new Metadata(), deadline(), answer(r, () => cl.close())); }),
    'Agent HaltZone': (c) => new Promise((r) => {
      const cl = new AgentClient(hostA, c);
      cl.haltZone({ mutation: { opId: 'sec-halt', epoch: 99, dryRun: true, zone: 'db01' } }, new Metadata(), deadline(), answer(r, () => cl.close()));
    }),
    'Agent GetHostFacts': (c) => new Promise((r) => { const cl = new AgentClient(hostA, c); cl.getHostFacts({ dfPaths: [] }, new Metadata(), deadline(), answer(r, () => cl.close())); }),
  };
}

/** A role each service does not admit for the call in `calls`. */
const WRONG_ROLE: Record<string, { role: Role; name: string }> = {
  'Control GetStatus': { role: 'agent', name: 'hostA' },
  'Leases ListHostLeases': { role: 'operator', name: 'mallory' },
  'Agent HaltZone': { role: 'operator', name: 'mallory' },
  'Agent GetHostFacts': { role: 'agent', name: 'hostB' },
};

// Many connections and CLI runs per test: more time than one call's worth on a busy machine.
describe('security: mutual TLS and roles on every service', { timeout: 240_000 }, () => {
  test('refuses no certificate, another CA, an expired certificate and the wrong role, and audits who tried', async ({ lab }) => {
    const tls = labTlsDir(lab.dir);
    const ca = labCa(tls);
    const rogue = await createCaPem({ name: 'rogue CA' });
    const clients = {
      none: credentials.createSsl(fs.readFileSync(path.join(tls, 'ca.crt')), null, null, { checkServerIdentity: () => undefined }),
      otherCa: raw(tls, await issuePem(rogue, { role: 'coordinator', name: 'coordinator' })),
      expired: raw(tls, await issuePem(ca, { role: 'coordinator', name: 'coordinator', notBefore: new Date(Date.now() - 30 * DAY), notAfter: new Date(Date.now() - DAY) })),
    };
    for (const [what, call] of Object.entries(calls(lab.dir, lab.coordinator.address))) {
      for (const [kind, creds] of Object.entries(clients)) {
        const r = await call(creds);
        expect({ what, kind, code: r.code }).toEqual({ what, kind, code: status.UNAUTHENTICATED });
        expect(r.details).toMatch(/refused: the caller presented no valid twinzone certificate/);
      }
      const wrong = WRONG_ROLE[what]!;
      const r = await call(raw(tls, await issuePem(ca, wrong)));
      expect({ what, code: r.code }).toEqual({ what, code: status.PERMISSION_DENIED });
      expect(r.details).toMatch(new RegExp(`refused for ${wrong.role} ${wrong.name}: \\w+ needs`));
      // A certificate of an admitted role gets through (the refusals above are about the caller).
      const right = what.startsWith('Leases') ? { role: 'agent' as const, name: 'hostA' } : what.startsWith('Control') ? { role: 'operator' as const, name: 'alice' } : { role: 'coordinator' as const, name: 'coordinator' };
      expect({ what, code: (await call(raw(tls, await issuePem(ca, right)))).code }).toEqual({ what, code: status.OK });
    }

    // Control refusals are events: who (the certificate's name, or unauthenticated), from where, what.
    const events = await lab.cliJson<{ events: { who: string; what: string; result: string; fromAddress: string; details?: Record<string, string> }[] }>(['events', '--who', 'hostA']);
    expect(events.json.events).toContainEqual(expect.objectContaining({ who: 'hostA', what: 'twinzone.v1.Control/GetStatus', result: 'refused' }));
    const all = await lab.cliJson<{ events: { who: string; what: string; result: string; fromAddress: string }[] }>(['events', '--limit', '1000']);
    const unauth = all.json.events.filter((e) => e.who === '(unauthenticated)' && e.what === 'twinzone.v1.Control/GetStatus');
    expect(unauth).toHaveLength(3);
    expect(unauth.every((e) => e.result === 'refused' && /^(ipv4:)?127\.0\.0\.1:\d+$/.test(e.fromAddress))).toBe(true);
    // The admitted operator call is audited under the certificate's name.
    expect(all.json.events).toContainEqual(expect.objectContaining({ who: 'alice', what: 'control.get-status', result: 'ok' }));
    // No key material reached a log.
    for (const f of fs.readdirSync(path.join(lab.dir, 'logs'))) expect(fs.readFileSync(path.join(lab.dir, 'logs', f), 'utf8')).not.toMatch(/PRIVATE KEY/);
  });

  test('a read-only operator may look but not act; the CLI says why', async ({ lab }) => {
    const viewer = { TWINZONE_TLS_DIR: labTlsDir(lab.dir), TWINZONE_TLS_NAME: LAB_VIEWER };
    const run = (args: string[]) => spawnSync(process.execPath, [TWINZONE_CLI(), ...args], { env: { ...process.env, TWINZONE_COORDINATOR: lab.coordinator.address, ...viewer }, encoding: 'utf8' });
    for (const args of [['status'], ['hosts'], ['lease', 'show', 'db01'], ['history'], ['events'], ['deltas', 'db01', '--from', 'hostA', '--to', 'hostB'], ['plan', 'switchover', 'db01', '--to', 'hostB']]) {
      const r = run(args);
      expect({ args, code: r.status, err: r.stderr }).toEqual({ args, code: 0, err: '' });
    }
    // Refused before anything changed: exit 3 (coordinator/cli/exit-codes.ts).
    const down = run(['confirm-down', 'hostC']);
    expect(down.status).toBe(3);
    expect(down.stderr).toContain('ConfirmDown refused for operator-readonly viewer: ConfirmDown needs an operator certificate');
    const sw = run(['switchover', 'db01', '--to', 'hostB', '--json']);
    expect(sw.status).toBe(3);
    expect(JSON.parse(sw.stdout).error.code).toBe('PERMISSION_DENIED');
    const mine = await lab.cliJson<{ events: { what: string; result: string; details: Record<string, string> }[] }>(['events', '--who', 'viewer']);
    expect(mine.json.events).toContainEqual(expect.objectContaining({ what: 'twinzone.v1.Control/ConfirmDown', result: 'refused' }));
    expect(mine.json.events).toContainEqual(expect.objectContaining({ what: 'control.get-status', result: 'ok' }));
    // Nothing changed: hostC was not marked down.
    const hosts = await lab.cliJson<{ hosts: { host: string; confirmedDown: boolean }[] }>(['hosts']);
    expect(hosts.json.hosts.find((h) => h.host === 'hostC')?.confirmedDown).toBe(false);
  });

  test('an agent renews and lists only its own host\'s leases', async ({ lab }) => {
    const tls = labTlsDir(lab.dir);
    const asHostB = raw(tls, await issuePem(labCa(tls), { role: 'agent', name: 'hostB' }));
    const r = await calls(lab.dir, lab.coordinator.address)['Leases ListHostLeases']!(asHostB);
    expect(r.code).toBe(status.PERMISSION_DENIED);
    expect(r.details).toBe("ListHostLeases for hostA refused: the caller's certificate is agent hostB's, and an agent speaks only for its own host");
    const renew = await new Promise<{ code: number; details: string }>((res) => {
      const cl = new LeasesClient(lab.coordinator.address, asHostB);
      cl.renewLeases({ host: 'hostA', renewals: [{ zone: 'db01', epoch: 1 }], probes: [], twins: [], twinsListed: false }, new Metadata(), { deadline: Date.now() + 10_000 }, answer(res, () => cl.close()));
    });
    expect(renew.code).toBe(status.PERMISSION_DENIED);
  });

  test('daemons refuse a private key others can read (exit 2, one line); the database and agent state are private', async ({ lab }) => {
    // A copy of hostC's identity with a world-readable key, for a second agent on hostC.
    const tls = labTlsDir(lab.dir);
    const copy = path.join(lab.dir, 'tls-loose');
    fs.mkdirSync(copy);
    for (const f of ['ca.crt', 'hostC.crt', 'hostC.key']) fs.copyFileSync(path.join(tls, f), path.join(copy, f));
    fs.chmodSync(path.join(copy, 'hostC.key'), 0o644);
    const config = JSON.parse(fs.readFileSync(agentConfigPath(lab.dir, 'hostC'), 'utf8')) as Record<string, unknown>;
    const loose = path.join(lab.dir, 'agent-loose.json');
    fs.writeFileSync(loose, JSON.stringify({ ...config, listen: '127.0.0.1:0', tls: { dir: copy, name: 'hostC' } }));
    const r = spawnSync(process.execPath, [TWINZONE_CLI(), 'agent', 'run', '--config', loose], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      `twinzone agent: the private key ${path.join(copy, 'hostC.key')} is readable or writable by group or others (mode 0644); run chmod 600 ${path.join(copy, 'hostC.key')} (or run with --insecure for a plaintext lab)`,
    ]);

    // State the agent writes: a fencing epoch and an operation record (halt, then boot again).
    const expected = { role: 'agent', name: 'hostA' } as const;
    const asCoordinator = new AgentClient(readLabConfig(lab.dir).hosts.hostA!.agent!.address, labCredentials(lab.dir, LAB_COORDINATOR, expected), tlsTargetOptions(expected));
    for (const [i, rpc] of [[1, 'haltZone'], [2, 'bootZone']] as const) {
      await unaryCall(asCoordinator[rpc].bind(asCoordinator) as UnaryMethod<unknown, unknown>, { mutation: { opId: `sec-state-${i}`, epoch: 1, dryRun: false, zone: 'db01' }, bootArgs: [] }, { deadlineMs: 60_000 });
    }
    asCoordinator.close();
    const privateFiles = (dir: string): string[] =>
      fs.readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
    const db = lab.coordinator.db;
    const stateDir = path.join(lab.env('hostA').root, 'var', 'twinzone', 'agent');
    const files = [...[db, `${db}-wal`].filter((f) => fs.existsSync(f)), ...privateFiles(stateDir).filter((f) => !f.endsWith('.log'))];
    expect(files.length).toBeGreaterThan(2);
    for (const f of files) expect({ f, mode: (fs.statSync(f).mode & 0o777).toString(8) }).toEqual({ f, mode: '600' });
  });
});
