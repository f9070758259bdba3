// The error catalogue and the README's error table say the same thing: every code has
// a row, and every row names a code that exists, with the same gRPC status.
import fs from 'node:fs';
import path from 'node:path';
import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../shared/errors/error-codes.js';

const readme = fs.readFileSync(path.resolve(import.meta.dirname, '..', '..', 'README.md'), 'utf8');

function errorRows(): Map<string, string> {
  const rows = new Map<string, string>();
  for (const line of readme.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 4) continue;
    const codes = [...(cells[1] ?? '').matchAll(/`([A-Z_]+)`/g)].map((m) => m[1]!);
    const grpc = cells[2] ?? '';
    if (!/^[A-Z_]+$/.test(grpc) || !(grpc in status)) continue;
    for (const code of codes) rows.set(code, grpc);
  }
  return rows;
}

describe('error catalogue', () => {
  it('documents every code in the README with its gRPC status', () => {
    const rows = errorRows();
    for (const [code, spec] of Object.entries(ERROR_CODES)) {
      expect(rows.get(code), `README row for ${code}`).toBe(status[spec.grpc]);
    }
  });

  it('documents no code that does not exist', () => {
    for (const code of errorRows().keys()) expect(Object.keys(ERROR_CODES)).toContain(code);
  });
});
