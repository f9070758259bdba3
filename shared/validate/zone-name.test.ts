import { describe, expect, it } from 'vitest';
import { describeZoneNameProblem, zoneNameProblem } from './zone-name.js';

describe('zone name rules', () => {
  it.each(['db01', 'web01', 'A', '9z', 'a_b.c-d', 'x'.repeat(63)])('accepts %s', (name) => {
    expect(zoneNameProblem(name)).toBeNull();
  });

  it.each([
    ['', 'empty'],
    ['x'.repeat(64), 'too-long'],
    ['-db', 'bad-characters'],
    ['_db', 'bad-characters'],
    ['db 01', 'bad-characters'],
    ['db/01', 'bad-characters'],
    ['db01;rm', 'bad-characters'],
    ['global', 'reserved-global'],
    ['SUNWdefault', 'reserved-sunw'],
  ])('rejects %j as %s', (name, problem) => {
    expect(zoneNameProblem(name)).toBe(problem);
  });

  it('explains the rule in the message', () => {
    expect(describeZoneNameProblem('-x', 'bad-characters')).toMatch(/starts with a letter or digit/);
  });
});
