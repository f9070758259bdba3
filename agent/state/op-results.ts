// The recorded result of every mutating operation, by op id, on disk so it survives an
// agent restart: a repeated op id gets the first call's reply without anything running
// again, and a coordinator resuming a run asks here what became of a step. Records are
// kept at least 7 days and at least the newest 1,000 per zone (agent.proto says so).
import fs from 'node:fs';
import path from 'node:path';
import { readFileIfExists, writeFileDurable } from '../../shared/fs/atomic-file.js';
import { errors } from '../../shared/errors/twinzone-error.js';

export interface OpRecord {
  opId: string;
  rpc: string;
  zone: string;
  finishedAtMs: number;
  ok: boolean;
  /** The encoded reply (base64), when ok. */
  response?: string;
  /** The encoded twinzone.v1.ErrorDetail (base64) and gRPC status, when not ok. */
  error?: string;
  statusCode?: number;
}

const OP_ID = /^[A-Za-z0-9._:-]{1,128}$/;
export const KEEP_MS = 7 * 24 * 3600 * 1000;
export const KEEP_PER_ZONE = 1000;

export function requireOpId(opId: string): string {
  if (!OP_ID.test(opId)) {
    throw errors.invalidArgument(`op_id ${JSON.stringify(opId)} must be 1-128 of letters, digits, ".", "_", ":" and "-"`, { field: 'mutation.op_id' });
  }
  return opId;
}

export class OpResults {
  constructor(private readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  private file(opId: string): string {
    return path.join(this.dir, `${opId}.json`);
  }

  get(opId: string): OpRecord | null {
    const text = readFileIfExists(this.file(opId));
    return text === null ? null : (JSON.parse(text) as OpRecord);
  }

  put(record: OpRecord): void {
    writeFileDurable(this.file(record.opId), JSON.stringify(record) + '\n');
  }

  /** Drops records past the retention rules; returns how many were removed. */
  prune(nowMs: number): number {
    const byZone = new Map<string, { file: string; at: number }[]>();
    for (const name of fs.readdirSync(this.dir)) {
      if (!name.endsWith('.json')) continue;
      const file = path.join(this.dir, name);
      try {
        const rec = JSON.parse(fs.readFileSync(file, 'utf8')) as OpRecord;
        const list = byZone.get(rec.zone) ?? [];
        list.push({ file, at: rec.finishedAtMs });
        byZone.set(rec.zone, list);
      } catch {
        /* a torn file from before a crash: leave it to be overwritten */
      }
    }
    let removed = 0;
    for (const list of byZone.values()) {
      list.sort((a, b) => b.at - a.at);
      list.forEach((entry, index) => {
        if (index >= KEEP_PER_ZONE && nowMs - entry.at > KEEP_MS) {
          fs.rmSync(entry.file, { force: true });
          removed += 1;
        }
      });
    }
    return removed;
  }
}
