// Zonepath archives between real agents: a tree with special files, odd modes, owners
// and times and a few hundred MB of data pulled from hostA's agent into hostB's arrives
// identical; the client-streaming receive and the archive-file variants work too.
import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ClientWritableStream } from '@grpc/grpc-js';
import { describe, expect } from 'vitest';
import { agentTest as it, type AgentLab } from '../support/agent-fixture.js';
import { mutations, refusal, rpc as agentRpc, type Reply } from '../support/agent-calls.js';
import type { ReceiveZonepathRequest, ReceiveZonepathResponse, StreamZonepathOutResponse } from '../../shared/gen/twinzone/v1/agent.js';
import { readLabConfig } from '../solsim/src/state/lab-config.js';
import { fromGrpcError } from '../../shared/errors/grpc-errors.js';

const isRoot = process.getuid?.() === 0;
const mut = mutations('arch');
/** Calls with a 10-minute deadline: archives of a few hundred MB. */
const rpc = (lab: AgentLab, host: string, method: string, req: unknown) => agentRpc(lab, host, method, req, 600_000);

const OLD = new Date('2003-06-01T12:00:00Z');

function writeRandomFile(file: string, bytes: number): void {
  const fd = fs.openSync(file, 'w');
  const chunk = 4 * 1024 * 1024;
  for (let left = bytes; left > 0; left -= chunk) fs.writeSync(fd, crypto.randomBytes(Math.min(chunk, left)));
  fs.closeSync(fd);
}

