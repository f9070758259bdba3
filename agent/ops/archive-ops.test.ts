// archive-ops against the real Debian pax (/usr/bin/pax) through ExecaRunner, with temp
// directories as the file-system roots of a source and a target host. A zone-like tree
// (special files, odd modes, owners, old times, links, a 50 MB file) is streamed from one
// to the other through a depth-1 queue, as gRPC flow control would carry it.
import { spawnSync } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../shared/log/create-logger.js';
import { TwinzoneError } from '../../shared/errors/twinzone-error.js';
import { writeTreeFile as write } from '../../test/lab/zone-image.js';
import { makeOpContext } from '../../test/support/op-test-context.js';
import { ScriptedRunner } from '../../test/support/scripted-runner.js';
import { resolveCommandPaths } from '../platform/command-paths.js';
import type { CommandRunner, StreamSpec, StreamingRun } from '../platform/command-runner.js';
import { ExecaRunner } from '../platform/execa-runner.js';
import { detectPlatformProfile } from '../platform/platform-profile.js';
import {
  ChunkGatherer,
  MAX_CHUNK_BYTES,
  compareSummaries,
  createArchiveFile,
  extractArchiveFile,
  receiveIntoZonepath,
  streamZonepathOut,
  type ArchiveSummary,
} from './archive-ops.js';
import type { OpContext } from './op-context.js';

const isRoot = process.getuid?.() === 0;
const MiB = 1024 * 1024;
const OLD = new Date('2004-02-10T09:30:00Z');
const log = createLogger({ name: 'agent', level: 'silent' });
const execaRunner = new ExecaRunner(resolveCommandPaths({ pax: '/usr/bin/pax' }), log);

let fsRoot: string;
let seq = 0;

const makeCtx = (overrides: Partial<OpContext> = {}): OpContext =>
  makeOpContext({ runner: execaRunner, fsRoot, platform: detectPlatformProfile(), log, timeouts: { default: 120_000 }, ...overrides });

/** A fresh, empty target zonepath (owner root, mode 700, as prepare leaves it). */
function emptyZonepath(): string {
  const zonepath = `/zones/target${++seq}`;
  fs.mkdirSync(path.join(fsRoot, zonepath), { recursive: true, mode: 0o700 });
  return zonepath;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TwinzoneError);
  return (err as TwinzoneError).code;
}

// ---------------------------------------------------------------- the tree

/** Pseudo-random bytes written 1 MiB at a time (never held whole). */
function writeRandom(file: string, bytes: number): void {
  const buf = Buffer.alloc(MiB);
  const fd = fs.openSync(file, 'w', 0o644);
  try {
    for (let left = bytes; left > 0; left -= buf.length) fs.writeSync(fd, randomFillSync(buf), 0, Math.min(left, buf.length));
  } finally {
    fs.closeSync(fd);
  }
}

/** A socket file that outlives its server: the child is killed before it can unlink. */
function makeSocket(file: string): void {
  const script = "require('net').createServer().listen(process.argv[1], () => process.kill(process.pid, 'SIGKILL'))";
  spawnSync(process.execPath, ['-e', script, file]);
  if (!fs.lstatSync(file).isSocket()) throw new Error(`no socket at ${file}`);
}

