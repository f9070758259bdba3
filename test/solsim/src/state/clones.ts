// TimeFinder/Clone sessions on the R2 array of an SRDF device group (symclone), and the
// clone devices they fill: the DR drill's way to a writable copy of the replica without
// touching the RDF pairs (a split would suspend production's replication).
//
// SOLSIM_LAB/clones/<rdfGroup>.json holds the one session per device group. Activation
// first brings R2 up to what an async replica holds now (as `symrdf query` does, under
// the device group's lock, the pair state untouched), then copies R2's disk group onto
// the clone devices: SOLSIM_LAB/san/<r2 site>/clonedev/<dg>/ (group.json + vols), a full
// copy at once (`-copy`: the lab's copy takes no time). The clone devices carry VxVM's
// private region, so they hold a disk group of the production name and dgid until
// `vxdg -n NEW -o useclonedev=on -o updateid import DG` renames them: the import moves
// them to san/<site>/vxdg/NEW (see cloneImport), where every other command sees an
// ordinary disk group. Terminating the session releases the clone devices (the lab
// returns them to the free pool, their content gone); it refuses while their disk group
// is imported.
import fs from 'node:fs';
import path from 'node:path';
import { readJson, writeJson } from '../json-file.js';
import { withLock } from '../locks.js';
import { observe } from '../observer.js';
import { RDF_MSG, rdfRefresh, RdfError } from './rdf-actions.js';
import { readRdfGroup, replicationCutoff, type RdfGroupRecord } from './replication.js';
import type { GroupRecord } from './san.js';
import { groupDir, groupLockFile, mirrorTree, readGroup, siteSanDir, writeGroup } from './san.js';

export type CloneState = 'Created' | 'Copied';

export interface CloneSession {
  /** The SRDF device group the session was created on. */
  group: string;
  diskGroup: string;
  /** The R2 site: the array holding both the source (R2) and the clone devices. */
  site: string;
  state: CloneState;
  createdAt: number;
  activatedAt: number | null;
  /** The replica's point in time at activation: records written on R1 up to it are on the clone. */
  pointInTime: number | null;
  /** The disk group name the clone devices were imported under, once renamed. */
  importedAs: string | null;
}

// SYMCLI's texts for these refusals could not be checked against a real array; close to
// what Solutions Enabler prints (UNVERIFIED). Kept here to change in one place.
export const CLONE_MSG = {
  groupNotFound: RDF_MSG.groupNotFound,
  alreadyInSession: 'The device(s) are already in a copy session',
  noSession: (g: string) => `No clone session was found for device group (${g})`,
  invalidState: 'The Clone device(s) are not in a valid state for this operation',
  notOnR2: (g: string) => `No target devices for a clone session were found on this Symmetrix for device group (${g})`,
  targetsInUse: 'The target device(s) are in use by a host (their disk group is imported)',
};

export class CloneError extends Error {}

function clonesDir(lab: string): string {
  return path.join(lab, 'clones');
}

function sessionFile(lab: string, group: string): string {
  return path.join(clonesDir(lab), `${group}.json`);
}

export function readCloneSession(lab: string, group: string): CloneSession | null {
  return readJson<CloneSession | null>(sessionFile(lab, group), null);
}

/** Where a disk group's clone devices are while no import has renamed them. */
export function cloneDevicesDir(lab: string, site: string, diskGroup: string): string {
  return path.join(siteSanDir(lab, site), 'clonedev', diskGroup);
}

function withSession<T>(lab: string, group: string, fn: (s: CloneSession | null) => T): T {
  return withLock(path.join(clonesDir(lab), 'locks', `${group}.lock`), () => fn(readCloneSession(lab, group)));
}

function rdfOnThisSite(lab: string, group: string, site: string): RdfGroupRecord {
  const rdf = readRdfGroup(lab, group);
  if (!rdf) throw new CloneError(CLONE_MSG.groupNotFound(group));
  if (rdf.r2Site !== site) throw new CloneError(CLONE_MSG.notOnR2(group));
  return rdf;
}

function say(lab: string, host: string, s: CloneSession, action: string, state: string): void {
  observe(lab, host, { type: 'clone', group: s.diskGroup, site: s.site, action, state });
}

/** `symclone -g G create -copy`: pairs R2's devices with clone targets; nothing copied yet. */
export function cloneCreate(lab: string, host: string, site: string, group: string, now = Date.now()): CloneSession {
  const rdf = rdfOnThisSite(lab, group, site);
  return withSession(lab, group, (existing) => {
    if (existing) throw new CloneError(CLONE_MSG.alreadyInSession);
    const s: CloneSession = { group, diskGroup: rdf.diskGroup, site, state: 'Created', createdAt: now, activatedAt: null, pointInTime: null, importedAs: null };
    writeJson(sessionFile(lab, group), s);
    say(lab, host, s, 'create', s.state);
    return s;
  });
}

