// Reads a daemon's pino JSON log file into records, so tests assert on log data
// (fields such as op, zone, cmd) rather than on message text.
import fs from 'node:fs';

export type LogRecord = Record<string, unknown> & { msg?: string; level?: number };

export function readLogLines(file: string): LogRecord[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const records: LogRecord[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      records.push(JSON.parse(line) as LogRecord);
    } catch {
      /* a partial last line */
    }
  }
  return records;
}