function run(cmd: string, args: string[]): void {
  const res = spawnSync(cmd, args, { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${res.stderr}`);
}

/** Lays out a detached Solaris 8 zonepath; returns its Solaris path. */
function buildZonepath(zonepath: string, bigFileBytes: number): string {
  const top = path.join(fsRoot, zonepath);
  fs.mkdirSync(top, { recursive: true, mode: 0o700 });
  const root = path.join(top, 'root');
  write(top, 'SUNWdetached.xml', '<?xml version="1.0"?>\n<zone name="web01" zonepath="/zones/web01"/>\n', 0o400);
  write(root, 'etc/passwd', 'root:x:0:1:Super-User:/:/sbin/sh\nappuser:x:1001:1001::/export/home/appuser:/bin/ksh\n');
  write(root, 'etc/shadow', 'root:NP:6445::::::\n', 0o400);
  write(root, 'etc/name with space.conf', 'operators do this\n');
  write(root, 'usr/bin/ls', Buffer.alloc(40_000, 7), 0o555);
  write(root, 'usr/bin/passwd', Buffer.alloc(20_000, 11), 0o4555);
  write(root, 'usr/bin/write', Buffer.alloc(8_000, 13), 0o2555);
  write(root, 'var/adm/locked.dat', 'nobody may read this\n', 0o000);
  write(root, 'var/adm/empty.log', '');
  fs.mkdirSync(path.join(root, 'opt/app/lib'), { recursive: true });
  writeRandom(path.join(root, 'opt/app/lib/app.dat'), bigFileBytes);
  fs.mkdirSync(path.join(root, 'tmp'), { mode: 0o755 });
  fs.chmodSync(path.join(root, 'tmp'), 0o1777);
  fs.mkdirSync(path.join(root, 'export/empty'), { recursive: true });
  fs.chmodSync(path.join(root, 'export/empty'), 0o711);
  fs.linkSync(path.join(root, 'usr/bin/ls'), path.join(root, 'usr/bin/dir'));
  fs.symlinkSync('usr/bin', path.join(root, 'bin'));
  fs.symlinkSync('../usr/bin/passwd', path.join(root, 'etc/passwd.link'));
  fs.mkdirSync(path.join(root, 'var/spool'), { recursive: true });
  run('mkfifo', ['-m', '0620', path.join(root, 'var/spool/app.fifo')]);
  fs.mkdirSync(path.join(root, 'var/run'), { recursive: true });
  makeSocket(path.join(root, 'var/run/app.sock'));
  if (isRoot) {
    fs.mkdirSync(path.join(root, 'dev'));
    run('mknod', ['-m', '0666', path.join(root, 'dev/null'), 'c', '1', '3']);
    const owned = write(root, 'export/home/appuser/.profile', 'PATH=/usr/bin\n', 0o644);
    fs.chownSync(owned, 1001, 1001);
    fs.chownSync(path.dirname(owned), 1001, 1001);
    const setgid = write(root, 'usr/bin/mail', Buffer.alloc(3_000, 5), 0o2555);
    fs.chownSync(setgid, 0, 6);
    fs.chmodSync(setgid, 0o2555); // chown clears set-id bits
  }
  // Old times, deepest first so that directories keep theirs.
  const entries = walk(top).reverse();
  entries.forEach((rel, i) => {
    const when = new Date(OLD.getTime() + i * 1000);
    const p = path.join(top, rel);
    if (!fs.lstatSync(p).isSymbolicLink()) fs.utimesSync(p, when, when);
  });
  return zonepath;
}

/** Relative paths under dir, parents before children. */
function walk(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const name of fs.readdirSync(path.join(dir, rel)).sort()) {
    const child = rel ? `${rel}/${name}` : name;
    out.push(child);
    if (fs.lstatSync(path.join(dir, child)).isDirectory()) out.push(...walk(dir, child));
  }
  return out;
}

interface Entry {
  type: string;
  mode: number;
  uid: number;
  gid: number;
  mtime?: number;
  size?: number;
  sha256?: string;
  link?: string;
  rdev?: number;
  ino: number;
}

function typeOf(st: fs.Stats): string {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'dir';
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isFIFO()) return 'fifo';
  if (st.isSocket()) return 'socket';
  if (st.isCharacterDevice()) return 'chr';
  return 'other';
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function snapshot(zonepath: string): Promise<Map<string, Entry>> {
  const top = path.join(fsRoot, zonepath);
  const out = new Map<string, Entry>();
  for (const rel of walk(top)) {
    const p = path.join(top, rel);
    const st = fs.lstatSync(p);
    const type = typeOf(st);
    const entry: Entry = { type, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, ino: st.ino };
    if (type === 'file' || type === 'dir') entry.mtime = Math.floor(st.mtimeMs / 1000);
    if (type === 'file') {
      entry.size = st.size;
      entry.sha256 = await sha256File(p);
    }
    if (type === 'symlink') entry.link = fs.readlinkSync(p);
    if (type === 'chr') entry.rdev = st.rdev;
    out.set(rel, entry);
  }
  return out;
}

/** The target must hold the source minus its socket, identical in everything kept. */
async function expectSameTree(sourceZonepath: string, targetZonepath: string): Promise<void> {
  const src = await snapshot(sourceZonepath);
  const dst = await snapshot(targetZonepath);
  const sockets = [...src].filter(([, e]) => e.type === 'socket').map(([rel]) => rel);
  expect(sockets).toEqual(['root/var/run/app.sock']);
  expect([...dst.keys()].sort()).toEqual([...src.keys()].filter((rel) => !sockets.includes(rel)).sort());
  for (const [rel, d] of dst) {
    const { ino: _srcIno, ...s } = src.get(rel)!;
    const { ino: _dstIno, ...got } = d;
    expect({ rel, ...got }).toEqual({ rel, ...s });
  }
  // Hard links stay links.
  expect(dst.get('root/usr/bin/dir')!.ino).toBe(dst.get('root/usr/bin/ls')!.ino);
}

// ---------------------------------------------------------------- the pipe between hosts

/** A queue of depth 1 between the sender's sink and the receiver's source. */
class Channel implements AsyncIterable<Buffer> {
  private slot: Buffer | null = null;
  private ended = false;
  private failure: unknown = null;
  private consumerGone = false;
  private wakeConsumer: (() => void) | null = null;
  private wakeProducer: (() => void) | null = null;

  async push(chunk: Buffer): Promise<void> {
    while (this.slot !== null && !this.consumerGone) await new Promise<void>((r) => (this.wakeProducer = r));
    if (this.consumerGone) throw new Error('the receiver stopped reading');
    this.slot = chunk;
    this.wake('consumer');
  }

  end(): void {
    this.ended = true;
    this.wake('consumer');
  }

  fail(err: unknown): void {
    this.failure = err;
    this.wake('consumer');
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    try {
      for (;;) {
        while (this.slot === null && !this.ended && this.failure === null) await new Promise<void>((r) => (this.wakeConsumer = r));
        if (this.failure !== null) throw this.failure;
        if (this.slot === null) return;
        const chunk = this.slot;
        this.slot = null;
        this.wake('producer');
        yield chunk;
      }
    } finally {
      this.consumerGone = true;
      this.wake('producer');
    }
  }

  private wake(who: 'consumer' | 'producer'): void {
    const fn = who === 'consumer' ? this.wakeConsumer : this.wakeProducer;
    if (who === 'consumer') this.wakeConsumer = null;
    else this.wakeProducer = null;
    fn?.();
  }
}

interface Transfer {
  sent: PromiseSettledResult<ArchiveSummary>;
  received: PromiseSettledResult<ArchiveSummary>;
  sourceCtx: OpContext;
  targetCtx: OpContext;
}

/** Streams source → target the way the two agents' edges would; `tap` sees every chunk. */
async function transfer(source: string, target: string, tap: (chunk: Buffer, index: number) => Buffer | null = (c) => c, targetCtx = makeCtx({ host: 'hostB' })): Promise<Transfer> {
  const sourceCtx = makeCtx();
  const channel = new Channel();
  const received = receiveIntoZonepath(targetCtx, { zonepath: target }, channel);
  let index = 0;
  const sent = streamZonepathOut(sourceCtx, { zonepath: source }, async (chunk) => {
    const passed = tap(chunk, index++);
    if (passed) await channel.push(passed);
  }).then(
    (summary) => {
      channel.end();
      return summary;
    },
    (err: unknown) => {
      channel.fail(err);
      throw err;
    },
  );
  const [s, r] = await Promise.allSettled([sent, received]);
  return { sent: s, received: r, sourceCtx, targetCtx };
}

function value<T>(settled: PromiseSettledResult<T>): T {
  if (settled.status === 'rejected') throw settled.reason;
  return settled.value;
}

// ---------------------------------------------------------------- tests

const BIG = '/zones/web01';
const SMALL = '/zones/small01';

beforeAll(() => {
  fsRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'twinzone-archive-'));
  buildZonepath(BIG, 50 * MiB);
  buildZonepath(SMALL, 6 * MiB);
});

afterAll(() => {
  fs.rmSync(fsRoot, { recursive: true, force: true });
});

describe('streamZonepathOut → receiveIntoZonepath', () => {
  it('copies a zonepath with special files, modes, owners, times and links intact', async () => {
    const target = emptyZonepath();
    let largest = 0;
    const t = await transfer(BIG, target, (chunk) => {
      largest = Math.max(largest, chunk.length);
      return chunk;
    });
    const sent = value(t.sent);
    const received = value(t.received);

    expect(sent.bytes).toBeGreaterThan(50 * MiB);
    expect(received.bytes).toBe(sent.bytes);
    expect(received.sha256).toBe(sent.sha256);
    expect(sent.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(() => compareSummaries(sent, received)).not.toThrow();
    expect(largest).toBeLessThanOrEqual(MAX_CHUNK_BYTES);
    expect(received.warnings.some((w) => w.includes('root/var/run/app.sock'))).toBe(true);
    expect(sent.commands.map((c) => c.argv)).toEqual([['/usr/bin/pax', ...detectPlatformProfile().paxWriteArgs, '.']]);
    expect(received.commands.map((c) => c.argv)).toEqual([['/usr/bin/pax', ...detectPlatformProfile().paxReadArgs]]);
    expect(t.sourceCtx.commands).toEqual(sent.commands);
    expect(t.targetCtx.commands).toEqual(received.commands);
    await expectSameTree(BIG, target);
  });

  it('keeps memory bounded while streaming 50 MB', async () => {
    // A first, small transfer pays the one-time costs (code, pools, pipes), so that the
    // measured growth is what the 50 MB stream itself holds.
    compareSummaries(...(await transfer(SMALL, emptyZonepath()).then((w) => [value(w.sent), value(w.received)] as const)));
    const target = emptyZonepath();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    let peakBuffers = 0;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peak = Math.max(peak, m.rss);
      peakBuffers = Math.max(peakBuffers, m.arrayBuffers);
    }, 5);
    try {
      const t = await transfer(BIG, target);
      compareSummaries(value(t.sent), value(t.received));
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, process.memoryUsage().rss);
    const growthMiB = (peak - baseline) / MiB;
    console.log(
      `archive stream of 50 MB: rss baseline ${(baseline / MiB).toFixed(1)} MiB, peak ${(peak / MiB).toFixed(1)} MiB, growth ${growthMiB.toFixed(1)} MiB; peak arrayBuffers ${(peakBuffers / MiB).toFixed(1)} MiB`,
    );
    expect(growthMiB).toBeLessThan(60);
  });

  it('a slow consumer slows pax down instead of buffering its output', async () => {
    const counting = new CountingRunner(execaRunner);
    const ctx = makeCtx({ runner: counting });
    let consumed = 0;
    let chunks = 0;
    let maxAhead = 0;
    const sent = await streamZonepathOut(ctx, { zonepath: SMALL }, async (chunk) => {
      chunks += 1;
      maxAhead = Math.max(maxAhead, counting.bytesRead - consumed);
      await new Promise((r) => setTimeout(r, 2));
      consumed += chunk.length;
    });
    console.log(`slow consumer: ${chunks} chunks, ${sent.bytes} bytes, at most ${maxAhead} bytes read ahead of the consumer`);
    // Streamed in full-size chunks, not gathered whole.
    expect(chunks).toBeGreaterThanOrEqual(Math.floor(sent.bytes / MAX_CHUNK_BYTES));
    expect(chunks).toBeGreaterThan(1);
    expect(counting.bytesRead).toBe(sent.bytes);
    expect(maxAhead).toBeLessThanOrEqual(4 * MAX_CHUNK_BYTES);
  });
  it('a fast source does not flood a slower pax: stdin backpressure is respected', async () => {
    const archivePath = `/var/tmp/small-${++seq}.pax`;
    fs.mkdirSync(path.join(fsRoot, 'var/tmp'), { recursive: true });
    const created = await createArchiveFile(makeCtx(), { zonepath: SMALL, archivePath });
    const counting = new CountingRunner(execaRunner);
    async function* fromFile(): AsyncGenerator<Buffer> {
      for await (const chunk of fs.createReadStream(path.join(fsRoot, archivePath), { highWaterMark: MAX_CHUNK_BYTES })) yield chunk as Buffer;
    }
    const received = await receiveIntoZonepath(makeCtx({ runner: counting }), { zonepath: emptyZonepath() }, fromFile());
    console.log(`fast source: at most ${counting.maxStdinBuffered} bytes queued on pax's stdin`);
    expect(received.sha256).toBe(created.sha256);
    expect(counting.stdinWrites).toBeGreaterThanOrEqual(Math.floor(created.bytes / MAX_CHUNK_BYTES));
    expect(counting.stdinWrites).toBeGreaterThan(1);
    expect(counting.maxStdinBuffered).toBeLessThanOrEqual(2 * MAX_CHUNK_BYTES);
  });
});

