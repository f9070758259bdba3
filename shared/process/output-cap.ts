// How much of a command's output a reply, a journal row or an event carries: the head
// and the tail, with what was cut in between said in so many characters.

/** Replies carry at most this much of each stream: the head and the tail of the rest. */
export const RECORD_OUTPUT_LIMIT = 8 * 1024;

export function trimOutput(text: string): { text: string; truncated: boolean } {
  if (text.length <= RECORD_OUTPUT_LIMIT) return { text, truncated: false };
  const half = RECORD_OUTPUT_LIMIT / 2;
  return {
    text: `${text.slice(0, half)}\n[... ${text.length - RECORD_OUTPUT_LIMIT} characters cut ...]\n${text.slice(-half)}`,
    truncated: true,
  };
}
