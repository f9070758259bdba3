import { describe, expect, it } from 'vitest';
import { runCli } from './twinzone.js';

async function run(argv: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(argv, (s) => (out += s), (s) => (err += s));
  return { code, out, err };
}

describe('twinzone CLI entry', async () => {
  it('prints its version', async () => {
    expect(await run(['version'])).toMatchObject({ code: 0, out: expect.stringMatching(/^twinzone \d+\.\d+\.\d+\n$/) });
  });

  it('refuses an unknown command with exit 2 and says where to look', async () => {
    const r = await run(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.err).toContain("run 'twinzone help'");
  });

  it('shows usage with exit 2 when called with nothing', async () => {
    expect(await run([])).toMatchObject({ code: 2, out: expect.stringContaining('usage: twinzone') });
  });
});
