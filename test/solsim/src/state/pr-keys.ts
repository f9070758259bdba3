// SCSI-3 persistent reservations on a group's disks, the storage-level fence.
//
// Every host that imports a group registers its key on the disks and takes the
// reservation ("write exclusive, registrants only"). A host taking the group over from
// another one (vxdg -C, zpool -f, after a crash or partition) preempts the old host's
// key: from then on the array rejects every write from the old host with a reservation
// conflict, however confused that host's software is. Registrations are state on the
// disks, so they survive a crash of the host; only deport/export removes a key.
import type { GroupRecord } from './san.js';

export interface PrState {
  /** host → registered key. */
  registrations: Record<string, string>;
  /** The host holding the reservation, if any. */
  holder: string | null;
  /** Keys removed by a preempt: victim host → who preempted it and which key it had. */
  preempted: Record<string, { by: string; key: string; at: number }>;
}

export function emptyPrState(): PrState {
  return { registrations: {}, holder: null, preempted: {} };
}

/**
 * The key a host registers: derived from its hostid so that it is stable across reboots
 * and distinct per host. Real fencing drivers build 8-byte keys from a node or host id
 * as well; the exact encoding differs per product (UNVERIFIED for any particular one).
 */
export function prKeyFor(hostid: string): string {
  return '0x' + hostid.toLowerCase().padStart(16, '0');
}

export interface PrChange {
  /** The key was newly registered (absent or different before). */
  registered: boolean;
  preempted: { host: string; key: string }[];
}

/** Register host's key, take the reservation and preempt every other registrant. */
export function registerAndReserve(record: GroupRecord, host: string, key: string, now: number): PrChange {
  const pr = record.pr;
  const registered = pr.registrations[host] !== key;
  pr.registrations[host] = key;
  delete pr.preempted[host];
  const preempted: PrChange['preempted'] = [];
  for (const [other, otherKey] of Object.entries(pr.registrations)) {
    if (other === host) continue;
    preempted.push({ host: other, key: otherKey });
    delete pr.registrations[other];
    pr.preempted[other] = { by: host, key: otherKey, at: now };
  }
  pr.holder = host;
  return { registered, preempted };
}

/** Deport/export: the host unregisters and releases the reservation if it held it. */
export function unregister(record: GroupRecord, host: string): void {
  const pr = record.pr;
  delete pr.registrations[host];
  delete pr.preempted[host];
  if (pr.holder === host) pr.holder = null;
}

/** Null when host may write; otherwise why the array rejects its writes. */
export function prRefusal(record: GroupRecord, host: string, key: string): string | null {
  const pr = record.pr;
  if (pr.registrations[host] === key && pr.holder !== null) return null;
  const preempt = pr.preempted[host];
  if (preempt) return `reservation conflict: key of ${host} was preempted by ${preempt.by}`;
  return `reservation conflict: key of ${host} is not registered`;
}
