// Helpers for integration tests that call real agents by RPC name: the call itself, the
// refusal a call is expected to end in, mutation headers with op ids unique per test
// file, and polling for something the lab does in the background.
import type { AgentLab } from './agent-fixture.js';
import { failure } from './rejections.js';

export type Reply = Record<string, any>;

/** The unary Agent call METHOD (by name) on HOST, with a deadline (default 120 s). */
export function rpc<R = Reply>(lab: AgentLab, host: string, method: string, req: unknown, deadlineMs = 120_000): Promise<R> {
  return lab.call<unknown, R>(host, (c) => (c as unknown as Record<string, (...a: never[]) => unknown>)[method]!, req, deadlineMs);
}

/** The gRPC error (code and message) P rejects with; fails the test if the call succeeds. */
export function refusal(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  return failure(p, 'the call succeeded');
}

/** A mutation header with an explicit op id. */
export function mutation(opId: string, zone: string, epoch = 1, dryRun = false) {
  return { mutation: { opId, epoch, dryRun, zone } };
}

/** A mutation factory whose op ids are PREFIX-1, PREFIX-2, ...: unique as long as the prefix is unique per test file. */
export function mutations(prefix: string): (zone: string, epoch?: number, dryRun?: boolean) => ReturnType<typeof mutation> {
  let seq = 0;
  return (zone, epoch = 1, dryRun = false) => mutation(`${prefix}-${++seq}`, zone, epoch, dryRun);
}

/** Polls COND every 25 ms until it holds; fails after MS. */
export async function waitFor(cond: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}
