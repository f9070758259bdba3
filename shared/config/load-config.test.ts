import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fields, matching, salvage, wholeNumber } from './config-fields.js';
import { ConfigError, openConfig } from './load-config.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
function file(text: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'loadcfg-'));
  dirs.push(d);
  fs.writeFileSync(path.join(d, 'c.yaml'), text);
  return path.join(d, 'c.yaml');
}

const Schema = fields({
  name: matching(/^[a-z]+$/, 'is not a lower-case word'),
  port: wholeNumber(1, 65535),
  mode: z.enum(['on', 'off']).default('on'),
  items: z.array(fields({ id: wholeNumber(0) })).default([]),
});

function problemsOf(text: string): string[] {
  const c = openConfig(file(text));
  c.parse('', Schema);
  try {
    c.finish();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => p.slice(p.indexOf('c.yaml') + 'c.yaml'.length));
    throw err;
  }
  return [];
}

describe('zod issues as operator sentences with file, line and field', () => {
  it('reads a valid file with its defaults', () => {
    const c = openConfig(file('name: abc\nport: 80\n'));
    expect(c.parse('', Schema)).toEqual({ name: 'abc', port: 80, mode: 'on', items: [] });
  });

  it('names each bad field once, on its own line', () => {
    expect(problemsOf('name: ABC\nport: 70000\nmode: maybe\nitems:\n  - id: -1\n  - id: 2\n    colour: red\n')).toEqual([
      ':1: name: "ABC" is not a lower-case word',
      ':2: port: must be a whole number >= 1 <= 65535 (got 70000)',
      ':3: mode: must be one of on, off (got "maybe")',
      ':5: items.0.id: must be a whole number >= 0 (got -1)',
      ':7: items.1.colour: is not a known field (known: id)',
    ]);
  });

  it('puts a missing field on the line of the mapping that should hold it', () => {
    expect(problemsOf('items:\n  - {}\nname: abc\n')).toEqual([':1: port: is required', ':2: items.0.id: is required']);
  });

  it('says what type was expected', () => {
    expect(problemsOf('name: [a]\nport: "80"\nitems: x\n')).toEqual([
      ':1: name: is not a lower-case word',
      ':2: port: must be a whole number >= 1 <= 65535 (got "80")',
      ':3: items: must be a list (got "x")',
    ]);
  });
});

describe('salvage', () => {
  it('keeps every field and item that passes alone', () => {
    expect(salvage(Schema, { name: 'ok', port: 'x', items: [{ id: 1 }, { id: 'y' }] })).toEqual({ name: 'ok', port: undefined, mode: 'on', items: [{ id: 1 }, { id: undefined }] });
    expect(salvage(Schema, 'not a mapping')).toBeUndefined();
  });

  it('reads a discriminated union by its tag', () => {
    const U = z.discriminatedUnion('kind', [fields({ kind: z.literal('a'), x: wholeNumber(0) }), fields({ kind: z.literal('b'), y: wholeNumber(0) })]);
    expect(salvage(U, { kind: 'b', y: 'bad', z: 1 })).toEqual({ kind: 'b', y: undefined });
  });
});
