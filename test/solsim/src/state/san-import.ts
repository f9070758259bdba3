// Import and deport of a SAN group (disk group or pool): the exclusive claim, its
// disk-header lock, the reservation keys and the host's own record of the import.
// The commands (vxdg, zpool) turn the outcomes into their own messages.
import type { SimEnv } from '../env.js';
import { observe } from '../observer.js';
import { readHostConfig } from './host-config.js';
import { prKeyFor, registerAndReserve, unregister } from './pr-keys.js';
import { writeDisabledReason } from './replication.js';
import type { GroupRecord, HostLock, StorageKind } from './san.js';
import { forgetImport, hostImport, hostSite, recordImport, withGroup, writeGroup } from './san.js';

export type ImportOutcome =
  | { ok: true; record: GroupRecord; cleared: string | null }
  | { ok: false; reason: 'not-found' }
  | { ok: false; reason: 'already-imported' }
  | { ok: false; reason: 'in-use'; lock: HostLock }
  | { ok: false; reason: 'write-disabled'; detail: string };

export interface ImportOptions {
  /** -C (vxdg) or -f (zpool): override another host's disk-header lock. */
  clearLock: boolean;
  /** Recorded in the observer event: the operator forced something (-C, -f). */
  forced: boolean;
}

export function hostKey(env: SimEnv): string {
  return prKeyFor(readHostConfig(env).hostid);
}

export function importGroup(env: SimEnv, kind: StorageKind, name: string, opts: ImportOptions): ImportOutcome {
  const site = hostSite(env);
  const config = readHostConfig(env);
  const key = prKeyFor(config.hostid);
  // Everything, the observer events included, happens under the group's SAN lock so that
  // the event order is the order in which the claims really happened.
  return withGroup(env.lab, site, kind, name, (record): ImportOutcome => {
    if (!record) return { ok: false, reason: 'not-found' };
    if (hostImport(env, kind, name)) return { ok: false, reason: 'already-imported' };
    if (kind === 'vxdg') {
      const wd = writeDisabledReason(env.lab, site, name);
      if (wd) return { ok: false, reason: 'write-disabled', detail: wd };
    }
    const lock = record.hostLock;
    if (lock && lock.host !== env.host && !opts.clearLock) return { ok: false, reason: 'in-use', lock };
    const cleared = lock && lock.host !== env.host ? lock.host : null;
    const now = Date.now();
    record.hostLock = { host: env.host, hostid: config.hostid, at: now };
    const change = registerAndReserve(record, env.host, key, now);
    writeGroup(env.lab, site, record);
    recordImport(env, { kind, site, group: name, id: record.id, at: now });
    if (change.registered) observe(env.lab, env.host, { type: 'pr.register', group: name, site, key });
    for (const victim of change.preempted) {
      observe(env.lab, env.host, {
        type: 'pr.preempt', group: name, site, key, preemptedHost: victim.host, preemptedKey: victim.key,
      });
    }
    observe(env.lab, env.host, { type: 'storage.import', kind, group: name, site, cleared, forced: opts.forced });
    return { ok: true, record, cleared };
  });
}

export type DeportOutcome = { ok: true; record: GroupRecord } | { ok: false; reason: 'not-imported' };

/**
 * Deport/export (the caller has checked for, or unmounted, mounted file systems).
 * A host whose claim was overridden still releases its own view; the SAN lock and the
 * reservation now belong to the new holder and stay untouched, as a deport of a
 * disabled disk group only cleans up locally.
 */
export function deportGroup(env: SimEnv, kind: StorageKind, name: string): DeportOutcome {
  const site = hostSite(env);
  return withGroup(env.lab, site, kind, name, (record): DeportOutcome => {
    if (!record || !hostImport(env, kind, name)) return { ok: false, reason: 'not-imported' };
    if (record.hostLock?.host === env.host) record.hostLock = null;
    unregister(record, env.host);
    writeGroup(env.lab, site, record);
    forgetImport(env, kind, site, name);
    observe(env.lab, env.host, { type: 'storage.deport', kind, group: name, site });
    return { ok: true, record };
  });
}

/** The group as this host has imported it, or null (not imported here, or gone). */
export function importedGroup(env: SimEnv, kind: StorageKind, name: string): GroupRecord | null {
  const mine = hostImport(env, kind, name);
  if (!mine) return null;
  return withGroup(env.lab, mine.site, kind, name, (record) => record);
}

/** Whether the array still accepts this host's writes to the group (its key is registered). */
export function keyRegistered(env: SimEnv, record: GroupRecord): boolean {
  return record.pr.registrations[env.host] === hostKey(env);
}
