// What a hook's process sees: the daemon's environment without its TWINZONE_* settings,
// and the run's context on top (README "Hooks").
import { describe, expect, it } from 'vitest';
import { hookEnvironment, runExecutable } from './run-executable.js';

describe('hook environment', () => {
  it("keeps the daemon's PATH and the like, drops its TWINZONE_* settings, adds the run's", () => {
    const env = hookEnvironment({ PATH: '/usr/bin', TWINZONE_TLS_DIR: '/etc/tz', TWINZONE_ZONE: 'stale' }, { TWINZONE_ZONE: 'db01', TWINZONE_HOOK: 'pre-online' });
    expect(env).toEqual({ PATH: '/usr/bin', TWINZONE_ZONE: 'db01', TWINZONE_HOOK: 'pre-online' });
  });

  it('a hook process sees only the run context under TWINZONE_', async () => {
    process.env.TWINZONE_TEST_DAEMON_SETTING = 'secret-path';
    try {
      const r = await runExecutable({ argv: ['/usr/bin/env'], env: { TWINZONE_ZONE: 'db01' }, timeoutMs: 10_000 });
      expect(r.exitCode).toBe(0);
      const names = r.stdout.split('\n').filter((l) => l.startsWith('TWINZONE_'));
      expect(names).toEqual(['TWINZONE_ZONE=db01']);
      expect(r.stdout).toContain('PATH=');
    } finally {
      delete process.env.TWINZONE_TEST_DAEMON_SETTING;
    }
  });
});
