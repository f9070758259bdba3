// The generated proto code is committed (shared/gen). This regenerates it from proto/
// in a scratch copy of the tree and fails if the committed files differ: run
// `npm run gen` and commit the result.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = path.resolve(import.meta.dirname, '..', '..');

function listFiles(dir: string, base = dir): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? listFiles(full, base) : [path.relative(base, full)];
  });
}

describe('generated proto code', () => {
  it('matches what buf and ts-proto generate from proto/', () => {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'twinzone-gen-'));
    try {
      fs.cpSync(path.join(repo, 'proto'), path.join(scratch, 'proto'), { recursive: true });
      fs.symlinkSync(path.join(repo, 'node_modules'), path.join(scratch, 'node_modules'));
      execFileSync(path.join(repo, 'node_modules', '.bin', 'buf'), ['generate'], {
        cwd: path.join(scratch, 'proto'),
        stdio: 'pipe',
      });
      const fresh = path.join(scratch, 'shared', 'gen');
      const committed = path.join(repo, 'shared', 'gen');
      const freshFiles = listFiles(fresh).sort();
      expect(freshFiles.length).toBeGreaterThan(0);
      expect(listFiles(committed).sort()).toEqual(freshFiles);
      for (const file of freshFiles) {
        const want = fs.readFileSync(path.join(fresh, file), 'utf8');
        const have = fs.readFileSync(path.join(committed, file), 'utf8');
        expect(have, `${file} is stale: run npm run gen`).toBe(want);
      }
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('passes buf lint', () => {
    execFileSync(path.join(repo, 'node_modules', '.bin', 'buf'), ['lint'], {
      cwd: path.join(repo, 'proto'),
      stdio: 'pipe',
    });
  });
});
