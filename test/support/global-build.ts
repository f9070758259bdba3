// vitest global setup: compile once before any test runs. Simulated commands, the zone
// application and the daemons run as separate processes from dist/, so they must match
// the sources under test; building here means `npx vitest` alone is safe too. Type
// errors do not stop the build (tsc still emits); `npm test` type-checks separately
// first, so they cannot slip through. It also makes the test run's lab CA (lab-tls.ts):
// every lab's daemons run mutual TLS with certificates from it, and the environment the
// test workers inherit names an operator certificate, so a spawned CLI talks to them.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { makeTestRunTls } from '../lab/lab-tls.js';

export default async function setup(): Promise<() => void> {
  const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const r = spawnSync(path.join(repo, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], { cwd: repo, encoding: 'utf8' });
  if (r.status !== 0) process.stderr.write(`tsc reported type errors (tests run on what it emitted):\n${r.stdout}`);
  if (!fs.existsSync(path.join(repo, 'dist', 'test', 'solsim', 'src', 'main.js'))) {
    throw new Error(`the TypeScript build produced no dist/; tsc said:\n${r.stdout}${r.stderr}`);
  }
  const tlsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinzone-test-tls-'));
  Object.assign(process.env, await makeTestRunTls(tlsDir));
  return () => fs.rmSync(tlsDir, { recursive: true, force: true });
}
