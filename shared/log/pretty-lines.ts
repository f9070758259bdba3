// `--log-pretty`: pino's JSON lines made readable in a terminal, one line each:
// "12:00:01.234 INFO  agent listening port=7420 host=hostA". Colour only when the
// output is a terminal. Services keep JSON (the default): this is for people watching.
import { Writable } from 'node:stream';

const LEVELS: Record<number, [string, string]> = {
  10: ['TRACE', '\x1b[90m'],
  20: ['DEBUG', '\x1b[36m'],
  30: ['INFO ', '\x1b[32m'],
  40: ['WARN ', '\x1b[33m'],
  50: ['ERROR', '\x1b[31m'],
  60: ['FATAL', '\x1b[35m'],
};
/** Fields every line has, shown in the fixed columns or not at all. */
const SKIP = new Set(['level', 'time', 'msg', 'name', 'pid', 'hostname', 'v']);

function value(v: unknown): string {
  if (typeof v === 'string') return /^[^\s="]+$/.test(v) ? v : JSON.stringify(v);
  return JSON.stringify(v);
}

/** One JSON log line as a human line (without the newline); a line that is not JSON as it is. */
export function prettyLine(line: string, colour: boolean): string {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const [label, code] = LEVELS[Number(rec.level)] ?? [String(rec.level).padEnd(5), ''];
  const time = typeof rec.time === 'string' ? rec.time.slice(11, 23) : new Date(Number(rec.time)).toISOString().slice(11, 23);
  const err = rec.err as { message?: string; stack?: string } | undefined;
  const fields = Object.entries(rec)
    .filter(([k]) => !SKIP.has(k) && k !== 'err')
    .map(([k, v]) => `${k}=${value(v)}`)
    .join(' ');
  const lvl = colour && code ? `${code}${label}\x1b[0m` : label;
  const head = `${time} ${lvl} ${String(rec.name ?? '')} ${String(rec.msg ?? '')}`;
  const tail = err ? `\n    ${err.stack ?? err.message ?? ''}` : '';
  return `${head}${fields ? ` ${colour ? `\x1b[2m${fields}\x1b[0m` : fields}` : ''}${tail}`;
}

/** A stream for pino's destination that writes pretty lines to out. */
export function prettyStream(out: NodeJS.WritableStream & { isTTY?: boolean }): Writable {
  const colour = out.isTTY === true;
  let partial = '';
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line !== '') out.write(`${prettyLine(line, colour)}\n`);
      done();
    },
  });
}