describe('refusals and failures', () => {
  it('refuses a missing, non-directory or malformed source zonepath before running pax', async () => {
    const sink = async (): Promise<void> => {
      throw new Error('the sink must not be called');
    };
    const ctx = makeCtx();
    expect(await codeOf(streamZonepathOut(ctx, { zonepath: '/zones/nosuch' }, sink))).toBe('PRECONDITION_FAILED');
    expect(await codeOf(streamZonepathOut(ctx, { zonepath: `${BIG}/SUNWdetached.xml` }, sink))).toBe('PRECONDITION_FAILED');
    expect(await codeOf(streamZonepathOut(ctx, { zonepath: '/zones/../etc' }, sink))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(streamZonepathOut(ctx, { zonepath: 'zones/web01' }, sink))).toBe('INVALID_ARGUMENT');
    expect(ctx.commands).toEqual([]);
  });

  it('refuses a non-empty or missing target zonepath and leaves it untouched', async () => {
    const target = emptyZonepath();
    const keep = path.join(fsRoot, target, 'root/etc/keep.conf');
    write(path.join(fsRoot, target), 'root/etc/keep.conf', 'precious\n');
    let pulled = 0;
    async function* source(): AsyncGenerator<Buffer> {
      pulled += 1;
      yield Buffer.from('not an archive');
    }
    const ctx = makeCtx();
    expect(await codeOf(receiveIntoZonepath(ctx, { zonepath: target }, source()))).toBe('PRECONDITION_FAILED');
    expect(await codeOf(receiveIntoZonepath(ctx, { zonepath: '/zones/nosuch' }, source()))).toBe('PRECONDITION_FAILED');
    expect(pulled).toBe(0);
    expect(ctx.commands).toEqual([]);
    expect(fs.readFileSync(keep, 'utf8')).toBe('precious\n');
  });

  it('accepts a target holding only the empty lost+found of a fresh file system', async () => {
    const target = emptyZonepath();
    fs.mkdirSync(path.join(fsRoot, target, 'lost+found'), { mode: 0o700 });
    const t = await transfer(SMALL, target);
    compareSummaries(value(t.sent), value(t.received));
    expect(fs.existsSync(path.join(fsRoot, target, 'root/etc/passwd'))).toBe(true);
  });

  it('a byte altered in transit is caught by compareSummaries (or by pax)', async () => {
    const target = emptyZonepath();
    const t = await transfer(SMALL, target, (chunk, index) => {
      // A chunk in the middle of the 6 MiB archive (chunks are MAX_CHUNK_BYTES).
      if (index !== 3) return chunk;
      const altered = Buffer.from(chunk);
      altered[100] = altered[100]! ^ 0xff;
      return altered;
    });
    const sent = value(t.sent);
    if (t.received.status === 'rejected') {
      expect((t.received.reason as TwinzoneError).code).toBe('COMMAND_FAILED');
      return;
    }
    expect(t.received.value.bytes).toBe(sent.bytes);
    expect(t.received.value.sha256).not.toBe(sent.sha256);
    let err: unknown;
    try {
      compareSummaries(sent, t.received.value);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TwinzoneError);
    expect((err as TwinzoneError).code).toBe('TRANSFER_CORRUPTED');
    expect((err as TwinzoneError).details.fields).toMatchObject({ sentSha256: sent.sha256, receivedSha256: t.received.value.sha256 });
  });

  it('a stream cut short is refused by pax or caught by compareSummaries', async () => {
    const target = emptyZonepath();
    const t = await transfer(SMALL, target, (chunk, index) => (index < 3 ? chunk : null));
    const sent = value(t.sent);
    if (t.received.status === 'rejected') {
      // Debian pax reading a pipe: "pax: End of archive volume 1 reached", exit 1.
      expect((t.received.reason as TwinzoneError).code).toBe('COMMAND_FAILED');
      return;
    }
    const received = t.received.value;
    expect(received.bytes).toBeLessThan(sent.bytes);
    expect(() => compareSummaries(sent, received)).toThrow(expect.objectContaining({ code: 'TRANSFER_CORRUPTED' }));
  });

  it('bytes after the archive trailer are counted, whether pax reads them or exits first', async () => {
    const archivePath = `/var/tmp/small-${++seq}.pax`;
    fs.mkdirSync(path.join(fsRoot, 'var/tmp'), { recursive: true });
    const created = await createArchiveFile(makeCtx(), { zonepath: SMALL, archivePath });
    const tail = Buffer.alloc(4 * MiB, 0x5a);
    async function* archiveThenTail(): AsyncGenerator<Buffer> {
      for await (const chunk of fs.createReadStream(path.join(fsRoot, archivePath), { highWaterMark: MAX_CHUNK_BYTES })) yield chunk as Buffer;
      for (let i = 0; i < tail.length; i += MAX_CHUNK_BYTES) yield tail.subarray(i, i + MAX_CHUNK_BYTES);
    }
    const target = emptyZonepath();
    const received = await receiveIntoZonepath(makeCtx(), { zonepath: target }, archiveThenTail());
    expect(received.bytes).toBe(created.bytes + tail.length);
    expect(received.commands[0]!.exitCode).toBe(0);
    expect(fs.existsSync(path.join(fsRoot, target, 'root/opt/app/lib/app.dat'))).toBe(true);
  });

  it('a cancelled call kills the receiving pax and reports CANCELLED', async () => {
    const cancel = new AbortController();
    const targetCtx = makeCtx({ host: 'hostB', signal: cancel.signal });
    const t = await transfer(
      BIG,
      emptyZonepath(),
      (chunk, index) => {
        if (index === 10) cancel.abort();
        return chunk;
      },
      targetCtx,
    );
    expect(t.received.status).toBe('rejected');
    expect(((t.received as PromiseRejectedResult).reason as TwinzoneError).code).toBe('CANCELLED');
    expect(targetCtx.commands).toHaveLength(1);
    // The receiver stopped reading, so the sender's sink failed and its pax was stopped.
    expect(t.sent.status).toBe('rejected');
    expect(t.sourceCtx.commands[0]!.exitCode).not.toBe(0);
  });

  it('a source failing midway kills pax and rethrows the source error', async () => {
    const target = emptyZonepath();
    const boom = new Error('the sender went away');
    const ctx = makeCtx();
    let head: Buffer | null = null;
    await streamZonepathOut(makeCtx(), { zonepath: SMALL }, async (chunk) => {
      head ??= Buffer.from(chunk);
    });
    async function* source(): AsyncGenerator<Buffer> {
      // The start of a real archive, then the failure while pax waits for more.
      yield head!;
      await new Promise((r) => setTimeout(r, 50));
      throw boom;
    }
    await expect(receiveIntoZonepath(ctx, { zonepath: target }, source())).rejects.toBe(boom);
    expect(ctx.commands).toHaveLength(1);
    expect(ctx.commands[0]!.exitCode).not.toBe(0);
  });

  it('a sink failing midway (the receiver went away) kills pax and rethrows', async () => {
    const gone = new Error('the receiver went away');
    const ctx = makeCtx();
    let calls = 0;
    const sink = async (): Promise<void> => {
      calls += 1;
      if (calls === 20) throw gone;
    };
    await expect(streamZonepathOut(ctx, { zonepath: BIG }, sink)).rejects.toBe(gone);
    expect(calls).toBe(20);
    expect(ctx.commands).toHaveLength(1);
    expect(ctx.commands[0]!.exitCode).not.toBe(0);
  });

  it.skipIf(!isRoot)('a full target file system is INSUFFICIENT_SPACE', async (testCtx) => {
    const target = emptyZonepath();
    const real = path.join(fsRoot, target);
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2m,mode=700', 'tmpfs', real]);
    if (mounted.status !== 0) {
      testCtx.skip();
      return;
    }
    try {
      const t = await transfer(SMALL, target);
      expect(t.received.status).toBe('rejected');
      expect(((t.received as PromiseRejectedResult).reason as TwinzoneError).code).toBe('INSUFFICIENT_SPACE');
      // pax goes on reading after a failed write (reference 5.1), so the sender finishes.
      expect(t.targetCtx.commands).toHaveLength(1);
    } finally {
      spawnSync('umount', [real]);
    }
  });
});

