// Where the repository and its compiled output are, whether this module runs from
// TypeScript source (vitest) or from dist/ (the simulated executables).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function repoRoot(): string {
  if (cached) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json')) || path.basename(dir) === 'dist') {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('solsim: cannot find the repository root (package.json)');
    dir = parent;
  }
  cached = dir;
  return dir;
}

/** A compiled module: processes the simulator spawns always run JavaScript from dist/. */
export function compiledPath(...segments: string[]): string {
  const file = path.join(repoRoot(), 'dist', ...segments);
  if (!fs.existsSync(file)) throw new Error(`solsim: ${file} is missing; run npm run build`);
  return file;
}

export function solsimBinDir(): string {
  return path.join(repoRoot(), 'test', 'solsim', 'bin');
}
