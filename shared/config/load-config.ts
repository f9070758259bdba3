// Reading a YAML (or JSON) configuration file into a typed object. Every problem is
// reported with the file, the field's path and, where the document has one, its line,
// so an operator can fix the file without guessing; nothing is used from a bad file.
import fs from 'node:fs';
import { LineCounter, parseDocument, isMap, isScalar, isSeq, type Document } from 'yaml';

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
  /** Without a default the field is required; a missing or bad required number reads as NaN. */
  number(path: string, opts?: { default?: number; min?: number; max?: number; integer?: boolean }): number;
  boolean(path: string, opts: { default: boolean }): boolean;
  /** One of a fixed set of words; without a default the field is required. */
  oneOf<T extends string>(path: string, allowed: readonly T[], opts?: { default?: T }): T | undefined;
  /**
   * A nested mapping of fields: reports a wrong type and unknown keys, and says whether a
   * mapping is there to read (false: absent, or already reported).
   */
  mapping(path: string, allowed: string[], opts?: { required?: boolean }): boolean;
  /** The number of items of a list at path (0 when absent or reported as not a list). */
  list(path: string, opts?: { required?: boolean; nonEmpty?: boolean }): number;
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
    problem: (path, message) => problems.push(path === '' ? `${where(path)}: ${message}` : `${where(path)}: ${path}: ${message}`),
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
    number: (path, opts = {}) => {
      const v = getPath(rootValue, split(path));
      const fallback = opts.default ?? Number.NaN;
      if (v === undefined) {
        if (opts.default === undefined) reader.problem(path, 'is required');
        return fallback;
      }
      if (
        typeof v !== 'number' ||
        !Number.isFinite(v) ||
        (opts.integer && !Number.isInteger(v)) ||
        (opts.min !== undefined && v < opts.min) ||
        (opts.max !== undefined && v > opts.max)
      ) {
        const kind = opts.integer ? 'a whole number' : 'a number';
        reader.problem(path, `must be ${kind}${opts.min !== undefined ? ` >= ${opts.min}` : ''}${opts.max !== undefined ? ` <= ${opts.max}` : ''}${v === null || typeof v === 'object' ? '' : ` (got ${JSON.stringify(v)})`}`);
        return fallback;
      }
      return v;
    },
    boolean: (path, opts) => {
      const v = getPath(rootValue, split(path));
      if (v === undefined) return opts.default;
      if (typeof v !== 'boolean') {
        reader.problem(path, 'must be true or false');
        return opts.default;
      }
      return v;
    },
    oneOf: (path, allowed, opts = {}) => {
      const v = getPath(rootValue, split(path));
      if (v === undefined && opts.default !== undefined) return opts.default;
      if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
        reader.problem(path, v === undefined ? `is required (one of ${allowed.join(', ')})` : `must be one of ${allowed.join(', ')}${typeof v === 'string' ? ` (got ${JSON.stringify(v)})` : ''}`);
        return opts.default;
      }
      return v as (typeof allowed)[number];
    },
    mapping: (path, allowed, opts = {}) => {
      const v = path === '' ? rootValue : getPath(rootValue, split(path));
      if (v === undefined || (path === '' && v === null)) {
        if (opts.required) reader.problem(path, path === '' ? 'the file is empty' : 'is required');
        return false;
      }
      if (typeof v !== 'object' || v === null || Array.isArray(v)) {
        reader.problem(path, `must be a mapping of fields (${allowed.join(', ')})`);
        return false;
      }
      reader.onlyKeys(path, allowed);
      return true;
    },
    list: (path, opts = {}) => {
      const v = getPath(rootValue, split(path));
      if (v === undefined) {
        if (opts.required || opts.nonEmpty) reader.problem(path, 'is required');
        return 0;
      }
      if (!Array.isArray(v)) {
        reader.problem(path, 'must be a list');
        return 0;
      }
      if (opts.nonEmpty && v.length === 0) reader.problem(path, 'must list at least one item');
      return v.length;
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
