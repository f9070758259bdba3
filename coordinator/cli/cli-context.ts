// What every operator command gets: the Control client, the output mode and the two
// output streams (stdout for results, stderr for errors and --verbose notes).
import type { Control } from './control-client.js';

/** Standard output when it is a terminal: progress bars go there, colour if allowed. */
export interface Terminal {
  stream: NodeJS.WritableStream;
  colour: boolean;
}

export interface CliContext {
  control: Control;
  json: boolean;
  out(text: string): void;
  err(text: string): void;
  /** Null when the output is a file, a pipe or --json: plain lines only. */
  terminal?: Terminal | null;
}

export type CommandFn = (ctx: CliContext, argv: readonly string[]) => Promise<number>;
