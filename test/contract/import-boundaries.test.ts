// The layering, checked on the import statements: shared code knows no daemon, the agent
// never loads coordinator code or SQLite, execa is confined to the command runner (and
// the run-hook runner both daemons share),
// better-sqlite3 to the coordinator's store.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = path.resolve(import.meta.dirname, '..', '..');

function sources(dir: string): string[] {
  const full = path.join(repo, dir);
  if (!fs.existsSync(full)) return [];
  return fs.readdirSync(full, { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'gen' ? [] : sources(rel);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [rel] : [];
  });
}

function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(repo, file), 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2]!);
}

function resolvesInto(file: string, spec: string, top: string): boolean {
  if (!spec.startsWith('.')) return false;
  return path.normalize(path.join(path.dirname(file), spec)).startsWith(top + path.sep);
}

describe('import boundaries', () => {
  it('shared/ imports nothing from agent/, coordinator/ or test/', () => {
    for (const file of sources('shared')) {
      for (const spec of importsOf(file)) {
        for (const top of ['agent', 'coordinator', 'test']) expect(resolvesInto(file, spec, top), `${file} imports ${spec}`).toBe(false);
      }
    }
  });

  it('agent/ never imports coordinator/ or better-sqlite3', () => {
    for (const file of sources('agent')) {
      for (const spec of importsOf(file)) {
        expect(resolvesInto(file, spec, 'coordinator'), `${file} imports ${spec}`).toBe(false);
        expect(spec, file).not.toBe('better-sqlite3');
      }
    }
  });

  it('execa is imported only by the command runner and the run-hook runner', () => {
    const users = [...sources('agent'), ...sources('coordinator'), ...sources('shared')].filter((f) => importsOf(f).includes('execa'));
    expect(users).toEqual([path.join('agent', 'platform', 'execa-runner.ts'), path.join('shared', 'process', 'run-executable.ts')]);
  });

  it('better-sqlite3 is imported only under coordinator/store', () => {
    const users = [...sources('agent'), ...sources('coordinator'), ...sources('shared')].filter((f) => importsOf(f).includes('better-sqlite3'));
    expect(users.every((f) => f.startsWith(path.join('coordinator', 'store') + path.sep))).toBe(true);
  });

  it('coordinator/ reaches the agent only through the lazy import in the CLI entry', () => {
    for (const file of sources('coordinator')) {
      for (const spec of importsOf(file)) {
        if (resolvesInto(file, spec, 'agent')) expect(file).toBe(path.join('coordinator', 'cli', 'twinzone.ts'));
      }
    }
  });

  it('finds the imports it checks (the scanner is not blind)', () => {
    expect(importsOf(path.join('agent', 'platform', 'execa-runner.ts'))).toContain('execa');
    expect(importsOf(path.join('coordinator', 'cli', 'twinzone.ts'))).toContain('../../agent/main.js');
  });
});
