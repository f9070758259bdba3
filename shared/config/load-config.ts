// Reading a YAML (or JSON) configuration file into a typed object. Every problem is
// reported with the file, the field's path and, where the document has one, its line,
// so an operator can fix the file without guessing; nothing is used from a bad file.
// The fields themselves are checked by zod schemas (config-fields.ts has the blocks);
// this module maps each issue's path back to the YAML line it came from.
import fs from 'node:fs';
import { LineCounter, parseDocument, isMap, isScalar, isSeq, type Document } from 'yaml';
import type { z } from 'zod';
import { describeIssue } from './config-fields.js';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

export interface ConfigReader {
  file: string;
  /** The raw value at a dotted path ("timeouts.defaultMs"). */
  raw(path: string): unknown;
  problem(path: string, message: string): void;
  /**
   * The value at path checked by a zod schema: its data, or undefined with every issue
   * reported as a problem at its own field path (and line).
   */
  parse<T extends z.ZodType>(path: string, schema: T): z.output<T> | undefined;
  finish(): void;
}

function split(path: string): string[] {
  return path === '' ? [] : path.split('.');
}

export function openConfig(file: string): ConfigReader {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([`${file}: cannot read: ${(err as Error).message}`]);
  }
  const lines = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ConfigError(doc.errors.map((e) => `${file}:${lines.linePos(e.pos[0]).line}: ${e.message.split('\n')[0]}`));
  }
  const problems: string[] = [];
  // The line of the field's key (or list item); for a field that is missing, the line of
  // the nearest enclosing field, which is where the operator has to add it.
  const where = (path: string): string => {
    let offset: number | undefined = doc.contents?.range?.[0];
    let node: unknown = doc.contents;
    for (const key of split(path)) {
      if (isMap(node)) {
        const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === key);
        if (!pair) break;
        if (isScalar(pair.key) && pair.key.range) offset = pair.key.range[0];
        node = pair.value;
      } else if (isSeq(node) && /^\d+$/.test(key)) {
        const item = node.items[Number(key)] as { range?: [number, number, number] } | undefined;
        if (!item) break;
        if (item.range) offset = item.range[0];
        node = item;
      } else break;
    }
    return offset === undefined ? file : `${file}:${lines.linePos(offset).line}`;
  };
  const rootValue = doc.toJS() as unknown;
  if (rootValue !== null && rootValue !== undefined && (typeof rootValue !== 'object' || Array.isArray(rootValue))) {
    throw new ConfigError([`${file}: the configuration must be a mapping of fields`]);
  }
  const reader: ConfigReader = {
    file,
    raw: (path) => (path === '' ? rootValue : getPath(rootValue, split(path))),
    problem: (path, message) => {
      const line = path === '' ? `${where(path)}: ${message}` : `${where(path)}: ${path}: ${message}`;
      // zod may raise one sentence twice for one field (a type and a range check).
      if (!problems.includes(line)) problems.push(line);
    },
    parse: (path, schema) => {
      const result = schema.safeParse(reader.raw(path), { error: describeIssue });
      if (result.success) return result.data;
      for (const issue of result.error.issues) {
        const at = [...split(path), ...issue.path.map(String)].join('.');
        if (issue.code === 'unrecognized_keys') issue.keys.forEach((key) => reader.problem(at === '' ? key : `${at}.${key}`, issue.message));
        else reader.problem(at, issue.message);
      }
      return undefined;
    },
    finish: () => {
      if (problems.length > 0) throw new ConfigError(problems);
    },
  };
  return reader;
}

function getPath(value: unknown, keys: string[]): unknown {
  let cur: unknown = value;
  for (const key of keys) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}
