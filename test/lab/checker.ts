// The independent invariant checker: replays the lab's observer log (one total order of
// every zone, storage and application transition on every simulated host) and scans the
// applications' record files. It knows nothing of twinzone; it only judges what the
// simulated hosts did.
//
//   I1  at most one host has a zone ready or running at any instant;
//   I2  a shared disk group is imported on at most one host at any instant: a -C/-f
//       claim is legal only once the previous holder deported it or crashed;
//   I5  no application record is lost or written twice: each record file is a gapless
//       sequence 1..N, and each application run resumes exactly where the previous
//       graceful stop ended, unless a replication failover in between reported the loss.
import fs from 'node:fs';
import path from 'node:path';
import { readObserverLog, type ObserverRecord } from '../solsim/src/observer.js';
import { RECORD_FILE_NAME } from '../solsim/src/app/app-control.js';

export interface Violation {
  invariant: 'I1' | 'I2' | 'I5';
  /** Observer sequence number where it became visible (0 for file scans). */
  seq: number;
  message: string;
}

const LIVE_ZONE_STATES = new Set(['ready', 'running', 'shutting_down']);

export function checkZoneExclusivity(log: readonly ObserverRecord[]): Violation[] {
  const violations: Violation[] = [];
  const liveOn = new Map<string, Set<string>>();
  for (const rec of log) {
    if (rec.type === 'host.crash') {
      for (const hosts of liveOn.values()) hosts.delete(rec.host);
      continue;
    }
    if (rec.type !== 'zone.state') continue;
    const hosts = liveOn.get(rec.zone) ?? new Set<string>();
    liveOn.set(rec.zone, hosts);
    if (!LIVE_ZONE_STATES.has(rec.to)) {
      hosts.delete(rec.host);
      continue;
    }
    hosts.add(rec.host);
    if (hosts.size > 1) {
      violations.push({
        invariant: 'I1',
        seq: rec.seq,
        message: `zone ${rec.zone} is ${rec.to} on ${rec.host} while also live on ${[...hosts].filter((h) => h !== rec.host).join(', ')}`,
      });
    }
  }
  return violations;
}

export function checkStorageExclusivity(log: readonly ObserverRecord[]): Violation[] {
  const violations: Violation[] = [];
  const holders = new Map<string, Set<string>>();
  for (const rec of log) {
    if (rec.type === 'host.crash') {
      for (const set of holders.values()) set.delete(rec.host);
      continue;
    }
    if (rec.type !== 'storage.import' && rec.type !== 'storage.deport') continue;
    const key = `${rec.site}/${rec.kind}/${rec.group}`;
    const set = holders.get(key) ?? new Set<string>();
    holders.set(key, set);
    if (rec.type === 'storage.deport') {
      set.delete(rec.host);
      continue;
    }
    const others = [...set].filter((h) => h !== rec.host);
    if (others.length > 0) {
      const how = rec.cleared ? `by clearing ${rec.cleared}'s lock` : 'without clearing a lock';
      violations.push({
        invariant: 'I2',
        seq: rec.seq,
        message: `${rec.kind} ${rec.group} (site ${rec.site}) imported on ${rec.host} ${how} while ${others.join(', ')} still held it`,
      });
    }
    set.add(rec.host);
  }
  return violations;
}

interface AppRun {
  host: string;
  dataId: string;
  startSeq: number;
  /** Last record written, when the run ended gracefully. */
  lastSeq?: number;
  crashed: boolean;
}

