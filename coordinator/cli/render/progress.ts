// A run's progress, line by line as it happens: each step when it starts and when it
// ends with its duration, the commands it ran, archive transfers with bytes, rate and
// ETA, waits for an operator, and the final state. Pure apart from its own memory of
// when each transfer started (for the rate).
import type { HookRan, RunProgress } from '../../../shared/gen/twinzone/v1/control.js';
import { NO_PAINT, type Paint } from './colour.js';
import { transferFigures } from './progress-bars.js';
import { formatDuration } from './table.js';

const where = (host: string) => (host ? ` on ${host}` : '');

export class ProgressRenderer {
  private runStartedAtMs = 0;
  private readonly transferStart = new Map<number, { atMs: number; bytes: number }>();

  constructor(private readonly opts: { showCommands: boolean; paint?: Paint } = { showCommands: true }) {}

  render(p: RunProgress): string {
    const e = p.event;
    if (!e) return '';
    const at = this.runStartedAtMs === 0 ? '' : `[${formatDuration(p.atMs - this.runStartedAtMs).padStart(9)}] `;
    switch (e.$case) {
      case 'started':
        this.runStartedAtMs = p.atMs;
        return `run ${p.runId}: ${e.value.kind} of ${e.value.zone}${e.value.source ? ` from ${e.value.source}` : ''} to ${e.value.target}, ${e.value.steps} steps\n`;
      case 'stepStarted': {
        const s = e.value;
        return `${at}${s.undo ? 'undo ' : ''}step ${s.index} ${s.name}${where(s.host)}${s.epoch ? ` (epoch ${s.epoch})` : ''} ...\n`;
      }
      case 'stepFinished': {
        const s = e.value;
        const paint = this.opts.paint ?? NO_PAINT;
        const head = `${at}${s.undo ? 'undo ' : ''}step ${s.index} ${s.name}${where(s.host)} ${s.ok ? paint.ok('done') : paint.bad('FAILED')}: ${s.outcome || (s.ok ? 'ok' : 'failed')} (${formatDuration(s.durationMs)})\n`;
        const cmds = this.opts.showCommands ? s.commands.map((c) => `             $ ${c.argv.join(' ')}  → exit ${c.exitCode}, ${formatDuration(c.durationMs)}\n`).join('') : '';
        const err = s.error ? `             ${s.error.code}: ${s.error.message}\n` : '';
        return head + cmds + err;
      }
      case 'transfer':
        return at + this.transferLine(e.value.index, e.value.bytes, e.value.totalBytes, p.atMs) + '\n';
      case 'waiting': {
        const details = Object.entries(e.value.details).map(([k, v]) => `             ${k}: ${v}\n`).join('');
        return `${at}step ${e.value.index} waiting: ${e.value.reason}\n${details}`;
      }
      case 'hook':
        return `${at}${hookLine(e.value, this.opts.paint ?? NO_PAINT)}`;
      case 'finished':
        const paint = this.opts.paint ?? NO_PAINT;
        const state = e.value.state === RUN_SUCCEEDED ? paint.ok(e.value.state) : paint.bad(e.value.state);
        return `${at}run ${p.runId} ${state}${e.value.reason ? `: ${e.value.reason}` : ''}\n`;
    }
  }

  /** "transfer 120.0 MiB of 1.0 GiB (11%) at 40.0 MiB/s, ETA 23.0 s". */
  transferLine(index: number, bytes: number, totalBytes: number, atMs: number): string {
    const start = this.transferStart.get(index) ?? { atMs, bytes };
    this.transferStart.set(index, start);
    return `step ${index} transfer ${transferFigures(bytes, totalBytes, start, atMs, true)}`;
  }
}

/** One hook's run: "pre-online hook on hostB vetoed: /etc/twinzone/hooks/check → exit 1 (12 ms)", then its output. */
export function hookLine(h: HookRan, paint: Paint): string {
  const outcome = h.error ? h.error : h.timedOut ? `timed out after ${formatDuration(h.durationMs)}` : `exit ${h.exitCode} (${formatDuration(h.durationMs)})`;
  const verdict = h.vetoed ? paint.bad('VETOED the run') : h.exitCode === 0 && !h.timedOut && !h.error ? paint.ok('ran') : paint.bad('failed');
  const output = [h.stdout, h.stderr].filter((t) => t.trim()).map((t) => t.trimEnd().split('\n').map((l) => `             | ${l}\n`).join('')).join('');
  return `${h.at} hook on ${h.on} ${verdict}: ${h.argv.join(' ')} → ${outcome}\n${output}`;
}

/** Exit code 0 only for a run that ended in this state. */
export const RUN_SUCCEEDED = 'succeeded';
