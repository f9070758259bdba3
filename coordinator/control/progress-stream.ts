// Run progress events onto a server stream, one message per event, honouring the
// stream's backpressure (write() false: wait for 'drain') and stopping when the caller
// goes away. A caller that leaves does not stop the run: it keeps going in the
// sequencer and `twinzone history` or WatchRun find it again.
import type { ServerWritableStream } from '@grpc/grpc-js';
import type { RunProgress } from '../../shared/gen/twinzone/v1/control.js';
import type { RunProgressEvent } from '../runs/run-progress.js';
import { toProtoProgress } from './proto-convert.js';

export async function streamProgress<Req>(
  events: AsyncIterable<RunProgressEvent>,
  call: ServerWritableStream<Req, { progress: RunProgress | undefined }>,
  signal: AbortSignal,
): Promise<RunProgressEvent | undefined> {
  let last: RunProgressEvent | undefined;
  for await (const event of events) {
    last = event;
    if (signal.aborted) break;
    if (!call.write({ progress: toProtoProgress(event) })) {
      await new Promise<void>((resolve) => {
        const done = () => {
          call.off('drain', done);
          signal.removeEventListener('abort', done);
          resolve();
        };
        call.on('drain', done);
        signal.addEventListener('abort', done, { once: true });
      });
    }
  }
  return last;
}
