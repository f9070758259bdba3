import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../shared/log/create-logger.js';
import { loadAgentConfig } from './agent-config.js';
import { createAgentRuntime } from './agent-runtime.js';

describe('agent runtime', () => {
  it("an operation's log lines name the zone once, whether or not the gRPC edge already bound it", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twz-runtime-'));
    try {
      const file = path.join(dir, 'agent.yaml');
      fs.writeFileSync(file, 'host: hostA\nstateDir: state\ninsecure: true\n');
      const lines: string[] = [];
      const destination = new Writable({ write(chunk: Buffer, _enc, done) { lines.push(chunk.toString()); done(); } });
      const log = createLogger({ name: 'agent', destination });
      const runtime = createAgentRuntime(loadAgentConfig(file), log);
      const edge = { log: log.child({ zone: 'db01', op: 'op-1' }), signal: new AbortController().signal, peer: 'ipv4:127.0.0.1:1', op: 'op-1' };
      runtime.opContext(edge, 'db01', false).log.info('bound at the edge');
      runtime.opContext({ ...edge, log }, 'db01', false).log.info('bound here');
      expect(lines).toHaveLength(2);
      for (const line of lines) expect(line.match(/"zone":/g)).toHaveLength(1);
      expect(lines.map((l) => (JSON.parse(l) as { zone: string }).zone)).toEqual(['db01', 'db01']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
