// The lab-wide observer log (SOLSIM_LAB/observer.jsonl): every zone and storage
// transition, in one total order, for the invariant checker (test/lab/checker.ts).
import fs from 'node:fs';
import path from 'node:path';
import { withLock } from './locks.js';

export type ObservedEvent =
  | { type: 'zone.state'; zone: string; from: string; to: string }
  | { type: 'storage.import'; kind: StorageKind; group: string; site: string; cleared: string | null; forced: boolean }
  | { type: 'storage.deport'; kind: StorageKind; group: string; site: string }
  | { type: 'pr.register'; group: string; site: string; key: string }
  | { type: 'pr.preempt'; group: string; site: string; key: string; preemptedHost: string; preemptedKey: string }
  | { type: 'write.refused'; group: string; site: string; zone: string; reason: string }
  | { type: 'app.start'; zone: string; port: number; dataFile: string; dataId: string; resumeSeq: number }
  | { type: 'app.stop'; zone: string; dataId: string; lastSeq: number; reason: string }
  | { type: 'mount'; special: string; mountPoint: string; fstype: string }
  | { type: 'umount'; special: string; mountPoint: string }
  | { type: 'replication'; group: string; action: string; state: string; lostRecords?: number; lagMs?: number }
  | { type: 'clone'; group: string; site: string; action: string; state: string }
  | { type: 'host.crash' }
  | { type: 'host.boot' }
  | { type: 'note'; text: string };

export type StorageKind = 'vxdg' | 'zpool';

export type ObserverRecord = ObservedEvent & {
  /** Lab-wide monotonic sequence number: the total order checkers replay. */
  seq: number;
  /** Wall clock, ISO 8601. */
  time: string;
  host: string;
};

export function observerLogPath(lab: string): string {
  return path.join(lab, 'observer.jsonl');
}

export function observe(lab: string, host: string, event: ObservedEvent): ObserverRecord {
  const seqFile = path.join(lab, 'observer.seq');
  return withLock(path.join(lab, 'locks', 'observer.lock'), () => {
    let seq = 0;
    try {
      seq = Number(fs.readFileSync(seqFile, 'utf8')) || 0;
    } catch {
      /* first event */
    }
    seq += 1;
    const record = { seq, time: new Date().toISOString(), host, ...event } as ObserverRecord;
    // Append before bumping the counter: a crash in between repeats a number (detectable)
    // rather than leaving a hole that would hide an event.
    fs.appendFileSync(observerLogPath(lab), JSON.stringify(record) + '\n');
    fs.writeFileSync(seqFile, String(seq));
    return record;
  });
}

export function readObserverLog(lab: string): ObserverRecord[] {
  let text: string;
  try {
    text = fs.readFileSync(observerLogPath(lab), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as ObserverRecord);
}
