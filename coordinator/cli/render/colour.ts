// Colour for a terminal only: a CLI whose output goes to a file, a pipe or a script
// prints plain text (and NO_COLOR turns it off on a terminal too, https://no-color.org).
export interface Paint {
  ok(text: string): string;
  bad(text: string): string;
  warn(text: string): string;
  dim(text: string): string;
}

const sgr = (code: number) => (text: string) => `\x1b[${code}m${text}\x1b[0m`;
const plain = (text: string) => text;

export const NO_PAINT: Paint = { ok: plain, bad: plain, warn: plain, dim: plain };
export const TERMINAL_PAINT: Paint = { ok: sgr(32), bad: sgr(31), warn: sgr(33), dim: sgr(2) };

export function paintFor(enabled: boolean): Paint {
  return enabled ? TERMINAL_PAINT : NO_PAINT;
}
