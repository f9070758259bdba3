// Output a parser may act on: whole (every line-oriented Solaris command ends its output
// with a newline) and free of NUL and other control bytes. A killed command, a broken
// pipe or a damaged binary leaves output cut short or mangled; a list read from it would
// make a zone or a disk group that is there look absent, and the caller would decide on
// that. So a parser refuses what it cannot read completely: COMMAND_OUTPUT, never a
// partial answer. PURE.
import { TwinzoneError } from '../../shared/errors/twinzone-error.js';

/** Tab and newline are the only control characters these commands print. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;

/** The error for output that cannot be read completely. */
export function unreadableOutput(command: string, why: string): TwinzoneError {
  return new TwinzoneError('COMMAND_OUTPUT', `cannot read the output of \`${command}\`: ${why}`, { fields: { command } });
}

/** Quotes a line for a message, shortened: output can be long and hostile. */
export function quoteLine(line: string): string {
  return JSON.stringify(line.length > 120 ? `${line.slice(0, 120)}...` : line);
}

/**
 * The non-blank lines of a command's complete standard output. Refuses output with
 * control bytes, output that does not end with a newline (cut inside a line), and empty
 * output unless the command may legitimately print nothing.
 */
export function completeLines(command: string, stdout: string, opts: { mayBeEmpty: boolean }): string[] {
  if (stdout === '') {
    if (opts.mayBeEmpty) return [];
    throw unreadableOutput(command, 'it printed nothing, not even its header');
  }
  const control = CONTROL.exec(stdout);
  if (control) throw unreadableOutput(command, `it contains the control byte 0x${control[0].charCodeAt(0).toString(16).padStart(2, '0')}`);
  if (!stdout.endsWith('\n')) {
    const last = stdout.slice(stdout.lastIndexOf('\n') + 1);
    throw unreadableOutput(command, `it ends inside a line (${quoteLine(last)}), so it was cut short`);
  }
  return stdout.split('\n').filter((l) => l.trim() !== '');
}