describe('archive files (--via-file)', () => {
  it('creates an archive file and extracts it into an empty zonepath', async () => {
    const archivePath = '/var/tmp/web01.pax';
    fs.mkdirSync(path.join(fsRoot, 'var/tmp'), { recursive: true });
    const created = await createArchiveFile(makeCtx(), { zonepath: BIG, archivePath });
    const real = path.join(fsRoot, archivePath);
    expect(created.bytes).toBe(fs.statSync(real).size);
    expect(created.sha256).toBe(await sha256File(real));
    expect(created.commands[0]!.argv).toEqual(['/usr/bin/pax', ...detectPlatformProfile().paxWriteArgs, '-f', real, '.']);

    const target = emptyZonepath();
    const extracted = await extractArchiveFile(makeCtx({ host: 'hostB' }), { zonepath: target, archivePath });
    expect(extracted.sha256).toBe(created.sha256);
    expect(extracted.bytes).toBe(created.bytes);
    expect(extracted.warnings.some((w) => w.includes('app.sock'))).toBe(true);
    await expectSameTree(BIG, target);

    // Never overwritten; never extracted over a non-empty zonepath.
    const before = fs.statSync(real).mtimeMs;
    expect(await codeOf(createArchiveFile(makeCtx(), { zonepath: SMALL, archivePath }))).toBe('PRECONDITION_FAILED');
    expect(fs.statSync(real).mtimeMs).toBe(before);
    expect(await codeOf(extractArchiveFile(makeCtx(), { zonepath: target, archivePath }))).toBe('PRECONDITION_FAILED');
  });

  it('refuses a missing archive, a missing zonepath and an archive inside the zonepath', async () => {
    const ctx = makeCtx();
    expect(await codeOf(extractArchiveFile(ctx, { zonepath: emptyZonepath(), archivePath: '/var/tmp/nosuch.pax' }))).toBe('PRECONDITION_FAILED');
    expect(await codeOf(createArchiveFile(ctx, { zonepath: '/zones/nosuch', archivePath: '/var/tmp/x.pax' }))).toBe('PRECONDITION_FAILED');
    expect(await codeOf(createArchiveFile(ctx, { zonepath: SMALL, archivePath: `${SMALL}/self.pax` }))).toBe('INVALID_ARGUMENT');
    expect(ctx.commands).toEqual([]);
  });

  it.skipIf(!isRoot)('removes the partial archive when the file system fills up', async (testCtx) => {
    const dir = path.join(fsRoot, 'var/full');
    fs.mkdirSync(dir, { recursive: true });
    if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir]).status !== 0) {
      testCtx.skip();
      return;
    }
    try {
      expect(await codeOf(createArchiveFile(makeCtx(), { zonepath: SMALL, archivePath: '/var/full/small01.pax' }))).toBe('INSUFFICIENT_SPACE');
      expect(fs.readdirSync(dir)).toEqual([]);
    } finally {
      spawnSync('umount', [dir]);
    }
  });
});

