import { defineConfig } from 'vitest/config';

/**
 * Lab scenarios of several minutes each: `npm run test:all` runs them with everything
 * else; `npm test` (and CI) leaves them out to stay within its time on two cores. Each
 * feature they cover also has shorter tests in `npm test`; what they add is the whole
 * story end to end (README "Tests").
 */
export const LONG_TESTS = [
  'test/lab/demo.test.ts',
  'test/fuzz/corrupt-outputs.fuzz.test.ts',
  'coordinator/runs/upgrade.lab.test.ts',
  'test/integration/site-runs.test.ts',
  'test/integration/automation.test.ts',
  'test/integration/drill.test.ts',
];

const all = process.env.TWINZONE_ALL_TESTS === '1';
// Named on the command line (`npx vitest run test/lab/demo.test.ts`): run it.
const named = (file: string) => process.argv.slice(2).some((a) => !a.startsWith('-') && a.length > 3 && file.includes(a));
const left = all ? [] : LONG_TESTS.filter((f) => !named(f));

// Unit tests are cheap and run in parallel; tests that spawn simulated commands and
// lab processes share two cores, so they get longer timeouts.
export default defineConfig({
  test: {
    include: ['{agent,coordinator,shared,test,bench}/**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**', ...left],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    globalSetup: ['test/support/global-build.ts'],
    pool: 'forks',
    maxWorkers: 2,
  },
});
