// Moving a zonepath as a pax archive: out of pax's stdout to a sink (StreamZonepathOut),
// from a stream into pax's stdin (ReceiveZonepath), and to or from a named archive file
// (the --via-file method). Every byte is hashed and counted on both sides, so the two
// ends can prove the archive arrived intact: pax itself exits 0 on a truncated archive.
//
// Memory stays bounded whatever the archive size: one chunk is in flight at a time and
// the next is read only once the sink (gRPC flow control) or pax's stdin has taken it.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { classifyPaxFailure, paxArgs, paxWarningsIfSucceeded } from '../commands/pax.js';
import { plannedRecord, type RunResult, type StreamSpec, type StreamingRun } from '../platform/command-runner.js';
import { TwinzoneError, type CommandRecord } from '../../shared/errors/twinzone-error.js';
import { isUnder, requirePath } from '../../shared/validate/paths.js';
import { commandError } from './command-errors.js';
import { exec, realPath, type OpContext } from './op-context.js';

export interface ArchiveSummary {
  bytes: number;
  /** Lower-case hex SHA-256 of the archive bytes; empty on a dry run. */
  sha256: string;
  /** pax's warnings: transient special files it could not carry. */
  warnings: string[];
  /** The pax command of this transfer (planned on a dry run). */
  commands: CommandRecord[];
}

/**
 * Largest chunk handed to a sink (a gRPC message stays well under its 4 MiB limit).
 * pax's output arrives in pipe-sized pieces (64 KiB); they are gathered up to this size
 * because every message costs a turn of both agents' event loops: with 64 KiB messages
 * a pull ran at a fifth of a local pax pipe (npm run bench).
 */
export const MAX_CHUNK_BYTES = 1024 * 1024;

// ---------------------------------------------------------------- streaming

/**
 * Runs `pax -w` in the zonepath and hands its archive to `sink` chunk by chunk; the
 * next chunk is read only once the sink's promise settles, so a slow receiver slows pax
 * down instead of filling memory. Read-only on this host.
 */
export async function streamZonepathOut(
  ctx: OpContext,
  req: { zonepath: string },
  sink: (chunk: Buffer) => Promise<void>,
): Promise<ArchiveSummary> {
  const zonepath = requirePath('zonepath', req.zonepath);
  const args = paxArgs.writeToStdout(ctx.platform);
  if (ctx.dryRun) return plannedSummary(ctx, args);
  await requireDirectory(ctx, zonepath);

  const pax = startPax(ctx, args, zonepath, { stdoutStream: true });
  const digest = new Digest();
  try {
    const gathered = new ChunkGatherer(MAX_CHUNK_BYTES);
    const send = async (chunk: Buffer) => {
      digest.add(chunk);
      await sink(chunk);
    };
    for await (const data of pax.run.stdout!) for (const chunk of gathered.push(data as Buffer)) await send(chunk);
    const rest = gathered.rest();
    if (rest) await send(rest);
  } catch (err) {
    // The sink failed (the receiver went away): stop pax rather than leave it blocked.
    await pax.abortAndRecord();
    throw err;
  }
  const result = await pax.finish();
  return digest.summary(result, paxOutcome(ctx, result));
}

/**
 * Extracts an archive arriving as `source` into an empty zonepath with `pax -r` reading
 * stdin. Writes respect stdin's backpressure. If the source fails, pax is killed and the
 * source's error rethrown; if pax fails, its error is thrown without reading the rest.
 */
export async function receiveIntoZonepath(
  ctx: OpContext,
  req: { zonepath: string },
  source: AsyncIterable<Buffer>,
): Promise<ArchiveSummary> {
  const zonepath = requirePath('zonepath', req.zonepath);
  const args = paxArgs.readFromStdin(ctx.platform);
  if (ctx.dryRun) return plannedSummary(ctx, args);
  await requireEmptyDirectory(ctx, zonepath);

  const pax = startPax(ctx, args, zonepath, { stdinStream: true });
  const stdin = new PaxStdin(pax.run.stdin!);
  const digest = new Digest();
  try {
    for await (const chunk of source) {
      digest.add(chunk);
      if (await stdin.write(chunk)) continue;
      // pax stopped reading. A failure is reported now, without draining the sender;
      // after a success (pax read the trailer) the rest is padding: it is still hashed
      // and counted, so both ends account for the same stream.
      const early = await pax.finish();
      paxOutcome(ctx, early);
    }
  } catch (err) {
    if (!pax.finished) await pax.abortAndRecord();
    throw err;
  }
  stdin.end();
  const result = await pax.finish();
  return digest.summary(result, paxOutcome(ctx, result));
}

