// A service that is served before it may answer: its calls wait until `ready` settles.
// The coordinator serves Leases and Control at once on start, so agents can renew while
// unfinished runs are resumed (a holder that cannot renew self-fences), but Control calls
// are answered only once the resumed runs are back in hand (I4).
import type { UntypedHandleCall } from '@grpc/grpc-js';
import type { ServiceBinding } from './serve.js';

export function gatedBinding(binding: ServiceBinding, ready: Promise<unknown>): ServiceBinding {
  const implementation = Object.fromEntries(
    Object.entries(binding.implementation).map(([name, handler]) => [
      name,
      // Every handler shape (unary, streams) is a function of (call[, callback]).
      ((...args: unknown[]) => {
        void ready.then(() => (handler as (...a: unknown[]) => unknown)(...args));
      }) as UntypedHandleCall,
    ]),
  );
  return { ...binding, implementation };
}
