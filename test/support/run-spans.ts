// When each run was in progress, from its journalled steps (read through the CLI), and
// how many were at once: what the site-run tests prove waves and concurrency limits with.
import { cliJson, type RunJson } from './automation-lab.js';

export interface RunSpan {
  runId: string;
  kind: string;
  state: string;
  requestedBy: string;
  /** Its first step's start and its last step's end (journal rows). */
  from: number;
  to: number;
}

/** Every run with steps, by zone. */
export async function runSpans(dir: string): Promise<Map<string, RunSpan[]>> {
  const reply = await cliJson<{ runs?: (RunJson & { steps?: { startedAtMs: number | string; finishedAtMs: number | string }[] })[] }>(dir, ['history', '--limit', '200']);
  const spans = new Map<string, RunSpan[]>();
  for (const r of reply.runs ?? []) {
    const steps = r.steps ?? [];
    if (steps.length === 0) continue;
    const span = { runId: r.runId, kind: r.kind, state: r.state, requestedBy: r.requestedBy, from: Math.min(...steps.map((x) => Number(x.startedAtMs))), to: Math.max(...steps.map((x) => Number(x.finishedAtMs))) };
    spans.set(r.zone, [...(spans.get(r.zone) ?? []), span]);
  }
  return spans;
}

/** The most spans open at one instant. */
export function maxOverlap(spans: { from: number; to: number }[]): number {
  const edges = spans.flatMap((s) => [{ at: s.from, d: 1 }, { at: s.to, d: -1 }]).sort((a, b) => a.at - b.at || a.d - b.d);
  let open = 0;
  let most = 0;
  for (const e of edges) {
    open += e.d;
    most = Math.max(most, open);
  }
  return most;
}
