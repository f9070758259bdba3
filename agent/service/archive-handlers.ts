// The archive RPCs: a zonepath streamed out as pax bytes (server streaming), received
// and extracted (client streaming), pulled from a peer agent (the host-to-host copy), and
// the archive-file variants. Backpressure runs end to end: pax on the source is read
// only as fast as gRPC flow control lets the chunks leave, and the receiver's pax is fed
// only as fast as it extracts.
import { once } from 'node:events';
import { Metadata, type ClientReadableStream, type ServerReadableStream, type ServerWritableStream } from '@grpc/grpc-js';
import { errors } from '../../shared/errors/twinzone-error.js';
import { fromGrpcError } from '../../shared/errors/grpc-errors.js';
import { clientStreaming, serverStreaming, unary } from '../../shared/grpc/unary-handler.js';
import type { CallContext } from '../../shared/grpc/call-context.js';
import { requirePath } from '../../shared/validate/paths.js';
import {
  AgentClient, CreateArchiveFileResponse, ExtractArchiveFileResponse, PullArchiveFileResponse,
  PullZonepathResponse, ReceiveZonepathResponse, type ArchiveSummary as ProtoSummary, type CreateArchiveFileRequest,
  type ExtractArchiveFileRequest, type PullArchiveFileRequest,
  type PullZonepathRequest, type ReceiveZonepathRequest, type StreamArchiveFileOutRequest, type StreamArchiveFileOutResponse,
  type StreamZonepathOutRequest, type StreamZonepathOutResponse,
} from '../../shared/gen/twinzone/v1/agent.js';
import type { Mutation } from '../../shared/gen/twinzone/v1/common.js';
import { OP_METADATA_KEY } from '../../shared/grpc/metadata-keys.js';
import type { AgentRuntime } from '../agent-runtime.js';
import {
  compareSummaries, createArchiveFile, estimateTreeBytes, extractArchiveFile, receiveFile, receiveIntoZonepath, streamFileOut, streamZonepathOut,
  type ArchiveSummary,
} from '../ops/archive-ops.js';
import type { OpContext } from '../ops/op-context.js';
import type { TransferMeter } from '../state/transfer-progress.js';
import { mutationLabels, requireMutation, type MutationGate } from './mutation-gate.js';
import { peerStreamFor, type PeerStream } from '../security/peer-stream.js';
import { STREAM_OP_SUFFIX } from '../security/transfer-grant-gate.js';

/** The receiving side's HTTP/2 flow-control window for a pull (stream and connection). */
const PULL_WINDOW_BYTES = 8 * 1024 * 1024;

function toProto(s: ArchiveSummary): ProtoSummary {
  return { bytes: s.bytes, sha256: s.sha256, warnings: s.warnings, commands: s.commands };
}

/** The data chunks of a receive stream, after its header; the sender's summary is kept. */
async function* dataOf(messages: AsyncIterator<ReceiveZonepathRequest>, onSummary: (s: ProtoSummary) => void): AsyncGenerator<Buffer> {
  for (;;) {
    const next = await messages.next();
    if (next.done) return;
    const part = next.value.part;
    if (part?.$case === 'data') yield Buffer.from(part.value);
    else if (part?.$case === 'senderSummary') onSummary(part.value);
    else throw errors.invalidArgument('a receive stream carries its header only in the first message');
  }
}

const ADDRESS = /^[A-Za-z0-9.:[\]-]+:\d{1,5}$/;

function requireAddress(field: string, address: string): void {
  if (!ADDRESS.test(address)) throw errors.invalidArgument(`${field} ${JSON.stringify(address)} must be HOST:PORT`, { field });
}

type Writer<T> = ServerWritableStream<unknown, T>;

/** Writes one message, waiting for gRPC flow control; a cancelled call ends the wait. */
async function send<T>(call: Writer<T>, message: T, signal: AbortSignal): Promise<void> {
  if (!call.write(message)) await once(call, 'drain', { signal });
}