/** Throws TRANSFER_CORRUPTED unless both ends counted and hashed the same archive. */
export function compareSummaries(sent: Pick<ArchiveSummary, 'bytes' | 'sha256'>, received: Pick<ArchiveSummary, 'bytes' | 'sha256'>): void {
  if (sent.bytes === received.bytes && sent.sha256 === received.sha256) return;
  throw new TwinzoneError(
    'TRANSFER_CORRUPTED',
    `the zonepath archive did not arrive intact: sent ${sent.bytes} bytes (sha256 ${sent.sha256}), received ${received.bytes} bytes (sha256 ${received.sha256})`,
    {
      fields: {
        sentBytes: String(sent.bytes),
        sentSha256: sent.sha256,
        receivedBytes: String(received.bytes),
        receivedSha256: received.sha256,
      },
    },
  );
}

// ---------------------------------------------------------------- archive files

/**
 * `pax -w -f ARCHIVE .` in the zonepath, then the archive's size and SHA-256. An
 * existing archive is refused (replays are answered by op id before this runs); a
 * partial archive left by a failed pax is removed, since this call created it.
 */
export async function createArchiveFile(ctx: OpContext, req: { zonepath: string; archivePath: string }): Promise<ArchiveSummary> {
  const { zonepath, archivePath } = archivePaths(req);
  // pax itself opens the archive, so it gets the real path (the same on Solaris).
  const args = paxArgs.writeToFile(ctx.platform, realPath(ctx, archivePath));
  if (ctx.dryRun) return plannedSummary(ctx, args);
  await requireDirectory(ctx, zonepath);
  if (await pathExists(realPath(ctx, archivePath))) {
    throw precondition(ctx, `archive ${archivePath} already exists on ${ctx.host}; refusing to overwrite it`, { archivePath });
  }

  const result = await exec(ctx, 'pax', args, { mutating: true, cwd: zonepath, timeoutMs: paxTimeoutMs(ctx) });
  let warnings: string[];
  try {
    warnings = paxOutcome(ctx, result);
  } catch (err) {
    await fs.rm(realPath(ctx, archivePath), { force: true });
    throw err;
  }
  const file = await hashFile(realPath(ctx, archivePath));
  return { ...file, warnings, commands: [result.record] };
}

/** The archive's size and SHA-256, then `pax -r -f ARCHIVE` into an empty zonepath. */
export async function extractArchiveFile(ctx: OpContext, req: { zonepath: string; archivePath: string }): Promise<ArchiveSummary> {
  const { zonepath, archivePath } = archivePaths(req);
  const args = paxArgs.readFromFile(ctx.platform, realPath(ctx, archivePath));
  if (ctx.dryRun) return plannedSummary(ctx, args);
  const stat = await fs.stat(realPath(ctx, archivePath)).catch(() => null);
  if (!stat?.isFile()) throw precondition(ctx, `archive ${archivePath} does not exist on ${ctx.host} or is not a file`, { archivePath });
  await requireEmptyDirectory(ctx, zonepath);

  const file = await hashFile(realPath(ctx, archivePath));
  const result = await exec(ctx, 'pax', args, { mutating: true, cwd: zonepath, timeoutMs: paxTimeoutMs(ctx) });
  return { ...file, warnings: paxOutcome(ctx, result), commands: [result.record] };
}

// ---------------------------------------------------------------- archive files between hosts

/**
 * Hands an archive file to `sink` chunk by chunk after announcing its size; the next
 * chunk is read only once the sink has taken the last one. Read-only on this host.
 */
export async function streamFileOut(
  ctx: OpContext,
  req: { archivePath: string },
  sink: { size(bytes: number): Promise<void>; data(chunk: Buffer): Promise<void> },
): Promise<{ bytes: number; sha256: string }> {
  const archivePath = requirePath('archivePath', req.archivePath);
  const real = realPath(ctx, archivePath);
  const stat = await fs.stat(real).catch(() => null);
  if (!stat?.isFile()) throw precondition(ctx, `archive ${archivePath} does not exist on ${ctx.host} or is not a file`, { archivePath });
  if (ctx.dryRun) return { bytes: 0, sha256: '' };
  await sink.size(stat.size);
  const digest = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(real, { highWaterMark: MAX_CHUNK_BYTES, signal: ctx.signal })) {
    digest.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
    await sink.data(chunk as Buffer);
  }
  return { bytes, sha256: digest.digest('hex') };
}

/**
 * Writes an arriving archive beside archivePath, fsyncs it, lets `verify` compare it
 * with the sender's account, and only then renames it into place: a torn or corrupted
 * copy never sits under the name the extraction will read. An existing archive is
 * refused, as createArchiveFile refuses one.
 */
