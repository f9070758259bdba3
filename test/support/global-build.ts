// vitest global setup: compile once before any test runs. Simulated commands, the zone
// application and (later) the daemons run as separate processes from dist/, so they
// must match the sources under test; building here means `npx vitest` alone is safe too.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  try {
    execFileSync(path.join(repo, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], { cwd: repo, stdio: 'pipe' });
  } catch (err) {
    const out = (err as { stdout?: Buffer }).stdout?.toString() ?? '';
    throw new Error(`the TypeScript build failed; tests need compiled code in dist/:\n${out}`);
  }
}
