// Reading a YAML (or JSON) configuration file into a typed object. Every problem is
// reported with the file, the field's path and, where the document has one, its line,
// so an operator can fix the file without guessing; nothing is used from a bad file.
import fs from 'node:fs';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';

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
  string(path: string, opts?: { default?: string; pattern?: RegExp; hint?: string }): string;
  optionalString(path: string): string | undefined;
  number(path: string, opts: { default: number; min?: number; max?: number }): number;
  stringList(path: string, opts?: { default?: string[] }): string[];
  stringMap(path: string): Record<string, string>;
  /** Keys present at path that are not in the allowed list are reported as unknown. */
  onlyKeys(path: string, allowed: string[]): void;
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
  const where = (path: string): string => {
    const node = doc.getIn(split(path), true);
    if (isNode(node) && node.range) return `${file}:${lines.linePos(node.range[0]).line}`;
    return file;
  };
  const rootValue = doc.toJS() as unknown;
  if (rootValue !== null && rootValue !== undefined && (typeof rootValue !== 'object' || Array.isArray(rootValue))) {
    throw new ConfigError([`${file}: the configuration must be a mapping of fields`]);
  }
  const reader: ConfigReader = {
    file,
    raw: (path) => (path === '' ? rootValue : getPath(rootValue, split(path))),
    problem: (path, message) => problems.push(`${where(path)}: ${path}: ${message}`),
    string: (path, opts = {}) => {
      const v = getPath(rootValue, split(path));
      if (v === undefined && opts.default !== undefined) return opts.default;
      if (typeof v !== 'string' || v === '') {
        reader.problem(path, v === undefined ? 'is required' : 'must be a non-empty string');
        return '';
      }
      if (opts.pattern && !opts.pattern.test(v)) reader.problem(path, `${JSON.stringify(v)} ${opts.hint ?? 'is not valid'}`);
      return v;
    },
    optionalString: (path) => {
      const v = getPath(rootValue, split(path));
      if (v === undefined) return undefined;
      if (typeof v !== 'string') {
        reader.problem(path, 'must be a string');
        return undefined;
      }
      return v;
    },
    number: (path, opts) => {
      const v = getPath(rootValue, split(path));
      if (v === undefined) return opts.default;
      if (typeof v !== 'number' || !Number.isFinite(v) || (opts.min !== undefined && v < opts.min) || (opts.max !== undefined && v > opts.max)) {
        reader.problem(path, `must be a number${opts.min !== undefined ? ` >= ${opts.min}` : ''}${opts.max !== undefined ? ` <= ${opts.max}` : ''}`);
        return opts.default;
      }
      return v;
    },
    stringList: (path, opts = {}) => {
      const v = getPath(rootValue, split(path));
      if (v === undefined) return opts.default ?? [];
      if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) {
        reader.problem(path, 'must be a list of strings');
        return opts.default ?? [];
      }
      return v as string[];
    },
    stringMap: (path) => {
      const v = getPath(rootValue, split(path));
      if (v === undefined) return {};
      if (typeof v !== 'object' || v === null || Array.isArray(v) || !Object.values(v).every((x) => typeof x === 'string')) {
        reader.problem(path, 'must be a mapping of names to strings');
        return {};
      }
      return v as Record<string, string>;
    },
    onlyKeys: (path, allowed) => {
      const v = getPath(rootValue, split(path));
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return;
      for (const key of Object.keys(v)) {
        if (!allowed.includes(key)) reader.problem(path ? `${path}.${key}` : key, `is not a known field (known: ${allowed.join(', ')})`);
      }
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
