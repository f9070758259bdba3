// The pacing of retries: exponential, capped, jittered within the upper half of each
// step (never an immediate retry), and bounded.
import { describe, expect, it } from 'vitest';
import { backoffDelayMs, withRetries, type RetryPolicy } from './call-retry.js';

const policy: RetryPolicy = { maxAttempts: 5, initialDelayMs: 100, maxDelayMs: 500 };

describe('backoffDelayMs', () => {
  it('doubles each step up to the cap, jittered between half and all of it', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffDelayMs(n, policy, () => 0))).toEqual([50, 100, 200, 250, 250]);
    expect([1, 2, 3, 4, 5].map((n) => backoffDelayMs(n, policy, () => 1))).toEqual([100, 200, 400, 500, 500]);
  });
});

describe('withRetries', () => {
  it('stops at maxAttempts and throws the last error', async () => {
    let calls = 0;
    const fast = { ...policy, initialDelayMs: 1, maxDelayMs: 2 };
    await expect(withRetries(async (n) => { calls = n; throw new Error(`fail ${n}`); }, { policy: fast, retryable: () => true })).rejects.toThrow('fail 5');
    expect(calls).toBe(5);
  });

  it('makes no attempt once the signal is aborted', async () => {
    let calls = 0;
    const err = await withRetries(async () => { calls++; return 1; }, { policy, retryable: () => true, signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CANCELLED' });
    expect(calls).toBe(0);
  });
});
