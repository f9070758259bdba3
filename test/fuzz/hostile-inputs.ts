// Hostile inputs for the bad-input suites (fast-check arbitraries) and the generic
// filling of any request message with them: every string field gets a hostile string,
// every number an out-of-range one, and the mutation header a hostile zone and op id.
import fc from 'fast-check';

/** Pieces that no zone, host, group or op-id rule admits, and no path rule either. */
const POISON = [';', '|', '&&', '$(reboot)', '`id`', '\u0000', '/../', '..', '\n', '*', '>', '<', ' ', '\\', '\u202e', '💥', 'é', '%00', "'", '"'];

/** A string carrying at least one hostile piece: shell metacharacters, `..`, NUL, unicode, control characters. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.string({ maxLength: 12 }), fc.constantFrom(...POISON), fc.string({ maxLength: 12 })).map(([a, p, b]) => `${a}${p}${b}`) },
  { weight: 2, arbitrary: fc.constantFrom('../../etc/shadow', '/zones/../../etc', 'db01; zoneadm -z db01 halt', '-rf', '--help', '-z', '.', '/', 'db01\u0000', '\u0000') },
  // Longer than any name or path the validators admit.
  { weight: 1, arbitrary: fc.integer({ min: 1100, max: 5000 }).map((n) => '/zones/' + 'z'.repeat(n)) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).map((s) => `${s}\u0301💥`) },
);

export const hostileNumber: fc.Arbitrary<number> = fc.constantFrom(-1, -(2 ** 31), 2 ** 53, Number.MAX_SAFE_INTEGER, 4294967296);

export interface Filled {
  request: Record<string, unknown>;
  /** Which fields were made hostile (for the failure message). */
  fields: string[];
}

/**
 * The default message (ts-proto fromPartial({})) with every string field hostile, every
 * number hostile when `numbers`, repeated strings holding one hostile string, and a
 * hostile mutation header when the message has one.
 */
export function fillHostile(base: Record<string, unknown>, s: () => string, n: () => number, numbers: boolean): Filled {
  const request: Record<string, unknown> = { ...base };
  const fields: string[] = [];
  for (const [k, v] of Object.entries(base)) {
    if (typeof v === 'string') {
      request[k] = s();
      fields.push(k);
    } else if (typeof v === 'number' && numbers) {
      request[k] = n();
      fields.push(k);
    } else if (Array.isArray(v)) {
      request[k] = [s()];
      fields.push(k);
    } else if (k === 'mutation') {
      request[k] = { opId: s(), zone: s(), epoch: numbers ? n() : 1, dryRun: false };
      fields.push(k);
    }
  }
  return { request, fields };
}

/** Error texts an operator can act on: one sentence, no stack trace, not a bare internal error. */
export function isClearError(message: string): boolean {
  return message.trim().length > 0 && !/\n\s+at /.test(message) && !/TypeError|ReferenceError|undefined is not|Cannot read prop/.test(message);
}

/** Reports one suite's counts: printed, and appended to $TWINZONE_FUZZ_REPORT when set. */
export function recordCounts(suite: string, counts: Record<string, number>): void {
  const line = JSON.stringify({ suite, ...counts });
  console.log(`bad-input counts: ${line}`);
  const file = process.env.TWINZONE_FUZZ_REPORT;
  if (file) {
    // node:fs imported lazily: this module is also used where only the arbitraries matter.
    void import('node:fs').then((fs) => fs.appendFileSync(file, line + '\n'));
  }
}
