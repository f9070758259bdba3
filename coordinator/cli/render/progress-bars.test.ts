import { spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { RunProgress } from '../../../shared/gen/twinzone/v1/control.js';
import { bashCompletion, COMPLETIONS } from '../completion.js';
import { NO_PAINT, TERMINAL_PAINT } from './colour.js';
import { ProgressBars, transferFigures } from './progress-bars.js';
import { ProgressRenderer } from './progress.js';

/** What cli-progress needs of a terminal, recording what is drawn. */
function fakeTerminal(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = Object.assign(
    new Writable({
      write(chunk: Buffer, _enc, done) {
        text += chunk.toString();
        done();
      },
    }),
    { isTTY: true, columns: 160, rows: 40, cursorTo: () => true, moveCursor: () => true, clearLine: () => true, clearScreenDown: () => true },
  );
  // eslint-disable-next-line no-control-regex
  return { stream, text: () => text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '') };
}

const ev = (runId: string, atMs: number, event: RunProgress['event']): RunProgress => ({ runId, atMs, event });

describe('progress bars on a terminal', () => {
  it('draws a run bar per zone and a transfer bar with rate and ETA', () => {
    const t = fakeTerminal();
    const bars = new ProgressBars(t.stream, NO_PAINT);
    bars.update(ev('r1', 1_000, { $case: 'started', value: { kind: 'migrate', zone: 'web01', source: 'hostA', target: 'hostB', steps: 4 } }));
    bars.update(ev('r2', 1_000, { $case: 'started', value: { kind: 'dr-failover', zone: 'db01', source: 'hostA', target: 'hostC', steps: 2 } }));
    bars.update(ev('r1', 2_000, { $case: 'stepFinished', value: { index: 0, name: 'preflight', host: '', ok: true, outcome: 'ok', durationMs: 5, commands: [], error: undefined, undo: false } }));
    bars.update(ev('r1', 10_000, { $case: 'transfer', value: { index: 1, bytes: 0, totalBytes: 100 * 1024 * 1024 } }));
    bars.update(ev('r1', 12_000, { $case: 'transfer', value: { index: 1, bytes: 50 * 1024 * 1024, totalBytes: 100 * 1024 * 1024 } }));
    bars.log('step 1 stream-zonepath done\n');
    bars.stop();
    const text = t.text();
    expect(text).toMatch(/web01 migrate +█+░+ +25% 1\/4 steps/);
    expect(text).toMatch(/db01 dr-failover +░+ +0% 0\/2 steps/);
    expect(text).toMatch(/web01 archive +█+░+ +50% 50\.0 MiB of 100\.0 MiB at 25\.0 MiB\/s, ETA 2\.0 s/);
    expect(text).toContain('step 1 stream-zonepath done');
  });

  it('words the figures the line renderer prints off a terminal', () => {
    expect(transferFigures(120 * 1024 * 1024, 1024 * 1024 * 1024, { atMs: 0, bytes: 0 }, 3_000, true)).toBe('120.0 MiB of 1.0 GiB (11%) at 40.0 MiB/s, ETA 22.6 s');
    const r = new ProgressRenderer();
    r.render(ev('r', 1, { $case: 'started', value: { kind: 'migrate', zone: 'web01', source: 'hostA', target: 'hostB', steps: 3 } }));
    r.render(ev('r', 1, { $case: 'transfer', value: { index: 4, bytes: 0, totalBytes: 2048 } }));
    expect(r.render(ev('r', 1_001, { $case: 'transfer', value: { index: 4, bytes: 1024, totalBytes: 2048 } }))).toBe('[    1.0 s] step 4 transfer 1.0 KiB of 2.0 KiB (50%) at 1.0 KiB/s, ETA 1.0 s\n');
  });

  it('colours outcomes only when asked (a terminal)', () => {
    const done = ev('r', 0, { $case: 'stepFinished', value: { index: 0, name: 'boot-zone', host: 'hostB', ok: false, outcome: 'boot failed', durationMs: 5, commands: [], error: undefined, undo: false } });
    expect(new ProgressRenderer({ showCommands: false }).render(done)).toContain(' FAILED: ');
    expect(new ProgressRenderer({ showCommands: false, paint: TERMINAL_PAINT }).render(done)).toContain('\x1b[31mFAILED\x1b[0m');
  });
});

describe('twinzone completion bash', () => {
  it('is a bash script that completes commands and each command\'s words', () => {
    const script = bashCompletion();
    const complete = (line: string) => {
      const words = line.split(' ');
      const r = spawnSync('bash', ['-c', `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _twinzone; printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      return r.stdout.trim().split('\n').filter(Boolean);
    };
    expect(complete('twinzone sw')).toEqual(['switchover']);
    expect(complete('twinzone ')).toEqual(Object.keys(COMPLETIONS));
    expect(complete('twinzone dr ')).toEqual(expect.arrayContaining(['switchover', 'failover', '--site', '--json']));
    expect(complete('twinzone migrate web01 --')).toEqual(expect.arrayContaining(['--to', '--via-file', '--json', '--coordinator']));
    expect(complete('twinzone agent run --')).toEqual(['--config', '--log-pretty']);
  });
});
