import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KEEP_MS, KEEP_PER_ZONE, OpResults, requireOpId } from './op-results.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const store = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'ops-'));
  dirs.push(d);
  return { dir: d, results: new OpResults(d) };
};

describe('operation records', () => {
  it('keeps a record by op id across instances (agent restarts)', () => {
    const { dir, results } = store();
    results.put({ opId: 'run-1:3:1', rpc: 'HaltZone', zone: 'db01', finishedAtMs: 1, ok: true, response: 'AA==' });
    expect(new OpResults(dir).get('run-1:3:1')).toMatchObject({ rpc: 'HaltZone', ok: true });
    expect(results.get('never')).toBeNull();
  });

  it('refuses op ids that could name other files', () => {
    for (const bad of ['', '../x', 'a/b', 'x'.repeat(200), 'op id']) {
      expect(() => requireOpId(bad)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
  });

  it('prunes only records both older than 7 days and beyond the newest 1,000 of their zone', () => {
    const { dir, results } = store();
    const now = KEEP_MS * 10;
    for (let i = 0; i < KEEP_PER_ZONE + 5; i += 1) {
      results.put({ opId: `old-${i}`, rpc: 'HaltZone', zone: 'db01', finishedAtMs: i, ok: true });
    }
    results.put({ opId: 'other-zone-old', rpc: 'HaltZone', zone: 'web01', finishedAtMs: 0, ok: true });
    expect(results.prune(now)).toBe(5);
    expect(fs.readdirSync(dir)).toHaveLength(KEEP_PER_ZONE + 1);
    expect(results.get('old-0')).toBeNull();
    expect(results.get(`old-${KEEP_PER_ZONE + 4}`)).not.toBeNull();
    expect(results.get('other-zone-old')).not.toBeNull();
  });
});