export async function receiveFile(
  ctx: OpContext,
  req: { archivePath: string },
  source: AsyncIterable<Buffer>,
  verify: (received: { bytes: number; sha256: string }) => void,
): Promise<{ bytes: number; sha256: string }> {
  const archivePath = requirePath('archivePath', req.archivePath);
  const real = realPath(ctx, archivePath);
  const dir = path.posix.dirname(archivePath);
  const dirStat = await fs.stat(realPath(ctx, dir)).catch(() => null);
  if (!dirStat?.isDirectory()) throw precondition(ctx, `directory ${dir} for the archive does not exist on ${ctx.host}`, { archivePath });
  if (await pathExists(real)) throw precondition(ctx, `archive ${archivePath} already exists on ${ctx.host}; refusing to overwrite it`, { archivePath });
  if (ctx.dryRun) return { bytes: 0, sha256: '' };

  const partial = `${real}.twinzone-partial`;
  // A partial copy can only be this operation's own from an earlier, failed attempt.
  await fs.rm(partial, { force: true });
  const file = await fs.open(partial, 'wx', 0o600);
  const digest = createHash('sha256');
  let bytes = 0;
  try {
    try {
      for await (const chunk of source) {
        digest.update(chunk);
        bytes += chunk.length;
        await file.write(chunk);
      }
      await file.sync();
    } finally {
      await file.close();
    }
    const received = { bytes, sha256: digest.digest('hex') };
    verify(received);
    await fs.rename(partial, real);
    return received;
  } catch (err) {
    await fs.rm(partial, { force: true });
    throw err;
  }
}

/**
 * The bytes of the regular files under a zonepath: what its archive will roughly weigh
 * (pax adds headers and padding). Counted beside the stream for progress only; unreadable
 * entries are skipped rather than failing a transfer over an estimate.
 */
export async function estimateTreeBytes(ctx: OpContext, zonepath: string): Promise<number> {
  let total = 0;
  const pending = [realPath(ctx, zonepath)];
  while (pending.length > 0 && !ctx.signal.aborted) {
    const dir = pending.pop()!;
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) pending.push(full);
      else if (e.isFile()) total += (await fs.lstat(full).catch(() => null))?.size ?? 0;
    }
  }
  return total;
}

function archivePaths(req: { zonepath: string; archivePath: string }): { zonepath: string; archivePath: string } {
  const zonepath = requirePath('zonepath', req.zonepath);
  const archivePath = requirePath('archivePath', req.archivePath);
  // An archive inside the zonepath would archive itself, or be extracted over.
  if (isUnder(archivePath, zonepath)) {
    throw new TwinzoneError('INVALID_ARGUMENT', `archivePath ${archivePath} is inside the zonepath ${zonepath}`, { fields: { field: 'archivePath' } });
  }
  return { zonepath, archivePath };
}

// ---------------------------------------------------------------- preconditions

function precondition(ctx: OpContext, message: string, fields: Record<string, string>): TwinzoneError {
  return new TwinzoneError('PRECONDITION_FAILED', message, { fields: { host: ctx.host, ...fields }, commands: [...ctx.commands] });
}

async function pathExists(real: string): Promise<boolean> {
  return fs.lstat(real).then(
    () => true,
    () => false,
  );
}

async function requireDirectory(ctx: OpContext, zonepath: string): Promise<void> {
  const stat = await fs.stat(realPath(ctx, zonepath)).catch(() => null);
  if (!stat) throw precondition(ctx, `zonepath ${zonepath} does not exist on ${ctx.host}`, { zonepath });
  if (!stat.isDirectory()) throw precondition(ctx, `zonepath ${zonepath} on ${ctx.host} is not a directory`, { zonepath });
}

/**
 * The target must be as a fresh prepare leaves it: empty, apart from the empty
 * lost+found a UFS or VxFS file system mounted there starts with. Anything else is
 * refused, so a wrong target path never has files extracted over it.
 */
async function requireEmptyDirectory(ctx: OpContext, zonepath: string): Promise<void> {
  await requireDirectory(ctx, zonepath);
  const real = realPath(ctx, zonepath);
  const entries = await fs.readdir(real);
  const foreign: string[] = [];
  for (const name of entries) {
    if (name === 'lost+found' && (await fs.readdir(`${real}/${name}`).catch(() => ['?'])).length === 0) continue;
    foreign.push(name);
  }
  if (foreign.length > 0) {
    const shown = foreign.slice(0, 5).join(', ') + (foreign.length > 5 ? `, ... (${foreign.length} entries)` : '');
    throw precondition(ctx, `zonepath ${zonepath} on ${ctx.host} is not empty (${shown}); refusing to extract into it`, { zonepath });
  }
}

// ---------------------------------------------------------------- pax runs

function paxTimeoutMs(ctx: OpContext): number {
  return ctx.timeouts.perCommand?.pax ?? ctx.timeouts.default;
}

