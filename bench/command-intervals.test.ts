import { describe, expect, it } from 'vitest';
import { unionMs, within } from './command-intervals.js';

const at = (startMs: number, endMs: number) => ({ host: 'h', zone: 'z', cmd: 'c', startMs, endMs });

describe('command intervals', () => {
  it('counts overlapping commands once and clips to the window', () => {
    expect(unionMs([at(0, 10), at(5, 20), at(30, 40)], 0, 100)).toBe(30);
    expect(unionMs([at(0, 10), at(5, 20), at(30, 40)], 8, 35)).toBe(17);
    expect(unionMs([], 0, 10)).toBe(0);
  });
  it('selects the commands touching a window', () => {
    expect(within([at(0, 10), at(20, 30)], 9, 15)).toHaveLength(1);
  });
});
