import { describe, expect, it } from 'vitest';
import { UsageError } from './cli-args.js';
import { parseDurationArg } from './duration-arg.js';

describe('parseDurationArg', () => {
  it('reads a number with its unit', () => {
    expect(parseDurationArg('--probation', '1500ms', 'u')).toBe(1_500);
    expect(parseDurationArg('--probation', '90s', 'u')).toBe(90_000);
    expect(parseDurationArg('--probation', '10m', 'u')).toBe(600_000);
    expect(parseDurationArg('--probation', '1.5h', 'u')).toBe(5_400_000);
  });

  it('refuses a bare number, zero, a negative or an unknown unit, naming the option', () => {
    for (const bad of ['600', '0s', '-5m', '5d', '', 'm']) {
      expect(() => parseDurationArg('--probation', bad, 'usage')).toThrow(UsageError);
    }
    expect(() => parseDurationArg('--probation', '600', 'usage')).toThrow(/--probation takes a duration above zero with its unit/);
  });
});
