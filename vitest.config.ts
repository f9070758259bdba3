import { defineConfig } from 'vitest/config';

// Unit tests are cheap and run in parallel; tests that spawn simulated commands and
// lab processes share two cores, so they get longer timeouts.
export default defineConfig({
  test: {
    include: ['{agent,coordinator,shared,test,bench}/**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    globalSetup: ['test/support/global-build.ts'],
    pool: 'forks',
    maxWorkers: 2,
  },
});
