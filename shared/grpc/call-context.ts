// What a handler knows about the call it serves: a logger already carrying rpc/op/zone,
// an AbortSignal fired when the caller cancels or the deadline passes, and the peer.
import type { Logger } from '../log/create-logger.js';
import type { Caller } from '../tls/roles.js';

export interface CallContext {
  log: Logger;
  signal: AbortSignal;
  peer: string;
  /** The caller's operation id, when the request or metadata names one. */
  op?: string;
  /** Who called, by the certificate access control admitted; absent on a plaintext (--insecure) server. */
  caller?: Caller;
}
