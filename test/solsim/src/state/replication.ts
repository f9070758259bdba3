// Cross-site replication of disk groups, modelled on EMC SRDF device groups.
//
// SOLSIM_LAB/replication/<rdfGroup>.json describes one device group: the disk group it
// carries (same name on both sites), which site is currently R1 (source) and which R2
// (target), the pair state, the replication lag and when the link went down.
//
// Replication is lazy: nothing runs in the background. Whenever the R2 copy has to be
// real (failover, split, a query for the owed figures, a link coming back), it is
// materialised from R1: every file is copied, except the zone application's record
// files (records.log, lines "<seq> <host> <zone> <epochMs>"), of which only the lines
// with epochMs <= min(now, linkDownAt) - lagMs are copied — exactly what an async
// replica with that lag would hold. The disk-header lock travels with the data (it is
// on the replicated disks), so a DR import after a disaster needs -C, as on real SRDF.
// Reservation keys do not travel: they are per-array state.
//
// Write access per personality (as SRDF's device states):
//   R2 is write-disabled except after split or failover;
//   R1 is write-disabled after a failover until failback.
import fs from 'node:fs';
import path from 'node:path';
import { readJson, writeJson } from '../json-file.js';
import { withLock } from '../locks.js';
import { groupDir, mirrorTree, readGroup, volumeDir, writeGroup } from './san.js';

export const RECORD_FILE = 'records.log';

/** States as symrdf query shows them; 'Partitioned' is derived from linkDownAt. */
export type StoredPairState = 'Synchronized' | 'Consistent' | 'Split' | 'Failed Over' | 'Suspended';
export type PairState = StoredPairState | 'Partitioned';

export interface RdfGroupRecord {
  name: string;
  diskGroup: string;
  r1Site: string;
  r2Site: string;
  /** 0 = synchronous (SRDF/S, "Synchronized"); > 0 = asynchronous (SRDF/A, "Consistent"). */
  lagMs: number;
  state: StoredPairState;
  /** Set when the link (or the R1 site) was lost: nothing written after it replicates. */
  linkDownAt: number | null;
}

export function replicationDir(lab: string): string {
  return path.join(lab, 'replication');
}

function rdfFile(lab: string, name: string): string {
  return path.join(replicationDir(lab), `${name}.json`);
}

function rdfLock(lab: string, name: string): string {
  return path.join(replicationDir(lab), 'locks', `${name}.lock`);
}

export function readRdfGroup(lab: string, name: string): RdfGroupRecord | null {
  return readJson<RdfGroupRecord | null>(rdfFile(lab, name), null);
}

export function writeRdfGroup(lab: string, record: RdfGroupRecord): void {
  writeJson(rdfFile(lab, record.name), record);
}

export function withRdfGroup<T>(lab: string, name: string, fn: (record: RdfGroupRecord | null) => T): T {
  return withLock(rdfLock(lab, name), () => fn(readRdfGroup(lab, name)));
}

export function listRdfGroups(lab: string): RdfGroupRecord[] {
  let names: string[];
  try {
    names = fs.readdirSync(replicationDir(lab)).filter((n) => n.endsWith('.json')).sort();
  } catch {
    return [];
  }
  return names.map((n) => readRdfGroup(lab, n.slice(0, -'.json'.length))).filter((r): r is RdfGroupRecord => !!r);
}

export function replicatingState(lagMs: number): StoredPairState {
  return lagMs > 0 ? 'Consistent' : 'Synchronized';
}

export function isReplicating(state: StoredPairState): boolean {
  return state === 'Synchronized' || state === 'Consistent';
}

export function effectiveState(record: RdfGroupRecord): PairState {
  return isReplicating(record.state) && record.linkDownAt !== null ? 'Partitioned' : record.state;
}

/** Why writes to (or an import of) this site's copy of the disk group are refused, or null. */
export function writeDisabledReason(lab: string, site: string, diskGroup: string): string | null {
  for (const rdf of listRdfGroups(lab)) {
    if (rdf.diskGroup !== diskGroup) continue;
    if (site === rdf.r2Site && rdf.state !== 'Split' && rdf.state !== 'Failed Over') {
      return 'device is write-disabled (R2)';
    }
    if (site === rdf.r1Site && rdf.state === 'Failed Over') return 'device is write-disabled (R1 after failover)';
  }
  return null;
}

