// The DR drill RPC (agent.proto DrillAction): validate, gate under the drill zone's name
// (never production's lease or epoch: the drill zone has its own, 0), call one op, convert.
import { errors } from '../../shared/errors/twinzone-error.js';
import { unary } from '../../shared/grpc/unary-handler.js';
import { DrillActionResponse, DrillVerb, type DrillActionRequest } from '../../shared/gen/twinzone/v1/agent.js';
import type { AgentRuntime } from '../agent-runtime.js';
import { assertDrillNames, drillAction, type DrillRequest, type DrillVerb as DomainDrillVerb } from '../ops/drill-ops.js';
import { mutationLabels, type MutationGate } from './mutation-gate.js';
import { toProtoDeltaKind } from './proto-convert.js';

const VERBS: Partial<Record<DrillVerb, DomainDrillVerb>> = {
  [DrillVerb.DRILL_VERB_CLONE_REPLICA]: 'clone-replica',
  [DrillVerb.DRILL_VERB_IMPORT_CLONE]: 'import-clone',
  [DrillVerb.DRILL_VERB_MOUNT_CLONE]: 'mount-clone',
  [DrillVerb.DRILL_VERB_CREATE_ZONE]: 'create-zone',
  [DrillVerb.DRILL_VERB_BOOT_ZONE]: 'boot-zone',
  [DrillVerb.DRILL_VERB_HALT_ZONE]: 'halt-zone',
  [DrillVerb.DRILL_VERB_REMOVE_ZONE]: 'remove-zone',
  [DrillVerb.DRILL_VERB_UNMOUNT_CLONE]: 'unmount-clone',
  [DrillVerb.DRILL_VERB_DEPORT_CLONE]: 'deport-clone',
  [DrillVerb.DRILL_VERB_TERMINATE_CLONE]: 'terminate-clone',
};

function fromProto(req: DrillActionRequest): DrillRequest {
  const verb = VERBS[req.verb];
  if (!verb) throw errors.invalidArgument('verb must be one of the DRILL_VERB_* values', { field: 'verb' });
  return {
    verb,
    zone: req.mutation?.zone ?? '',
    sourceZone: req.sourceZone,
    rdfGroup: req.rdfGroup,
    diskGroup: req.diskGroup,
    cloneGroup: req.cloneGroup,
    volumes: req.volumes.map((v) => ({ name: v.name, fstype: v.fstype, mountPoint: v.mountPoint })),
    zonepath: req.zonepath,
    address: req.address,
    physical: req.physical,
    fsRemaps: req.fsRemaps.map((r) => ({ from: r.from, to: r.to })),
    forceAttach: req.forceAttach,
    protectedZones: req.protectedZones,
    protectedGroups: req.protectedGroups,
  };
}

export function drillHandlers(runtime: AgentRuntime, gate: MutationGate) {
  return {
    drillAction: unary<DrillActionRequest, DrillActionResponse>(runtime.log, 'DrillAction', mutationLabels, (req, ctx) => {
      let domain: DrillRequest;
      return gate.run('DrillAction', req.mutation, DrillActionResponse, ctx, () => {
        domain = fromProto(req);
        assertDrillNames(domain);
      }, async (op) => {
        const o = await drillAction(op, domain);
        return {
          outcome: o.outcome,
          changed: o.changed,
          commands: op.commands,
          pairState: o.pairState ?? '',
          r2InvalidTracks: o.r2InvalidTracks ?? 0,
          pointInTimeMs: o.pointInTimeMs ?? 0,
          deltas: o.deltas && {
            packages: o.deltas.packages.map((p) => ({ ...p, kind: toProtoDeltaKind(p.kind) })),
            patches: o.deltas.patches.map((p) => ({ ...p, kind: toProtoDeltaKind(p.kind) })),
            raw: o.deltas.raw,
          },
        };
      });
    }),
  };
}
