// The twinzone version this build came from (the package.json above dist/ or the sources).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function repoVersion(): string {
  if (cached) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i += 1) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      cached = (JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: string }).version ?? 'unknown';
      return cached;
    }
    dir = path.dirname(dir);
  }
  cached = 'unknown';
  return cached;
}
