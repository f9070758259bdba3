// ListDeltas / AcceptDeltas. The deltas of a host pair are what the target's
// `zoneadm attach -n` reports against the zone's detach manifest (AttachZone with
// validate_only, which runs on a dry run too and changes nothing); the store says which
// of them an operator accepted, and by whom.
import { randomUUID } from 'node:crypto';
import { TwinzoneError } from '../../shared/errors/twinzone-error.js';
import type { AttachDeltas } from '../../shared/gen/twinzone/v1/agent.js';
import type { Delta as ProtoDelta } from '../../shared/gen/twinzone/v1/control.js';
import type { Delta, HostPair } from '../store/delta-store.js';
import type { ControlDeps } from './control-deps.js';
import { fromProtoDelta, fromProtoDeltaKind, toProtoDelta } from './proto-convert.js';
import { findZone } from '../inventory/find-zone.js';

function checkPair(deps: ControlDeps, pair: HostPair): void {
  const zone = findZone(deps.inventory, pair.zone);
  if (!zone) throw new TwinzoneError('ZONE_NOT_FOUND', `zone ${pair.zone} is not in the inventory (${deps.inventory.file})`, { fields: { zone: pair.zone } });
  for (const [field, host] of [['from', pair.fromHost], ['to', pair.toHost]] as const) {
    if (!host) throw new TwinzoneError('INVALID_ARGUMENT', `deltas need both hosts: --from HOST and --to HOST`, { fields: { field } });
    if (!zone.twins.some((t) => t.host === host)) {
      throw new TwinzoneError('INVALID_ARGUMENT', `${host} is not a twin of ${zone.name}; its twins are ${zone.twins.map((t) => t.host).join(', ')}`, { fields: { zone: zone.name, field } });
    }
  }
}

function fromAttachDeltas(d: AttachDeltas | undefined): Delta[] {
  if (!d) return [];
  const out: Delta[] = [];
  for (const p of d.patches) {
    const kind = fromProtoDeltaKind(p.kind);
    if (kind) out.push({ subject: 'patch', kind, name: p.id, sourceVersion: p.sourceRev, localVersion: p.localRev });
  }
  for (const p of d.packages) {
    const kind = fromProtoDeltaKind(p.kind);
    if (kind) out.push({ subject: 'package', kind, name: p.name, sourceVersion: p.sourceVersion, localVersion: p.localVersion });
  }
  return out;
}

/** What the target's attach would report now, from its agent. */
export async function reportedDeltas(deps: ControlDeps, pair: HostPair, signal?: AbortSignal): Promise<Delta[]> {
  checkPair(deps, pair);
  const lease = deps.leases.get(pair.zone);
  const reply = await deps.agents.get(pair.toHost).attachZone(
    // The epoch is never below what the agent has seen for a zone the lease names, and a
    // dry run records nothing, so the question cannot fence anyone.
    { mutation: { opId: `deltas-${randomUUID()}`, epoch: lease?.lastEpoch ?? 0, dryRun: true, zone: pair.zone }, validateOnly: true, force: false },
    { signal },
  );
  return fromAttachDeltas(reply.deltas);
}

const keyOf = (d: Delta) => JSON.stringify([d.subject, d.kind, d.name, d.sourceVersion, d.localVersion]);

export async function listDeltas(deps: ControlDeps, pair: HostPair, signal?: AbortSignal): Promise<ProtoDelta[]> {
  const reported = await reportedDeltas(deps, pair, signal);
  const accepted = new Map(deps.store.deltas.listAccepted(pair).map((a) => [keyOf(a), a]));
  return reported.map((d) => toProtoDelta(d, accepted.get(keyOf(d))));
}

/** Records the named deltas (or, with all, every one reported now) as accepted; returns how many were new. */
export async function acceptDeltas(
  deps: ControlDeps,
  pair: HostPair,
  req: { deltas: ProtoDelta[]; all: boolean },
  who: string,
  signal?: AbortSignal,
): Promise<{ accepted: number; deltas: Delta[] }> {
  checkPair(deps, pair);
  if (req.all === (req.deltas.length > 0)) {
    throw new TwinzoneError('INVALID_ARGUMENT', 'name the deltas to accept, or ask for all of them (--all), not both', { fields: { field: 'deltas' } });
  }
  const deltas = req.all ? await reportedDeltas(deps, pair, signal) : req.deltas.map(fromProtoDelta);
  const accepted = deps.store.transaction(() => deps.store.deltas.accept(pair, deltas, who, deps.clock.nowMs()));
  return { accepted, deltas };
}