describe('dry run', () => {
  it('runs nothing, touches nothing and plans the pax command', async () => {
    const runner = new ScriptedRunner(); // any call fails the test
    const ctx = makeCtx({ runner, dryRun: true });
    const profile = detectPlatformProfile();
    let pulled = 0;
    async function* source(): AsyncGenerator<Buffer> {
      pulled += 1;
      yield Buffer.alloc(1);
    }
    const out = await streamZonepathOut(ctx, { zonepath: BIG }, async () => {
      throw new Error('the sink must not be called');
    });
    const inn = await receiveIntoZonepath(ctx, { zonepath: '/zones/notyet' }, source());
    const created = await createArchiveFile(ctx, { zonepath: BIG, archivePath: '/var/tmp/dry.pax' });
    const extracted = await extractArchiveFile(ctx, { zonepath: '/zones/notyet', archivePath: '/var/tmp/dry.pax' });
    for (const s of [out, inn, created, extracted]) expect(s).toMatchObject({ bytes: 0, sha256: '', warnings: [] });
    expect(runner.calls).toEqual([]);
    expect(pulled).toBe(0);
    expect(fs.existsSync(path.join(fsRoot, 'var/tmp/dry.pax'))).toBe(false);
    expect(ctx.commands.map((c) => [c.planned, c.argv.slice(1)])).toEqual([
      [true, [...profile.paxWriteArgs, '.']],
      [true, profile.paxReadArgs],
      [true, [...profile.paxWriteArgs, '-f', path.join(fsRoot, '/var/tmp/dry.pax'), '.']],
      [true, [...profile.paxReadArgs, '-f', path.join(fsRoot, '/var/tmp/dry.pax')]],
    ]);
  });
});

