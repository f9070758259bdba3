// keepAdopting: the background tries for zones whose twin hosts had not answered at start.
import { describe, expect, it } from 'vitest';
import { createLogger } from '../shared/log/create-logger.js';
import { keepAdopting, type Adoption } from './adopt-leases.js';

const log = createLogger({ name: 'coordinator', level: 'silent' });

describe('keepAdopting', () => {
  it('tries only the waiting zones again, delays doubling up to the cap, until none waits', async () => {
    const asked: string[][] = [];
    const at: number[] = [];
    const answers: Adoption[] = [
      { adopted: [], waiting: ['db01', 'web01'] },
      { adopted: ['db01'], waiting: ['web01'] },
      { adopted: ['web01'], waiting: [] },
    ];
    const t0 = Date.now();
    const k = keepAdopting(['db01', 'web01', 'app01'], async (only) => {
      asked.push([...only].sort());
      at.push(Date.now() - t0);
      return answers.shift()!;
    }, log, { firstDelayMs: 20, maxDelayMs: 40 });
    await k.done;
    expect(asked).toEqual([['app01', 'db01', 'web01'], ['db01', 'web01'], ['web01']]);
    // 20, then 40, then 40 (capped) apart: never before the delay.
    expect(at[0]).toBeGreaterThanOrEqual(19);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(39);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(39);
  });

  it('goes on after a failed try and stops at once when told', async () => {
    let tries = 0;
    const k = keepAdopting(['db01'], async () => {
      tries += 1;
      if (tries === 1) throw new Error('agent pool closed');
      return { adopted: [], waiting: ['db01'] };
    }, log, { firstDelayMs: 5, maxDelayMs: 5 });
    while (tries < 3) await new Promise((r) => setTimeout(r, 5));
    k.stop();
    await k.done;
    const after = tries;
    await new Promise((r) => setTimeout(r, 30));
    expect(tries).toBe(after);
  });

  it('does nothing when no zone waits', async () => {
    let tries = 0;
    await keepAdopting([], async () => {
      tries += 1;
      return { adopted: [], waiting: [] };
    }, log, { firstDelayMs: 1, maxDelayMs: 1 }).done;
    expect(tries).toBe(0);
  });
});
