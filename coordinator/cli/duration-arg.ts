// Durations on the command line: a number with a unit (ms, s, m, h), e.g. `--probation 10m`,
// `--probation 90s`, `--probation 1500ms`. A bare number is refused: seconds and
// milliseconds are too easily confused for a period that decides a fallback.
import { UsageError } from './cli-args.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

export function parseDurationArg(option: string, text: string, usage: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
  const ms = m ? Math.round(Number(m[1]) * UNIT_MS[m[2]!]!) : NaN;
  if (!Number.isSafeInteger(ms) || ms <= 0) {
    throw new UsageError(`${option} takes a duration above zero with its unit (e.g. 90s, 10m, 1h), not ${JSON.stringify(text)}; usage: ${usage}`);
  }
  return ms;
}