/** `symclone -g G activate`: the point-in-time copy of what R2 holds now. */
export function cloneActivate(lab: string, host: string, site: string, group: string, now = Date.now()): CloneSession {
  rdfOnThisSite(lab, group, site);
  return withSession(lab, group, (s) => {
    if (!s) throw new CloneError(CLONE_MSG.noSession(group));
    if (s.state !== 'Created') throw new CloneError(CLONE_MSG.invalidState);
    // Lazy replication: R2 first holds what the async replica has by now (pair state unchanged).
    let rdf: RdfGroupRecord;
    try {
      rdf = rdfRefresh(lab, group, now);
    } catch (err) {
      if (err instanceof RdfError) throw new CloneError(err.message);
      throw err;
    }
    withLock(groupLockFile(lab, site, rdf.diskGroup), () => {
      const source = readGroup(lab, site, 'vxdg', rdf.diskGroup);
      if (!source) throw new CloneError(CLONE_MSG.groupNotFound(group));
      const target = cloneDevicesDir(lab, site, rdf.diskGroup);
      fs.mkdirSync(target, { recursive: true });
      fs.writeFileSync(path.join(target, 'group.json'), JSON.stringify(source, null, 2));
      const vols = path.join(groupDir(lab, site, 'vxdg', rdf.diskGroup), 'vols');
      fs.mkdirSync(vols, { recursive: true });
      mirrorTree(vols, path.join(target, 'vols'));
    });
    s.state = 'Copied';
    s.activatedAt = now;
    s.pointInTime = replicationCutoff(rdf, now);
    writeJson(sessionFile(lab, group), s);
    say(lab, host, s, 'activate', s.state);
    return s;
  });
}

/** `symclone -g G terminate`: ends the session and releases the clone devices. */
export function cloneTerminate(lab: string, host: string, site: string, group: string): CloneSession {
  rdfOnThisSite(lab, group, site);
  return withSession(lab, group, (s) => {
    if (!s) throw new CloneError(CLONE_MSG.noSession(group));
    if (s.importedAs) {
      const renamed = s.importedAs;
      withLock(groupLockFile(lab, site, renamed), () => {
        const record = readGroup(lab, site, 'vxdg', renamed);
        if (record?.hostLock) throw new CloneError(CLONE_MSG.targetsInUse);
        fs.rmSync(groupDir(lab, site, 'vxdg', renamed), { recursive: true, force: true });
      });
    }
    fs.rmSync(cloneDevicesDir(lab, site, s.diskGroup), { recursive: true, force: true });
    fs.rmSync(sessionFile(lab, group), { force: true });
    say(lab, host, s, 'terminate', 'Terminated');
    return s;
  });
}

export function listCloneSessions(lab: string): CloneSession[] {
  let names: string[];
  try {
    names = fs.readdirSync(clonesDir(lab)).filter((n) => n.endsWith('.json')).sort();
  } catch {
    return [];
  }
  return names.map((n) => readCloneSession(lab, n.slice(0, -'.json'.length))).filter((s): s is CloneSession => !!s);
}

export type CloneImportRefusal = 'not-found' | 'name-taken';

/**
 * The clone-device half of `vxdg -n NEW -o useclonedev=on [-o updateid] import DG`:
 * moves the copied clone devices of DG at SITE to san/SITE/vxdg/NEW under the new name
 * (and a new dgid with updateid), so that the ordinary import can take it from there.
 * Called under no lock; takes the clone session's and both group names' locks.
 */
export function renameCloneDevices(lab: string, site: string, diskGroup: string, newName: string, newId: string | null): CloneImportRefusal | null {
  const session = listCloneSessions(lab).find((s) => s.site === site && s.diskGroup === diskGroup && s.state === 'Copied');
  if (!session) return 'not-found';
  return withSession(lab, session.group, (s) => {
    if (!s || s.importedAs !== null && s.importedAs !== newName) return 'not-found';
    if (s.importedAs === newName) return null;
    return withLock(groupLockFile(lab, site, newName), () => {
      if (readGroup(lab, site, 'vxdg', newName)) return 'name-taken' as const;
      const from = cloneDevicesDir(lab, site, diskGroup);
      const record = readJson<GroupRecord | null>(path.join(from, 'group.json'), null);
      if (!record) return 'not-found' as const;
      const to = groupDir(lab, site, 'vxdg', newName);
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.renameSync(from, to);
      writeGroup(lab, site, { ...record, name: newName, id: newId ?? record.id });
      s.importedAs = newName;
      writeJson(sessionFile(lab, s.group), s);
      return null;
    });
  });
}