function buildTree(root: string, bigFiles: number, bigBytes: number): void {
  fs.mkdirSync(path.join(root, 'root', 'data', 'small'), { recursive: true });
  for (let i = 0; i < bigFiles; i += 1) writeRandomFile(path.join(root, 'root', 'data', `big-${i}.dat`), bigBytes);
  for (let i = 0; i < 500; i += 1) fs.writeFileSync(path.join(root, 'root', 'data', 'small', `f${i}`), crypto.randomBytes(64 + (i % 37) * 97));
  fs.writeFileSync(path.join(root, 'root', 'setuid'), 'x');
  fs.chmodSync(path.join(root, 'root', 'setuid'), 0o4755);
  fs.mkdirSync(path.join(root, 'root', 'tmp'));
  fs.chmodSync(path.join(root, 'root', 'tmp'), 0o1777);
  fs.mkdirSync(path.join(root, 'root', 'private'));
  fs.chmodSync(path.join(root, 'root', 'private'), 0o711);
  fs.writeFileSync(path.join(root, 'root', 'locked'), 'no');
  fs.chmodSync(path.join(root, 'root', 'locked'), 0o000);
  fs.utimesSync(path.join(root, 'root', 'locked'), OLD, OLD);
  fs.linkSync(path.join(root, 'root', 'setuid'), path.join(root, 'root', 'hardlink'));
  fs.symlinkSync('data/small/f1', path.join(root, 'root', 'symlink'));
  execFileSync('mkfifo', [path.join(root, 'root', 'fifo')]);
  const sock = path.join(root, 'root', 'app.sock');
  spawnSync(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(sock)}, () => process.kill(process.pid, 'SIGKILL'))`]);
  if (isRoot) {
    execFileSync('mknod', [path.join(root, 'root', 'null'), 'c', '1', '3']);
    fs.chownSync(path.join(root, 'root', 'data', 'small', 'f2'), 1001, 1002);
  }
  fs.utimesSync(path.join(root, 'root', 'data', 'small'), OLD, OLD);
}

interface Entry {
  type: string;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  size: number;
  digest: string;
}

function snapshot(root: string): Map<string, Entry> {
  const out = new Map<string, Entry>();
  const walk = (rel: string) => {
    const full = path.join(root, rel);
    const st = fs.lstatSync(full);
    const type = st.isDirectory() ? 'dir' : st.isFile() ? 'file' : st.isSymbolicLink() ? 'link' : st.isFIFO() ? 'fifo' : st.isSocket() ? 'socket' : st.isCharacterDevice() ? 'chr' : 'other';
    let digest = '';
    if (type === 'file') digest = crypto.createHash('sha256').update(fs.readFileSync(full)).digest('hex');
    if (type === 'link') digest = fs.readlinkSync(full);
    if (type === 'chr') digest = String(st.rdev);
    // A directory's mtime changes as its entries are created; pax restores it afterwards.
    out.set(rel || '.', { type, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: Math.floor(st.mtimeMs / 1000), size: type === 'file' ? st.size : 0, digest });
    if (type === 'dir') for (const name of fs.readdirSync(full)) walk(path.join(rel, name));
  };
  walk('');
  return out;
}

function peakRssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

async function prepare(lab: AgentLab, host: string, zone: string, zonepath: string): Promise<void> {
  await rpc(lab, host, 'prepareZonepath', { ...mut(zone), zonepath, zonesLofsSpecial: '', zonesLofsMountPoint: '', vfstab: [] });
}

describe('zonepath archives between agents', () => {
  it('pulls a few hundred MB with special files across, identical, with the socket reported and memory bounded', async ({ lab }) => {
    const srcRoot = path.join(lab.env('hostA').root, 'zones', 'big');
    fs.mkdirSync(srcRoot, { mode: 0o700 });
    buildTree(srcRoot, 3, 80 * 1024 * 1024);
    await prepare(lab, 'hostB', 'bigzone', '/zones/big');
    const agents = readLabConfig(lab.dir).hosts;

    const pull = { ...mut('bigzone'), sourceAddress: agents.hostA!.agent!.address, sourceZonepath: '/zones/big', zonepath: '/zones/big' };
    const pulled = await rpc(lab, 'hostB', 'pullZonepath', { ...pull, grant: lab.grant('hostA', 'hostB', pull) });
    expect(pulled.summary.bytes).toBeGreaterThan(240 * 1024 * 1024);
    expect(pulled.summary).toMatchObject({ bytes: pulled.peerSummary.bytes, sha256: pulled.peerSummary.sha256 });
    expect(pulled.summary.warnings.some((w: string) => w.includes('app.sock'))).toBe(true);

    const before = snapshot(srcRoot);
    const after = snapshot(path.join(lab.env('hostB').root, 'zones', 'big'));
    before.delete('root/app.sock');
    // The zonepath itself was made by PrepareZonepath (mode 700, as the runbook wants).
    before.delete('.');
    after.delete('.');
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [rel, entry] of before) {
      const got = after.get(rel)!;
      expect(got, rel).toEqual(entry);
    }
    // Nothing near the archive's size was ever held in either agent's memory.
    for (const host of ['hostA', 'hostB']) expect(peakRssMb(agents[host]!.agent!.pid)).toBeLessThan(200);
  });

  it('receives a client stream relayed from StreamZonepathOut, and refuses a corrupted one', async ({ lab }) => {
    await prepare(lab, 'hostB', 'relay', '/zones/relay');
    await prepare(lab, 'hostB', 'broken', '/zones/broken');
    const relay = async (zonepath: string, zone: string, corrupt: boolean): Promise<Reply> => {
      // As hostB's agent, with the coordinator's grant naming it: who a stream is for.
      const m = mut('db01', 1);
      const grant = lab.grant('hostA', 'hostB', { mutation: m.mutation, sourceZonepath: '/zones/db01' });
      const out = lab.clientAs('hostA', 'hostB').streamZonepathOut({ mutation: { ...m.mutation, opId: `${m.mutation.opId}:out` }, zonepath: '/zones/db01', grant });
      let reply!: Promise<ReceiveZonepathResponse>;
      const sink = await new Promise<ClientWritableStream<ReceiveZonepathRequest>>((resolve) => {
        reply = new Promise((ok, fail) => {
          resolve(lab.client('hostB').receiveZonepath((err, res) => (err ? fail(err) : ok(res!))));
        });
      });
      sink.write({ part: { $case: 'header', value: { ...mut(zone, 1), zonepath } } });
      let flipped = false;
      for await (const msg of out as AsyncIterable<StreamZonepathOutResponse>) {
        if (msg.part?.$case === 'data') {
          const data = Buffer.from(msg.part.value);
          if (corrupt && !flipped && data.length > 5000) {
            data[4000] = data[4000]! ^ 0xff;
            flipped = true;
          }
          if (!sink.write({ part: { $case: 'data', value: data } })) await new Promise((r) => sink.once('drain', r));
        } else if (msg.part?.$case === 'summary') sink.write({ part: { $case: 'senderSummary', value: msg.part.value } });
      }
      sink.end();
      return reply as Promise<Reply>;
    };
    const ok = await relay('/zones/relay', 'relay', false);
    expect(ok.outcome).toBe('extracted');
    expect(ok.summary.sha256).toBe(ok.peerSummary.sha256);
    expect(fs.existsSync(path.join(lab.env('hostB').root, 'zones/relay/root/etc/release'))).toBe(true);
    const broken = await relay('/zones/broken', 'broken', true).then(
      () => null,
      (err: unknown) => fromGrpcError(err),
    );
    // The hash comparison catches it even where pax extracts the damaged bytes quietly.
    expect(broken?.code).toMatch(/^(TRANSFER_CORRUPTED|COMMAND_FAILED)$/);
  });

  it('archives to a file, copies it agent to agent, and extracts it (the --via-file method)', async ({ lab }) => {
    const created = await rpc(lab, 'hostA', 'createArchiveFile', { ...mut('db01'), zonepath: '/zones/db01', archivePath: '/var/tmp/db01.pax' });
    expect(created.summary.bytes).toBeGreaterThan(1_000_000);
    // The copy between the hosts: hostB pulls the file from hostA's agent.
    const agents = readLabConfig(lab.dir).hosts;
    const source = agents.hostA!.agent!.address;
    // Each copy carries the coordinator's grant naming hostB (its path claim is the source file).
    const copyFrom = (sourceArchivePath: string, archivePath: string) => {
      const m = mut('filecopy');
      return { ...m, sourceAddress: source, sourceArchivePath, archivePath, grant: lab.grant('hostA', 'hostB', { mutation: m.mutation, sourceZonepath: sourceArchivePath }) };
    };
    const copyRequest = copyFrom('/var/tmp/db01.pax', '/var/tmp/db01.pax');
    const copyMutation = { mutation: copyRequest.mutation };
    const copied = await rpc(lab, 'hostB', 'pullArchiveFile', copyRequest);
    expect(copied.summary).toMatchObject({ bytes: created.summary.bytes, sha256: created.summary.sha256 });
    expect(copied.peerSummary.sha256).toBe(created.summary.sha256);
    // Its progress stays readable by op id for the coordinator's last poll.
    const progress = await rpc(lab, 'hostB', 'getTransferProgress', { opId: copyMutation.mutation.opId });
    expect(progress).toMatchObject({ bytes: created.summary.bytes, totalBytes: created.summary.bytes, finished: true });
    expect((await refusal(rpc(lab, 'hostB', 'getTransferProgress', { opId: 'never-ran-1' }))).code).toBe('OP_NOT_FOUND');
    // Never over an existing file, never from a missing one; neither leaves a partial copy.
    expect((await refusal(rpc(lab, 'hostB', 'pullArchiveFile', copyFrom('/var/tmp/db01.pax', '/var/tmp/db01.pax')))).code).toBe('PRECONDITION_FAILED');
    const missing = await refusal(rpc(lab, 'hostB', 'pullArchiveFile', copyFrom('/var/tmp/nosuch.pax', '/var/tmp/other.pax')));
    expect(missing).toMatchObject({ code: 'PRECONDITION_FAILED' });
    expect(missing.message).toContain('/var/tmp/nosuch.pax');
    expect(fs.readdirSync(path.join(lab.env('hostB').root, 'var/tmp')).filter((n) => n.includes('partial') || n === 'other.pax')).toEqual([]);
    await prepare(lab, 'hostB', 'filecopy', '/zones/filecopy');
    const extracted = await rpc(lab, 'hostB', 'extractArchiveFile', { ...mut('filecopy'), zonepath: '/zones/filecopy', archivePath: '/var/tmp/db01.pax' });
    expect(extracted.summary.sha256).toBe(created.summary.sha256);
    expect(fs.readFileSync(path.join(lab.env('hostB').root, 'zones/filecopy/root/etc/release'), 'utf8')).toContain('Solaris 8');
    // A pull into a zonepath that is not empty is refused before anything is read, and
    // the half-opened stream from the source does not take the agent down.
    const again = mut('filecopy');
    const refusedPull = await refusal(
      rpc(lab, 'hostB', 'pullZonepath', { ...again, sourceAddress: source, sourceZonepath: '/zones/db01', zonepath: '/zones/filecopy', grant: lab.grant('hostA', 'hostB', { mutation: again.mutation, sourceZonepath: '/zones/db01' }) }),
    );
    expect(refusedPull.code).toBe('PRECONDITION_FAILED');
    expect((await rpc(lab, 'hostB', 'getZone', { zone: 'filecopy' }).catch((e: { code: string }) => e)).code).not.toBe('AGENT_UNREACHABLE');
    // An archive is never overwritten.
    await expect(rpc(lab, 'hostA', 'createArchiveFile', { ...mut('db01'), zonepath: '/zones/db01', archivePath: '/var/tmp/db01.pax' })).rejects.toMatchObject({ code: 'PRECONDITION_FAILED' });
  });
});
