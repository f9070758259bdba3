// The README's first command, run as a test: every run of the demo succeeds through the
// real CLI, coordinator and agents, the disaster failover reports its RPO, and the
// checker finds no violation.
import { describe, expect, it } from 'vitest';
import { runDemo } from './demo.js';

describe('npm run demo', () => {
  it('migrates, falls back, switches over to DR and back, fails over after a disaster, with the checker clean', async () => {
    let out = '';
    const code = await runDemo((s) => {
      out += s;
    });
    expect(out, out).not.toContain('!! expected exit');
    expect(code).toBe(0);
    expect(out).toMatch(/run \S+ succeeded: migrate of web01 to hostB succeeded/);
    expect(out).toMatch(/run \S+ succeeded: fallback of web01 to hostA succeeded/);
    expect(out).toMatch(/succeeded: dr-switchover of db01 to hostC succeeded/);
    expect(out).toMatch(/succeeded: dr-failover of db01 to hostC succeeded/);
    expect(out).toMatch(/\d+ record\(s\) not replicated and lost \(RPO\)/);
    expect(out).toContain('0 violation(s)');
  }, 300_000);
});
