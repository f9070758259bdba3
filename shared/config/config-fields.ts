// zod building blocks for configuration files, each worded the way an operator reads a
// problem ("must be a whole number >= 1 <= 65535 (got 70000)"), and the one error map
// that turns zod's issues into those sentences. load-config.ts adds the file and line.
import { z } from 'zod';
import { isTwinzoneError } from '../errors/twinzone-error.js';

/** " (got VALUE)" for a scalar the operator wrote; nothing for mappings and lists. */
export function got(v: unknown): string {
  return v === null || v === undefined || typeof v === 'object' ? '' : ` (got ${JSON.stringify(v)})`;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'must be a string',
  number: 'must be a number',
  int: 'must be a whole number',
  boolean: 'must be true or false',
  array: 'must be a list',
  object: 'must be a mapping of fields',
  record: 'must be a mapping of names to values',
};

/**
 * The error map for every configuration parse: a sentence per zod issue code. Schemas
 * that know better (ranges, known keys) carry their own `error`, which zod prefers.
 */
export const describeIssue: z.core.$ZodErrorMap = (iss) => {
  switch (iss.code) {
    case 'invalid_type':
      if (iss.input === undefined) return 'is required';
      return `${TYPE_WORDS[iss.expected] ?? `must be ${iss.expected}`}${got(iss.input)}`;
    case 'invalid_value': {
      const values = iss.values.map(String).join(', ');
      return iss.input === undefined ? `is required (one of ${values})` : `must be one of ${values}${got(iss.input)}`;
    }
    case 'too_small':
      if (iss.origin === 'array') return Number(iss.minimum) === 1 ? 'must list at least one item' : `must list at least ${String(iss.minimum)} items`;
      if (iss.origin === 'string') return 'must be a non-empty string';
      return `must be >= ${String(iss.minimum)}${got(iss.input)}`;
    case 'too_big':
      return `must be <= ${String(iss.maximum)}${got(iss.input)}`;
    case 'unrecognized_keys':
      return 'is not a known field';
    case 'invalid_union': {
      // A discriminated union (a health check's kind): say which words are allowed.
      if (!('discriminator' in iss) || typeof iss.discriminator !== 'string') return 'matches none of the allowed forms';
      const kind = (iss.input as Record<string, unknown> | undefined)?.[iss.discriminator];
      const options = (iss.options as unknown[]).map(String).join(', ');
      return kind === undefined ? `is required (one of ${options})` : `must be one of ${options}${got(kind)}`;
    }
    default:
      return undefined;
  }
};

/**
 * A mapping with exactly these fields: each unknown key is reported at its own path with
 * the known ones listed (most unknown keys are typos of a known one).
 */
export function fields<S extends z.ZodRawShape>(shape: S, opts: { unknownKey?: string } = {}) {
  const known = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (iss) => {
      if (iss.code === 'unrecognized_keys') return opts.unknownKey ?? `is not a known field (known: ${known})`;
      if (iss.code === 'invalid_type') return iss.input === undefined ? 'is required' : `must be a mapping of fields (${known})`;
      return undefined;
    },
  });
}

/** A whole number in a range, with the range in the message whatever was wrong. */
export function wholeNumber(min: number, max?: number) {
  const range = `>= ${min}${max === undefined ? '' : ` <= ${max}`}`;
  const error = (iss: { input?: unknown }) => (iss.input === undefined ? 'is required' : `must be a whole number ${range}${got(iss.input)}`);
  // abort: one sentence per field, and refinements after the range see only numbers in it.
  const n = z.number({ error }).int({ error, abort: true }).min(min, { error, abort: true });
  return max === undefined ? n : n.max(max, { error, abort: true });
}

/** A number (milliseconds, say) of at least min. */
export function numberAtLeast(min: number) {
  const error = (iss: { input?: unknown }) => (iss.input === undefined ? 'is required' : `must be a number >= ${min}${got(iss.input)}`);
  return z.number({ error }).min(min, { error });
}

/** A non-empty string; `whenMissing` says what an absent one is for. */
export function text(whenMissing = 'is required') {
  return z.string({ error: (iss) => (iss.input === undefined ? whenMissing : undefined) }).min(1);
}

/**
 * A non-empty string whose problem, if any, `problemOf` names in a full sentence;
 * `notText` is the sentence for a value of another type (YAML reads 7430 as a number).
 */
export function checkedText(problemOf: (value: string) => string | null, notText?: string) {
  const base = notText === undefined ? text() : z.string({ error: (iss) => (iss.input === undefined ? 'is required' : `${notText}${got(iss.input)}`) }).min(1);
  return base.superRefine((value, ctx) => {
    const problem = problemOf(value);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
  });
}

/** A non-empty string matching pattern; otherwise `"VALUE" hint`. */
export function matching(pattern: RegExp, hint: string) {
  return checkedText((v) => (pattern.test(v) ? null : `${JSON.stringify(v)} ${hint}`), hint);
}

/**
 * A name checked by one of shared/validate's `require*` functions, which throw a
 * TwinzoneError whose message is already the operator's sentence.
 */
export function checkedBy(check: (field: string, value: string) => unknown, label: string) {
  return checkedText((v) => {
    try {
      check(label, v);
      return null;
    } catch (err) {
      if (!isTwinzoneError(err)) throw err;
      return err.message;
    }
  });
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;

/** HOST:PORT as a listener takes it (0.0.0.0:7420, [::]:7420, 127.0.0.1:0). */
export const listenAddress = () => matching(/^[^\s]+:\d{1,5}$/, 'must be HOST:PORT');

/** What could be read of a value that failed its schema: every field and item that passed alone. */
export type Salvaged<T> = T extends readonly (infer U)[] ? (Salvaged<U> | undefined)[] : T extends object ? { [K in keyof T]?: Salvaged<T[K]> } : T;

/**
 * The parts of value that pass schema on their own, so that checks across a file (a
 * reference to a host, a duplicate name) still run beside a field's problem and the
 * operator sees every problem of the file at once. Optional and defaulted fields unwrap;
 * a discriminated union is read by the option its discriminator names (else its first).
 */
export function salvage<T extends z.ZodType>(schema: T, value: unknown): Salvaged<z.output<T>> | undefined {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data as Salvaged<z.output<T>>;
  let inner: z.ZodType = schema;
  while (inner instanceof z.ZodOptional || inner instanceof z.ZodDefault) inner = inner.def.innerType as z.ZodType;
  if (inner instanceof z.ZodDiscriminatedUnion && typeof value === 'object' && value !== null) {
    const options = inner.options as z.ZodObject[];
    const tag = (value as Record<string, unknown>)[inner.def.discriminator];
    const option = options.find((o) => o.shape[inner.def.discriminator]?.safeParse(tag).success) ?? options[0];
    return option ? (salvage(option, value) as Salvaged<z.output<T>>) : undefined;
  }
  if (inner instanceof z.ZodObject && typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    return Object.fromEntries(Object.entries(inner.shape).map(([key, field]) => [key, salvage(field as z.ZodType, record[key])])) as Salvaged<z.output<T>>;
  }
  if (inner instanceof z.ZodArray && Array.isArray(value)) {
    return value.map((item) => salvage(inner.element as z.ZodType, item)) as Salvaged<z.output<T>>;
  }
  return undefined;
}
