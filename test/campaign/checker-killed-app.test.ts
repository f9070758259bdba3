// Regression (found by the campaign's app-kill fault): an application killed with SIGKILL
// never writes app.stop; when its zone later moved, the checker took the next start on
// the other host for a second writer (a false I5). A zone leaving the kernel now ends
// its application's run as a crash does, while a graceful stop is still checked.
import { describe, expect, it } from 'vitest';
import { checkRecordContinuity } from '../lab/checker.js';
import type { ObserverRecord } from '../solsim/src/observer.js';

let seq = 0;
const at = (host: string, e: Record<string, unknown>) => ({ seq: ++seq, time: new Date(seq * 1000).toISOString(), host, ...e }) as unknown as ObserverRecord;
const start = (host: string, resumeSeq: number) => at(host, { type: 'app.start', zone: 'db01', port: 1, dataFile: '/x', dataId: 'dc1/dbdg', resumeSeq });
const state = (host: string, from: string, to: string) => at(host, { type: 'zone.state', zone: 'db01', from, to });

describe('checker: applications that die without app.stop', () => {
  it('a killed application, then a halt and a start elsewhere, is not two writers', () => {
    const log = [start('hostA', 0), state('hostA', 'running', 'shutting_down'), state('hostA', 'shutting_down', 'installed'), start('hostB', 40)];
    expect(checkRecordContinuity(log)).toEqual([]);
  });

  it('a graceful stop is still checked: resuming below the last record is a loss', () => {
    const log = [
      start('hostA', 0),
      state('hostA', 'running', 'shutting_down'),
      at('hostA', { type: 'app.stop', zone: 'db01', dataId: 'dc1/dbdg', lastSeq: 50, reason: 'stopped' }),
      state('hostA', 'shutting_down', 'installed'),
      start('hostB', 45),
    ];
    expect(checkRecordContinuity(log).map((v) => v.invariant)).toEqual(['I5']);
  });

  it('a second writer while the first zone still runs is still caught', () => {
    expect(checkRecordContinuity([start('hostA', 0), start('hostB', 0)]).map((v) => v.invariant)).toEqual(['I5']);
  });
});
