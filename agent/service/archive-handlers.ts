// The archive RPCs: a zonepath streamed out as pax bytes (server streaming), received
// and extracted (client streaming), pulled from a peer agent (the host-to-host copy), and
// the archive-file variants. Backpressure runs end to end: pax on the source is read
// only as fast as gRPC flow control lets the chunks leave, and the receiver's pax is fed
// only as fast as it extracts.
import { once } from 'node:events';
import { credentials, type ServerReadableStream, type ServerWritableStream } from '@grpc/grpc-js';
import { errors } from '../../shared/errors/twinzone-error.js';
import { fromGrpcError } from '../../shared/errors/grpc-errors.js';
import { clientStreaming, serverStreaming, unary } from '../../shared/grpc/unary-handler.js';
import type { CallContext } from '../../shared/grpc/call-context.js';
import { requirePath } from '../../shared/validate/paths.js';
import {
  AgentClient, CreateArchiveFileResponse, ExtractArchiveFileResponse, PullZonepathResponse, ReceiveZonepathResponse,
  type ArchiveSummary as ProtoSummary, type CreateArchiveFileRequest, type ExtractArchiveFileRequest, type PullZonepathRequest,
  type ReceiveZonepathRequest, type StreamZonepathOutRequest, type StreamZonepathOutResponse,
} from '../../shared/gen/twinzone/v1/agent.js';
import { OP_METADATA_KEY } from '../../shared/grpc/metadata-keys.js';
import type { AgentRuntime } from '../agent-runtime.js';
import { compareSummaries, createArchiveFile, extractArchiveFile, receiveIntoZonepath, streamZonepathOut, type ArchiveSummary } from '../ops/archive-ops.js';
import { mutationLabels, requireMutation, type MutationGate } from './mutation-gate.js';
import { Metadata } from '@grpc/grpc-js';


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

export function archiveHandlers(runtime: AgentRuntime, gate: MutationGate) {
  const { log } = runtime;
  const roots = runtime.config.allowedRoots;

  return {
    streamZonepathOut: serverStreaming<StreamZonepathOutRequest, StreamZonepathOutResponse>(log, 'StreamZonepathOut', mutationLabels, async (req, call, ctx) => {
      const m = requireMutation(req.mutation);
      requirePath('zonepath', req.zonepath, roots);
      // Reading the zonepath changes nothing here, but it is done for the zone's lease:
      // a stale caller is refused, and the zone is not changed underneath the stream.
      runtime.epochs.admit(m.zone, m.epoch, { record: !m.dryRun });
      const release = runtime.locks.acquire(m.zone, m.opId);
      try {
        const op = runtime.opContext(ctx, m.zone, m.dryRun);
        const summary = await streamZonepathOut(op, { zonepath: req.zonepath }, async (chunk) => {
          if (!(call as ServerWritableStream<StreamZonepathOutRequest, StreamZonepathOutResponse>).write({ part: { $case: 'data', value: chunk } })) {
            // A cancelled call never drains: the signal ends the wait (and the stream).
            await once(call, 'drain', { signal: ctx.signal });
          }
        });
        call.write({ part: { $case: 'summary', value: toProto(summary) } });
      } finally {
        release();
      }
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
        if (!/^[A-Za-z0-9.:[\]-]+:\d{1,5}$/.test(req.sourceAddress)) throw errors.invalidArgument(`source_address ${JSON.stringify(req.sourceAddress)} must be HOST:PORT`, { field: 'source_address' });
      }, async (op) => {
        if (op.dryRun) {
          const planned = await receiveIntoZonepath(op, { zonepath: req.zonepath }, (async function* () {})());
          return { outcome: `would pull ${req.sourceZonepath} from ${req.sourceAddress}`, changed: false, summary: toProto(planned), peerSummary: undefined, commands: op.commands };
        }
        const { received, sent } = await pullFromPeer(req, op, ctx);
        compareSummaries(sent, received);
        return { outcome: 'pulled and extracted', changed: true, summary: toProto(received), peerSummary: sent, commands: op.commands };
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

  /** Streams the peer's zonepath straight into this host's pax -r. */
  async function pullFromPeer(req: PullZonepathRequest, op: Parameters<typeof receiveIntoZonepath>[0], ctx: CallContext) {
    const peer = new AgentClient(req.sourceAddress, credentials.createInsecure());
    const metadata = new Metadata();
    metadata.set(OP_METADATA_KEY, `${req.mutation!.opId}:out`);
    const stream = peer.streamZonepathOut(
      { mutation: { ...req.mutation!, opId: `${req.mutation!.opId}:out` }, zonepath: req.sourceZonepath },
      metadata,
    );
    const cancel = () => stream.cancel();
    ctx.signal.addEventListener('abort', cancel, { once: true });
    let sent: ProtoSummary | undefined;
    async function* chunks(): AsyncGenerator<Buffer> {
      try {
        for await (const msg of stream as AsyncIterable<StreamZonepathOutResponse>) {
          if (msg.part?.$case === 'data') yield Buffer.from(msg.part.value);
          else if (msg.part?.$case === 'summary') sent = msg.part.value;
        }
      } catch (err) {
        throw fromGrpcError(err);
      }
    }
    try {
      const received = await receiveIntoZonepath(op, { zonepath: req.zonepath }, chunks());
      if (!sent) throw errors.invalidArgument(`the source agent at ${req.sourceAddress} ended the stream without its summary`);
      return { received, sent };
    } finally {
      ctx.signal.removeEventListener('abort', cancel);
      peer.close();
    }
  }
}
