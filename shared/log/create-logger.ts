// One root pino logger per process; modules get children carrying the fixed field
// vocabulary (zone, host, run, op, rpc, cmd, ...). Messages are constant phrases;
// variables go in fields.
import { pino, type Logger, type LoggerOptions } from 'pino';
import { prettyStream } from './pretty-lines.js';

export type { Logger };

export interface LoggerConfig {
  name: 'agent' | 'coordinator' | 'cli';
  level?: string;
  base?: Record<string, string>;
  /** Where JSON lines go (default stdout). */
  destination?: NodeJS.WritableStream;
  /** Human lines instead of JSON (`--log-pretty`), to the destination or stdout. */
  pretty?: boolean;
}

export function createLogger(config: LoggerConfig): Logger {
  const options: LoggerOptions = {
    name: config.name,
    level: config.level ?? 'info',
    base: { pid: process.pid, ...config.base },
    // Private keys and transfer tokens never reach a log line.
    redact: { paths: ['*.key', '*.privateKey', '*.token', 'config.tls.key'], censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (config.pretty) return pino(options, prettyStream(config.destination ?? process.stdout) as unknown as pino.DestinationStream);
  return config.destination ? pino(options, config.destination as pino.DestinationStream) : pino(options);
}
