// Progress bars on a terminal, drawn by cli-progress: one bar per run (steps done of
// its steps; a multi-zone run shows one per zone) and one per archive transfer (bytes of
// the total with rate and ETA). Rates come from the coordinator's event timestamps, so
// a slow terminal does not change them. The step lines of ProgressRenderer print above
// the bars; off a terminal there are no bars, only those lines.
import { MultiBar, type SingleBar } from 'cli-progress';
import type { RunProgress } from '../../../shared/gen/twinzone/v1/control.js';
import type { Paint } from './colour.js';
import { formatBytes, formatDuration } from './table.js';

interface TransferState {
  bar: SingleBar;
  firstAtMs: number;
  firstBytes: number;
}

/**
 * "120.0 MiB of 1.0 GiB (11%) at 40.0 MiB/s, ETA 23.0 s" from the first and the latest
 * report of a transfer (the percentage only when asked: a bar shows its own).
 */
export function transferFigures(bytes: number, totalBytes: number, first: { atMs: number; bytes: number }, atMs: number, withPercent = false): string {
  const elapsed = atMs - first.atMs;
  const rate = elapsed > 0 ? ((bytes - first.bytes) * 1000) / elapsed : 0;
  let text = formatBytes(bytes) + (totalBytes > 0 ? ` of ${formatBytes(totalBytes)}${withPercent ? ` (${Math.min(100, Math.floor((bytes * 100) / totalBytes))}%)` : ''}` : '');
  if (rate > 0) text += ` at ${formatBytes(Math.round(rate))}/s`;
  if (rate > 0 && totalBytes > bytes) text += `, ETA ${formatDuration(((totalBytes - bytes) * 1000) / rate)}`;
  return text;
}

export class ProgressBars {
  private readonly multi: MultiBar;
  private readonly runs = new Map<string, { bar: SingleBar; zone: string; done: number }>();
  private readonly transfers = new Map<string, TransferState>();

  constructor(stream: NodeJS.WritableStream, private readonly paint: Paint) {
    this.multi = new MultiBar({
      stream,
      format: (options, params, payload: { label: string; figures: string }) => {
        const size = options.barsize ?? 30;
        const filled = Math.round(params.progress * size);
        const bar = this.paint.ok('█'.repeat(filled)) + this.paint.dim('░'.repeat(size - filled));
        return `${payload.label.padEnd(28)} ${bar} ${String(Math.floor(params.progress * 100)).padStart(3)}% ${payload.figures}`;
      },
      barsize: 30,
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      autopadding: true,
      // Redraw when events arrive, not on a timer of its own.
      fps: 10,
    });
  }

  /** Prints a finished text line above the bars. */
  log(text: string): void {
    if (!text) return;
    this.multi.log(text);
    // Now, not at the next redraw: a line must not wait for the timer (or be lost at stop).
    this.multi.update();
  }

  update(p: RunProgress): void {
    const e = p.event;
    if (!e) return;
    switch (e.$case) {
      case 'started': {
        const bar = this.multi.create(Math.max(1, e.value.steps), 0, { label: `${e.value.zone} ${e.value.kind}`, figures: `0/${e.value.steps} steps` });
        this.runs.set(p.runId, { bar, zone: e.value.zone, done: 0 });
        break;
      }
      case 'stepStarted': {
        const run = this.runs.get(p.runId);
        if (run) run.bar.update(run.done, { figures: `${run.done}/${run.bar.getTotal()} steps, ${e.value.undo ? 'undo ' : ''}${e.value.name}` });
        break;
      }
      case 'stepFinished': {
        const run = this.runs.get(p.runId);
        if (!run || e.value.undo || !e.value.ok) break;
        run.done += 1;
        run.bar.update(run.done, { figures: `${run.done}/${run.bar.getTotal()} steps` });
        break;
      }
      case 'transfer': {
        const key = `${p.runId}/${e.value.index}`;
        let t = this.transfers.get(key);
        const total = e.value.totalBytes > 0 ? e.value.totalBytes : Math.max(1, e.value.bytes);
        if (!t) {
          const zone = this.runs.get(p.runId)?.zone ?? p.runId;
          t = { bar: this.multi.create(total, 0, { label: `${zone} archive`, figures: '' }), firstAtMs: p.atMs, firstBytes: 0 };
          this.transfers.set(key, t);
        }
        t.bar.setTotal(total);
        t.bar.update(e.value.bytes, { figures: transferFigures(e.value.bytes, e.value.totalBytes, { atMs: t.firstAtMs, bytes: t.firstBytes }, p.atMs) });
        break;
      }
      case 'finished': {
        const run = this.runs.get(p.runId);
        if (run) run.bar.update(run.done, { figures: `${run.done}/${run.bar.getTotal()} steps, ${e.value.state === 'succeeded' ? this.paint.ok(e.value.state) : this.paint.bad(e.value.state)}` });
        break;
      }
      case 'waiting':
        break;
    }
  }

  stop(): void {
    this.multi.stop();
  }
}
