// Bounded retries with exponential backoff and jitter, abortable. Which failures may be
// retried is the caller's decision (AgentConnection: transport failures of read-only and
// op-id calls only); this module only paces the attempts.
import { setTimeout as sleep } from 'node:timers/promises';
import { TwinzoneError } from '../../shared/errors/twinzone-error.js';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Ceiling of the first wait; each further wait doubles it, up to maxDelayMs. */
  initialDelayMs: number;
  maxDelayMs: number;
}

/** About 7.5 s of waiting at most: an agent restart fits; a longer outage is the sequencer's to handle (run blocked, retried on a timer). */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, initialDelayMs: 500, maxDelayMs: 5_000 };

/**
 * The wait after FAILED attempts (1, 2, ...): half the exponential ceiling plus a random
 * part of the other half, so a coordinator retrying many zones on one host after a blip
 * does not come back in lockstep, yet never retries immediately.
 */
export function backoffDelayMs(failed: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (failed - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export interface RetryOptions {
  policy: RetryPolicy;
  retryable(err: unknown): boolean;
  signal?: AbortSignal;
  random?: () => number;
  /** Told before each wait (for the log). */
  onRetry?(err: unknown, failed: number, delayMs: number): void;
}

export function cancelledError(attempts: number): TwinzoneError {
  return new TwinzoneError('CANCELLED', 'the caller cancelled the call', { fields: { attempts: String(attempts) } });
}

/** Runs ATTEMPT (given its 1-based number) until it succeeds, fails in a way not retryable, or the attempts run out; the last error is thrown. */
export async function withRetries<T>(attempt: (n: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  for (let n = 1; ; n++) {
    if (opts.signal?.aborted) throw cancelledError(n - 1);
    try {
      return await attempt(n);
    } catch (err) {
      if (opts.signal?.aborted) throw cancelledError(n);
      if (n >= opts.policy.maxAttempts || !opts.retryable(err)) throw err;
      const delayMs = backoffDelayMs(n, opts.policy, opts.random);
      opts.onRetry?.(err, n, delayMs);
      try {
        await sleep(delayMs, undefined, { signal: opts.signal });
      } catch {
        throw cancelledError(n);
      }
    }
  }
}