/** Warnings if pax succeeded (see paxWarningsIfSucceeded); otherwise its error. */
function paxOutcome(ctx: OpContext, result: RunResult): string[] {
  const warnings = paxWarningsIfSucceeded(result);
  if (warnings === null) throw commandError(ctx, result, classifyPaxFailure);
  return warnings;
}

function plannedSummary(ctx: OpContext, args: string[]): ArchiveSummary {
  const record = plannedRecord(ctx.runner.argvOf({ command: 'pax', args }));
  ctx.commands.push(record);
  return { bytes: 0, sha256: '', warnings: [], commands: [record] };
}

interface PaxRun {
  run: StreamingRun;
  finished: boolean;
  /** Awaits pax's end once and records it in ctx.commands. */
  finish(): Promise<RunResult>;
  /** Kills pax (SIGTERM, then SIGKILL) and records how it ended. */
  abortAndRecord(): Promise<void>;
}

function startPax(ctx: OpContext, args: string[], zonepath: string, streams: Pick<StreamSpec, 'stdinStream' | 'stdoutStream'>): PaxRun {
  // Our own controller, so pax can be stopped when the other end fails, joined with the
  // caller's so a cancelled call stops it too.
  const abort = new AbortController();
  const run = ctx.runner.start({
    command: 'pax',
    args,
    timeoutMs: paxTimeoutMs(ctx),
    cwd: realPath(ctx, zonepath),
    signal: AbortSignal.any([ctx.signal, abort.signal]),
    log: ctx.log,
    ...streams,
  });
  let ended: Promise<RunResult> | undefined;
  const pax: PaxRun = {
    run,
    finished: false,
    finish() {
      ended ??= run.done.then((result) => {
        pax.finished = true;
        ctx.commands.push(result.record);
        return result;
      });
      return ended;
    },
    async abortAndRecord() {
      abort.abort();
      // Unread output would keep a killed pax's pipe open; let it flow away.
      run.stdout?.resume();
      run.stdin?.destroy();
      await pax.finish();
    },
  };
  return pax;
}

/**
 * pax's stdin with backpressure. write() resolves true once the chunk is taken (after
 * 'drain' when the pipe is full) and false once pax has closed its end (EPIPE); from
 * then on chunks are dropped, and pax's exit says whether that was a failure.
 */
class PaxStdin {
  private open = true;

  constructor(private readonly stream: Writable) {
    // EPIPE arrives here when pax exits before reading everything; its exit code and
    // stderr, not the pipe error, are what the operator needs.
    stream.on('error', () => {
      this.open = false;
    });
    stream.on('close', () => {
      this.open = false;
    });
  }

  async write(chunk: Buffer): Promise<boolean> {
    if (!this.open || this.stream.destroyed) return false;
    if (!this.stream.write(chunk)) await this.drained();
    return this.open && !this.stream.destroyed;
  }

  end(): void {
    if (this.open && !this.stream.destroyed) this.stream.end();
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const settle = (): void => {
        this.stream.off('drain', settle);
        this.stream.off('close', settle);
        this.stream.off('error', settle);
        resolve();
      };
      this.stream.on('drain', settle);
      this.stream.on('close', settle);
      this.stream.on('error', settle);
    });
  }
}

// ---------------------------------------------------------------- hashing

class Digest {
  private readonly hash = createHash('sha256');
  private bytes = 0;

  add(chunk: Buffer): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
  }

  summary(result: RunResult, warnings: string[]): ArchiveSummary {
    return { bytes: this.bytes, sha256: this.hash.digest('hex'), warnings, commands: [result.record] };
  }
}

/** Gathers small buffers into chunks of exactly `size` bytes (the last one may be shorter). */
export class ChunkGatherer {
  private parts: Buffer[] = [];
  private bytes = 0;

  constructor(private readonly size: number) {}

  /** The full chunks DATA completes, in order. */
  push(data: Buffer): Buffer[] {
    this.parts.push(data);
    this.bytes += data.length;
    if (this.bytes < this.size) return [];
    const all = Buffer.concat(this.parts, this.bytes);
    const full: Buffer[] = [];
    let offset = 0;
    for (; all.length - offset >= this.size; offset += this.size) full.push(all.subarray(offset, offset + this.size));
    this.parts = offset < all.length ? [all.subarray(offset)] : [];
    this.bytes = all.length - offset;
    return full;
  }

  /** What is left once the input ended, or null. */
  rest(): Buffer | null {
    if (this.bytes === 0) return null;
    const last = Buffer.concat(this.parts, this.bytes);
    this.parts = [];
    this.bytes = 0;
    return last;
  }
}

/** Size and SHA-256 of a file, streamed through the hash (never read whole). */
async function hashFile(real: string): Promise<{ bytes: number; sha256: string }> {
  const digest = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(real, { highWaterMark: MAX_CHUNK_BYTES })) {
    digest.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { bytes, sha256: digest.digest('hex') };
}
