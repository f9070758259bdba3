// The SRDF control operations symrdf performs on a device group, as state transitions
// of the replication model (replication.ts). Each runs under the device group's lock and
// the SAN locks of both copies of the disk group.
import { withLock } from '../locks.js';
import { observe } from '../observer.js';
import type { RdfGroupRecord, StoredPairState } from './replication.js';
import {
  copyWholeGroup, effectiveState, isReplicating, materialise, replicatingState, withRdfGroup, writeRdfGroup,
} from './replication.js';
import { groupLockFile } from './san.js';

// SYMCLI's texts for these refusals could not be checked against a real array; these
// are close to what Solutions Enabler prints (UNVERIFIED). Kept here to change in one place.
export const RDF_MSG = {
  groupNotFound: (g: string) => `The specified device group (${g}) was not found`,
  invalidState: 'The RDF device(s) are not in a valid state for this operation',
  linkNotReady: 'The operation cannot be performed because the RDF link(s) are not ready',
};

export class RdfError extends Error {}

export type RdfAction = 'failover' | 'failback' | 'split' | 'establish' | 'swap';

export interface RdfResult {
  record: RdfGroupRecord;
  /** Records R1 held that R2 did not get (failover and split). */
  lostRecords?: number;
}

interface Transition {
  allowed: (r: RdfGroupRecord) => boolean;
  needsLink: boolean;
  apply: (lab: string, r: RdfGroupRecord, now: number) => number | undefined;
}

const TRANSITIONS: Record<RdfAction, Transition> = {
  // R1 write-disabled, R2 read/write: the R2 copy becomes what the replica really had.
  failover: {
    allowed: (r) => isReplicating(r.state) || r.state === 'Suspended',
    needsLink: false,
    apply: (lab, r, now) => {
      const lost = materialise(lab, r, now).owedRecords;
      r.state = 'Failed Over';
      return lost;
    },
  },
  // R2's changes go back to R1; R1 is writable again, R2 write-disabled, replication resumes.
  failback: {
    allowed: (r) => r.state === 'Failed Over',
    needsLink: true,
    apply: (lab, r) => {
      copyWholeGroup(lab, r.r2Site, r.r1Site, r.diskGroup);
      r.state = replicatingState(r.lagMs);
      return undefined;
    },
  },
  // Both sides writable, no replication: R2 keeps what had arrived by now.
  split: {
    allowed: (r) => isReplicating(r.state),
    needsLink: true,
    apply: (lab, r, now) => {
      const lost = materialise(lab, r, now).owedRecords;
      r.state = 'Split';
      return lost;
    },
  },
  // Replication R1 → R2 resumes; whatever R2 changed meanwhile is overwritten by the
  // next materialisation (an incremental establish discards R2's changes).
  establish: {
    allowed: (r) => r.state === 'Split' || r.state === 'Suspended',
    needsLink: true,
    apply: (_lab, r) => {
      r.state = replicatingState(r.lagMs);
      return undefined;
    },
  },
  // Personality swap: the direction reverses; the pairs stay suspended until establish.
  swap: {
    allowed: (r) => r.state === 'Split' || r.state === 'Failed Over',
    needsLink: true,
    apply: (_lab, r) => {
      [r.r1Site, r.r2Site] = [r.r2Site, r.r1Site];
      r.state = 'Suspended';
      return undefined;
    },
  },
};

export function rdfControl(lab: string, host: string, name: string, action: RdfAction, now = Date.now()): RdfResult {
  return withRdfGroup(lab, name, (record) => {
    if (!record) throw new RdfError(RDF_MSG.groupNotFound(name));
    const t = TRANSITIONS[action];
    if (t.needsLink && record.linkDownAt !== null) throw new RdfError(RDF_MSG.linkNotReady);
    if (!t.allowed(record)) throw new RdfError(RDF_MSG.invalidState);
    const lostRecords = withBothCopies(lab, record, () => t.apply(lab, record, now));
    writeRdfGroup(lab, record);
    observe(lab, host, {
      type: 'replication', group: record.diskGroup, action, state: effectiveState(record),
      ...(lostRecords !== undefined ? { lostRecords } : {}), lagMs: record.lagMs,
    });
    return { record, ...(lostRecords !== undefined ? { lostRecords } : {}) };
  });
}

/** The owed figures a query shows need R2 brought up to date first. */
export function rdfRefresh(lab: string, name: string, now = Date.now()): RdfGroupRecord {
  return withRdfGroup(lab, name, (record) => {
    if (!record) throw new RdfError(RDF_MSG.groupNotFound(name));
    withBothCopies(lab, record, () => materialise(lab, record, now));
    return record;
  });
}

/**
 * A link coming back after an outage: R2 is frozen at what had arrived before the cut,
 * and the pairs are Suspended until someone establishes them again (SRDF does not
 * resume by itself after a partition).
 */
export function rdfLinkRestored(lab: string, name: string): RdfGroupRecord {
  return withRdfGroup(lab, name, (record) => {
    if (!record) throw new RdfError(RDF_MSG.groupNotFound(name));
    if (record.linkDownAt === null) return record;
    const before: StoredPairState = record.state;
    if (isReplicating(before)) {
      withBothCopies(lab, record, () => materialise(lab, record));
      record.state = 'Suspended';
    }
    record.linkDownAt = null;
    writeRdfGroup(lab, record);
    return record;
  });
}

function withBothCopies<T>(lab: string, r: RdfGroupRecord, fn: () => T): T {
  const [first, second] = [r.r1Site, r.r2Site].sort();
  return withLock(groupLockFile(lab, first!, r.diskGroup), () =>
    withLock(groupLockFile(lab, second!, r.diskGroup), fn));
}