// --- record files --------------------------------------------------------------------

const RECORD_LINE = /^\d+ \S+ \S+ (\d+)$/;

/** Complete record lines of a records.log (a torn last line is not a record yet). */
export function recordLines(content: string): string[] {
  const lines = content.split('\n');
  lines.pop(); // what follows the last newline: empty, or a line still being written
  return lines.filter((l) => RECORD_LINE.test(l));
}

function recordTime(line: string): number {
  return Number(RECORD_LINE.exec(line)![1]);
}

function findRecordFiles(dir: string, found: string[] = []): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return found;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) findRecordFiles(p, found);
    else if (e.isFile() && e.name === RECORD_FILE) found.push(p);
  }
  return found;
}

export function countRecords(dir: string): number {
  return findRecordFiles(dir).reduce((n, f) => n + recordLines(fs.readFileSync(f, 'utf8')).length, 0);
}

/** The epoch before which R1's records have reached R2 (lag and a lost link both hold it back). */
export function replicationCutoff(record: RdfGroupRecord, now: number): number {
  return Math.min(now, record.linkDownAt ?? now) - record.lagMs;
}

// --- copying between the sites --------------------------------------------------------

/** Copies one site's disk group (configuration and volumes) over the other's. */
function copyDiskGroup(lab: string, from: string, to: string, dg: string, cutoff: number | null): void {
  const source = readGroup(lab, from, 'vxdg', dg);
  if (!source) throw new Error(`solsim: disk group ${dg} is not defined on site ${from}`);
  const target = readGroup(lab, to, 'vxdg', dg);
  // The private region (configuration and host lock) is on the replicated disks; the
  // reservation keys are per array and stay.
  writeGroup(lab, to, { ...source, pr: target?.pr ?? source.pr });
  const keep = (file: string, content: Buffer): Buffer => {
    if (cutoff === null || path.basename(file) !== RECORD_FILE) return content;
    const lines = recordLines(content.toString('utf8')).filter((l) => recordTime(l) <= cutoff);
    return Buffer.from(lines.map((l) => l + '\n').join(''));
  };
  const vols = path.join(groupDir(lab, from, 'vxdg', dg), 'vols');
  fs.mkdirSync(vols, { recursive: true });
  mirrorTree(vols, path.join(groupDir(lab, to, 'vxdg', dg), 'vols'), keep);
}

export interface Materialised {
  /** Records on R1 that are not (yet) on R2. */
  owedRecords: number;
  r1Records: number;
  r2Records: number;
}

/** Brings R2 up to what an async replica holds now (only while replicating). */
export function materialise(lab: string, record: RdfGroupRecord, now = Date.now()): Materialised {
  if (isReplicating(record.state)) {
    copyDiskGroup(lab, record.r1Site, record.r2Site, record.diskGroup, replicationCutoff(record, now));
  }
  return owed(lab, record);
}

export function owed(lab: string, record: RdfGroupRecord): Materialised {
  const r1Records = countRecords(path.join(groupDir(lab, record.r1Site, 'vxdg', record.diskGroup), 'vols'));
  const r2Records = countRecords(path.join(groupDir(lab, record.r2Site, 'vxdg', record.diskGroup), 'vols'));
  return { owedRecords: Math.max(0, r1Records - r2Records), r1Records, r2Records };
}

/** Per volume: records R2 owes R1's copy, and the other way round. */
export function owedPerVolume(lab: string, record: RdfGroupRecord, vol: string): { toR2: number; toR1: number } {
  const r1 = countRecords(volumeDir(lab, record.r1Site, record.diskGroup, vol));
  const r2 = countRecords(volumeDir(lab, record.r2Site, record.diskGroup, vol));
  return { toR2: Math.max(0, r1 - r2), toR1: Math.max(0, r2 - r1) };
}

/** Failback and a resumed link: copies the whole group from one site to the other. */
export function copyWholeGroup(lab: string, from: string, to: string, dg: string): void {
  copyDiskGroup(lab, from, to, dg, null);
}