export function archiveHandlers(runtime: AgentRuntime, gate: MutationGate) {
  const { log } = runtime;
  const roots = runtime.config.allowedRoots;

  /**
   * A read of this host for a peer's pull. It changes nothing here, but it is done for
   * the zone's lease: a stale caller is refused and the zone is not changed underneath
   * the stream. The fence is checked, not moved: the puller carries the epoch reserved
   * for the target, and this host must still accept its own (current) epoch if the run
   * is rolled back.
   */
  async function readForPeer<T>(m: Mutation, ctx: CallContext, read: (op: OpContext) => Promise<T>): Promise<T> {
    runtime.epochs.admit(m.zone, m.epoch, { record: false });
    const release = runtime.locks.acquire(m.zone, m.opId);
    try {
      return await read(runtime.opContext(ctx, m.zone, m.dryRun));
    } finally {
      release();
    }
  }

  return {
    streamZonepathOut: serverStreaming<StreamZonepathOutRequest, StreamZonepathOutResponse>(log, 'StreamZonepathOut', mutationLabels, async (req, call, ctx) => {
      const m = requireMutation(req.mutation);
      requirePath('zonepath', req.zonepath, roots);
      // Only to the peer the coordinator named for this transfer, once (README "Security").
      runtime.grants?.admit(req.grant, { rpc: 'StreamZonepathOut', caller: ctx.caller, zone: m.zone, path: req.zonepath, opId: m.opId, epoch: m.epoch });
      const out = call as Writer<StreamZonepathOutResponse>;
      await readForPeer(m, ctx, async (op) => {
        // The estimate is counted beside the stream, never ahead of it: a slow walk of a
        // big tree must not delay the first bytes.
        let streaming = true;
        const estimate = op.dryRun
          ? Promise.resolve()
          : estimateTreeBytes(op, req.zonepath).then((n) => {
              if (streaming) out.write({ part: { $case: 'estimatedBytes', value: n } });
            });
        try {
          const summary = await streamZonepathOut(op, { zonepath: req.zonepath }, (chunk) => send(out, { part: { $case: 'data', value: chunk } }, ctx.signal));
          out.write({ part: { $case: 'summary', value: toProto(summary) } });
        } finally {
          streaming = false;
          await estimate.catch(() => undefined);
        }
      });
    }),

    receiveZonepath: clientStreaming<ReceiveZonepathRequest, ReceiveZonepathResponse>(log, 'ReceiveZonepath', async (call, ctx) => {
      const messages = (call as ServerReadableStream<ReceiveZonepathRequest, ReceiveZonepathResponse>)[Symbol.asyncIterator]();
      const first = await messages.next();
      const header = !first.done && first.value.part?.$case === 'header' ? first.value.part.value : undefined;
      if (!header) throw errors.invalidArgument('the first message of a receive stream must be its header');
      const scoped = { ...ctx, log: ctx.log.child({ op: header.mutation?.opId, zone: header.mutation?.zone }) };
      return gate.run('ReceiveZonepath', header.mutation, ReceiveZonepathResponse, scoped, () => requirePath('zonepath', header.zonepath, roots), async (op) => {
        let sent: ProtoSummary | undefined;
        const received = await receiveIntoZonepath(op, { zonepath: header.zonepath }, dataOf(messages, (s) => (sent = s)));
        if (!op.dryRun) {
          if (!sent) throw errors.invalidArgument('the receive stream ended without the sender summary');
          compareSummaries(sent, received);
        }
        return { outcome: op.dryRun ? 'would extract' : 'extracted', changed: !op.dryRun, summary: toProto(received), peerSummary: sent, commands: op.commands };
      });
    }),

    pullZonepath: unary<PullZonepathRequest, PullZonepathResponse>(log, 'PullZonepath', mutationLabels, (req, ctx) =>
      gate.run('PullZonepath', req.mutation, PullZonepathResponse, ctx, () => {
        requirePath('zonepath', req.zonepath, roots);
        requirePath('source_zonepath', req.sourceZonepath, roots);
        requireAddress('source_address', req.sourceAddress);
      }, async (op) => {
        if (op.dryRun) {
          const planned = await receiveIntoZonepath(op, { zonepath: req.zonepath }, (async function* () {})());
          return { outcome: `would pull ${req.sourceZonepath} from ${req.sourceAddress}`, changed: false, summary: toProto(planned), peerSummary: undefined, commands: op.commands };
        }
        const via = peerStreamFor(runtime, { rpc: 'PullZonepath', sourceAddress: req.sourceAddress, sourcePath: req.sourceZonepath, grant: req.grant });
        const { result: received, sent } = await pullFromPeer<StreamZonepathOutResponse, ArchiveSummary>(
          req.sourceAddress,
          req.mutation!,
          ctx,
          (peer, mutation, metadata) => peer.streamZonepathOut({ mutation, zonepath: req.sourceZonepath, grant: via.grant }, metadata),
          via,
          (chunks) => receiveIntoZonepath(op, { zonepath: req.zonepath }, chunks),
        );
        compareSummaries(sent, received);
        return { outcome: 'pulled and extracted', changed: true, summary: toProto(received), peerSummary: sent, commands: op.commands };
      }),
    ),

    streamArchiveFileOut: serverStreaming<StreamArchiveFileOutRequest, StreamArchiveFileOutResponse>(log, 'StreamArchiveFileOut', mutationLabels, async (req, call, ctx) => {
      const m = requireMutation(req.mutation);
      requirePath('archive_path', req.archivePath, roots);
      runtime.grants?.admit(req.grant, { rpc: 'StreamArchiveFileOut', caller: ctx.caller, zone: m.zone, path: req.archivePath, opId: m.opId, epoch: m.epoch });
      const out = call as Writer<StreamArchiveFileOutResponse>;
      await readForPeer(m, ctx, async (op) => {
        const sent = await streamFileOut(op, { archivePath: req.archivePath }, {
          size: (n) => send(out, { part: { $case: 'totalBytes', value: n } }, ctx.signal),
          data: (chunk) => send(out, { part: { $case: 'data', value: chunk } }, ctx.signal),
        });
        out.write({ part: { $case: 'summary', value: { ...sent, warnings: [], commands: [] } } });
      });
    }),

    pullArchiveFile: unary<PullArchiveFileRequest, PullArchiveFileResponse>(log, 'PullArchiveFile', mutationLabels, (req, ctx) =>
      gate.run('PullArchiveFile', req.mutation, PullArchiveFileResponse, ctx, () => {
        requirePath('archive_path', req.archivePath, roots);
        requirePath('source_archive_path', req.sourceArchivePath, roots);
        requireAddress('source_address', req.sourceAddress);
      }, async (op) => {
        if (op.dryRun) {
          await receiveFile(op, { archivePath: req.archivePath }, (async function* () {})(), () => undefined);
          return { outcome: `would copy ${req.sourceArchivePath} from ${req.sourceAddress} to ${req.archivePath}`, changed: false, summary: undefined, peerSummary: undefined, commands: [] };
        }
        let sentFirst: ProtoSummary | undefined;
        const via = peerStreamFor(runtime, { rpc: 'PullArchiveFile', sourceAddress: req.sourceAddress, sourcePath: req.sourceArchivePath, grant: req.grant });
        const { result: received, sent } = await pullFromPeer<StreamArchiveFileOutResponse, { bytes: number; sha256: string }>(
          req.sourceAddress,
          req.mutation!,
          ctx,
          (peer, mutation, metadata) => peer.streamArchiveFileOut({ mutation, archivePath: req.sourceArchivePath, grant: via.grant }, metadata),
          via,
          // The copy is renamed into place only once it matches the sender's account,
          // which arrives as the stream's last message: the receiver compares then.
          (chunks) => receiveFile(op, { archivePath: req.archivePath }, chunks, (got) => compareSummaries(sentFirst ?? { bytes: -1, sha256: '' }, got)),
          (s) => (sentFirst = s),
        );
        return {
          outcome: `copied ${received.bytes} bytes from ${req.sourceAddress}:${req.sourceArchivePath} to ${req.archivePath}`,
          changed: true,
          summary: { ...received, warnings: [], commands: [] },
          peerSummary: sent,
          commands: [],
        };
      }),
    ),

    createArchiveFile: unary<CreateArchiveFileRequest, CreateArchiveFileResponse>(log, 'CreateArchiveFile', mutationLabels, (req, ctx) =>
      gate.run('CreateArchiveFile', req.mutation, CreateArchiveFileResponse, ctx, () => {
        requirePath('zonepath', req.zonepath, roots);
        requirePath('archive_path', req.archivePath, roots);
      }, async (op) => {
        const s = await createArchiveFile(op, { zonepath: req.zonepath, archivePath: req.archivePath });
        return { outcome: op.dryRun ? 'would archive' : 'archived', changed: !op.dryRun, summary: toProto(s), peerSummary: undefined, commands: op.commands };
      }),
    ),

    extractArchiveFile: unary<ExtractArchiveFileRequest, ExtractArchiveFileResponse>(log, 'ExtractArchiveFile', mutationLabels, (req, ctx) =>
      gate.run('ExtractArchiveFile', req.mutation, ExtractArchiveFileResponse, ctx, () => {
        requirePath('zonepath', req.zonepath, roots);
        requirePath('archive_path', req.archivePath, roots);
      }, async (op) => {
        const s = await extractArchiveFile(op, { zonepath: req.zonepath, archivePath: req.archivePath });
        return { outcome: op.dryRun ? 'would extract' : 'extracted', changed: !op.dryRun, summary: toProto(s), peerSummary: undefined, commands: op.commands };
      }),
    ),
  };

  /**
   * Opens a stream on the source agent (same zone and epoch, op id suffixed `:out`) and
   * feeds its data chunks to `consume`, counting them for GetTransferProgress. The
   * source's summary is its last message; `onSummary` sees it as soon as it arrives.
   */
  async function pullFromPeer<M extends PeerMessage, R>(
    address: string,
    mutation: Mutation,
    ctx: CallContext,
    open: (peer: AgentClient, mutation: Mutation, metadata: Metadata) => ClientReadableStream<M>,
    via: PeerStream,
    consume: (chunks: AsyncIterable<Buffer>) => Promise<R>,
    onSummary: (s: ProtoSummary) => void = () => undefined,
  ): Promise<{ result: R; sent: ProtoSummary }> {
    // HTTP/2's default 64 KiB flow-control window let one window of archive cross per
    // round trip between the agents; a wider one keeps pax on both sides busy (npm run
    // bench). Memory stays bounded by it.
    const peer = new AgentClient(address, via.credentials, { ...via.options, 'grpc-node.flow_control_window': PULL_WINDOW_BYTES });
    const out = { ...mutation, opId: `${mutation.opId}${STREAM_OP_SUFFIX}` };
    const metadata = new Metadata();
    metadata.set(OP_METADATA_KEY, out.opId);
    const stream = open(peer, out, metadata);
    // Errors reach us through the iterator while the stream is read; one that arrives
    // when it is not (the receiver refused before reading, the stream cancelled below)
    // must not be an unhandled 'error' event, which would take the agent down.
    stream.on('error', () => undefined);
    const cancel = () => stream.cancel();
    ctx.signal.addEventListener('abort', cancel, { once: true });
    const meter = runtime.transfers.start(mutation.opId);
    let sent: ProtoSummary | undefined;
    async function* chunks(): AsyncGenerator<Buffer> {
      try {
        for await (const msg of stream as AsyncIterable<M>) {
          const part = msg.part;
          if (part?.$case === 'data') {
            meter.add(part.value.length);
            yield Buffer.from(part.value);
          } else if (part?.$case === 'summary') {
            sent = part.value;
            onSummary(part.value);
          } else if (part) noteTotal(meter, part);
        }
      } catch (err) {
        throw fromGrpcError(err);
      }
    }
    try {
      const result = await consume(chunks());
      if (!sent) throw errors.invalidArgument(`the source agent at ${address} ended the stream without its summary`);
      return { result, sent };
    } finally {
      meter.finish();
      ctx.signal.removeEventListener('abort', cancel);
      // A receiver that stopped early leaves the source streaming into nothing: stop it.
      cancel();
      peer.close();
    }
  }
}

type PeerMessage = StreamZonepathOutResponse | StreamArchiveFileOutResponse;

function noteTotal(meter: TransferMeter, part: NonNullable<PeerMessage['part']>): void {
  if (part.$case === 'estimatedBytes' || part.$case === 'totalBytes') meter.setTotal(part.value);
}
