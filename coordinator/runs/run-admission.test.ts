import { describe, expect, it } from 'vitest';
import { RunAdmission } from './run-admission.js';

describe('RunAdmission', () => {
  it('drives at most `limit` runs at once, refusing more with RUN_IN_PROGRESS until one ends', () => {
    const a = new RunAdmission(2);
    a.admit('r1', 'web01');
    a.admit('r2', 'db01');
    expect(() => a.admit('r3', 'app01')).toThrow(expect.objectContaining({ code: 'RUN_IN_PROGRESS' }));
    expect(() => a.admit('r1', 'web01')).toThrow(expect.objectContaining({ code: 'RUN_IN_PROGRESS' }));
    a.release('r1');
    a.admit('r3', 'app01');
    expect([a.isActive('r1'), a.isActive('r3')]).toEqual([false, true]);
  });
});
