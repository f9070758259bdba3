import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './create-logger.js';
import { prettyLine } from './pretty-lines.js';

describe('--log-pretty', () => {
  it('turns a pino JSON line into one readable line', () => {
    const line = JSON.stringify({ level: 30, time: '2026-12-07T08:00:01.234Z', pid: 1, hostname: 'h', name: 'agent', host: 'hostA', msg: 'listening', port: 7420, zone: 'db 01' });
    expect(prettyLine(line, false)).toBe('08:00:01.234 INFO  agent listening host=hostA port=7420 zone="db 01"');
    expect(prettyLine(line, true)).toContain('\x1b[32mINFO \x1b[0m');
  });

  it('adds the stack of an error and leaves a line that is not JSON as it is', () => {
    const line = JSON.stringify({ level: 50, time: '2026-12-07T08:00:01.234Z', name: 'coordinator', msg: 'cannot listen', err: { message: 'EADDRINUSE', stack: 'Error: EADDRINUSE\n    at x' } });
    expect(prettyLine(line, false)).toBe('08:00:01.234 ERROR coordinator cannot listen\n    Error: EADDRINUSE\n    at x');
    expect(prettyLine('not json', false)).toBe('not json');
  });

  it('is what a pretty logger writes', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => (text += d.toString()));
    const log = createLogger({ name: 'agent', pretty: true, destination: out });
    log.info({ zone: 'db01' }, 'halted');
    await new Promise((r) => setImmediate(r));
    expect(text).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO  agent halted zone=db01\n$/);
  });
});