// ---------------------------------------------------------------- helpers

/** Counts what node holds between pax and the other end: stdout read ahead, stdin queued. */
class CountingRunner implements CommandRunner {
  bytesRead = 0;
  /** Largest backlog node held for pax's stdin right after a write. */
  maxStdinBuffered = 0;
  stdinWrites = 0;

  constructor(private readonly inner: CommandRunner) {}

  run = (spec: Parameters<CommandRunner['run']>[0]): ReturnType<CommandRunner['run']> => this.inner.run(spec);
  argvOf = (spec: Parameters<CommandRunner['argvOf']>[0]): string[] => this.inner.argvOf(spec);

  start(spec: StreamSpec): StreamingRun {
    const started = this.inner.start(spec);
    const stdout = started.stdout as (Readable & { push: Readable['push'] }) | null;
    if (stdout) {
      const push = stdout.push.bind(stdout);
      stdout.push = (chunk: unknown, encoding?: BufferEncoding): boolean => {
        if (chunk) this.bytesRead += (chunk as Buffer).length;
        return push(chunk, encoding);
      };
    }
    const stdin = started.stdin as (Writable & { write: (chunk: Buffer) => boolean }) | null;
    if (stdin) {
      const write = stdin.write.bind(stdin);
      stdin.write = (chunk: Buffer): boolean => {
        const ok = write(chunk);
        this.stdinWrites += 1;
        this.maxStdinBuffered = Math.max(this.maxStdinBuffered, stdin.writableLength);
        return ok;
      };
    }
    return started;
  }
}

describe('ChunkGatherer', () => {
  it('gathers pipe-sized pieces into full chunks and keeps the rest for the end', () => {
    const g = new ChunkGatherer(10);
    expect(g.push(Buffer.from('abcd'))).toEqual([]);
    const full = g.push(Buffer.from('efghijklmnopqrstuvwxy'));
    expect(full.map(String)).toEqual(['abcdefghij', 'klmnopqrst']);
    expect(String(g.rest())).toBe('uvwxy');
    expect(g.rest()).toBeNull();
  });
});
