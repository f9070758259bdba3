// What every operator command gets: the Control client, the output mode and the two
// output streams (stdout for results, stderr for errors and --verbose notes).
import type { Control } from './control-client.js';

export interface CliContext {
  control: Control;
  json: boolean;
  out(text: string): void;
  err(text: string): void;
}

export type CommandFn = (ctx: CliContext, argv: readonly string[]) => Promise<number>;