export function checkRecordContinuity(log: readonly ObserverRecord[]): Violation[] {
  const violations: Violation[] = [];
  const current = new Map<string, AppRun>();
  const previous = new Map<string, AppRun>();
  /** Records a replication failover reported lost, per disk group, not yet attributed. */
  const reportedLoss = new Map<string, number>();
  const groupOf = (dataId: string) => dataId.split('/').pop() ?? dataId;

  for (const rec of log) {
    switch (rec.type) {
      case 'replication':
        if (rec.lostRecords) reportedLoss.set(rec.group, (reportedLoss.get(rec.group) ?? 0) + rec.lostRecords);
        break;
      case 'host.crash':
        for (const [zone, run] of current) {
          if (run.host === rec.host) {
            previous.set(zone, { ...run, crashed: true });
            current.delete(zone);
          }
        }
        break;
      case 'zone.state': {
        // The zone left its kernel while its application never said goodbye (killed, or
        // stopped and then killed by the halt): that run ended as a crash does.
        const run = current.get(rec.zone);
        if (run && run.host === rec.host && !LIVE_ZONE_STATES.has(rec.to)) {
          previous.set(rec.zone, { ...run, crashed: true });
          current.delete(rec.zone);
        }
        break;
      }
      case 'app.stop': {
        const run = current.get(rec.zone);
        if (run && run.host === rec.host) {
          previous.set(rec.zone, { ...run, lastSeq: rec.lastSeq });
          current.delete(rec.zone);
        }
        break;
      }
      case 'app.start': {
        const prior = previous.get(rec.zone);
        if (prior && prior.lastSeq !== undefined && !prior.crashed) {
          const allowance = reportedLoss.get(groupOf(prior.dataId)) ?? 0;
          const lost = prior.lastSeq - rec.resumeSeq;
          if (lost > allowance) {
            violations.push({
              invariant: 'I5',
              seq: rec.seq,
              message: `zone ${rec.zone} resumed at record ${rec.resumeSeq} on ${rec.host} but ${prior.host} had written up to ${prior.lastSeq}: ${lost} record(s) lost${allowance ? ` (replication reported ${allowance})` : ''}`,
            });
          } else if (lost < 0) {
            violations.push({
              invariant: 'I5',
              seq: rec.seq,
              message: `zone ${rec.zone} resumed at record ${rec.resumeSeq} on ${rec.host} but ${prior.host} stopped at ${prior.lastSeq}: records ${prior.lastSeq + 1}..${rec.resumeSeq} were written by someone else`,
            });
          }
          if (lost > 0) reportedLoss.set(groupOf(prior.dataId), Math.max(0, allowance - lost));
        }
        const running = current.get(rec.zone);
        if (running && running.host !== rec.host) {
          violations.push({
            invariant: 'I5',
            seq: rec.seq,
            message: `zone ${rec.zone}'s application started on ${rec.host} while still writing on ${running.host}: two writers`,
          });
        }
        current.set(rec.zone, { host: rec.host, dataId: rec.dataId, startSeq: rec.seq, crashed: false });
        break;
      }
      default:
        break;
    }
  }
  return violations;
}

/** Every record file must hold 1, 2, 3, … with no gap, repeat or reordering. */
export function checkRecordFile(file: string, content: string): Violation[] {
  const violations: Violation[] = [];
  let expected = 1;
  for (const [index, line] of content.split('\n').entries()) {
    if (line.trim() === '') continue;
    const seq = Number(line.split(' ')[0]);
    if (seq !== expected) {
      const what = seq < expected ? `repeats record ${seq}` : `jumps from ${expected - 1} to ${seq} (records ${expected}..${seq - 1} missing)`;
      violations.push({ invariant: 'I5', seq: 0, message: `${file} line ${index + 1} ${what}` });
      // Resynchronise so one hole is reported once, not on every following line.
      expected = Math.max(expected, seq + 1);
      continue;
    }
    expected += 1;
  }
  return violations;
}

function findRecordFiles(dir: string, seen = new Set<string>()): string[] {
  const found: string[] = [];
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return found;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    // Mounts are symbolic links: follow none, so each file is read once, where it lives.
    if (entry.isDirectory()) found.push(...findRecordFiles(full, seen));
    else if (entry.isFile() && entry.name === RECORD_FILE_NAME) {
      const real = fs.realpathSync(full);
      if (!seen.has(real)) {
        seen.add(real);
        found.push(real);
      }
    }
  }
  return found;
}

export interface CheckReport {
  events: number;
  recordFiles: number;
  violations: Violation[];
}

export function checkLab(labDir: string): CheckReport {
  const log = readObserverLog(labDir);
  const files = findRecordFiles(labDir);
  const violations = [
    ...checkZoneExclusivity(log),
    ...checkStorageExclusivity(log),
    ...checkRecordContinuity(log),
    ...files.flatMap((f) => checkRecordFile(path.relative(labDir, f), fs.readFileSync(f, 'utf8'))),
  ];
  return { events: log.length, recordFiles: files.length, violations };
}

export function formatViolation(v: Violation): string {
  return `${v.invariant}${v.seq ? ` (event ${v.seq})` : ''}: ${v.message}`;
}
