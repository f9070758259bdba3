import { describe, expect, it } from 'vitest';
import { quantile, summarize } from './bench-stats.js';

describe('bench statistics', () => {
  it('takes nearest-rank quantiles', () => {
    const v = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(quantile(v, 0.5)).toBe(50);
    expect(quantile(v, 0.95)).toBe(95);
    expect(quantile(v, 0.99)).toBe(99);
    expect(quantile([7], 0.99)).toBe(7);
    expect(quantile([], 0.5)).toBeNaN();
  });
  it('summarizes with the sample count', () => {
    expect(summarize([1, 2, 3, 4])).toEqual({ n: 4, median: 2, p95: 4, p99: 4, max: 4 });
  });
});
