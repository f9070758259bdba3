// Zone RPCs: the runbook verbs on zones and zonepaths. Each validates, passes the
// mutation gate, calls one op from agent/ops/zone-ops.ts or zonepath-ops.ts, converts.
import { unary } from '../../shared/grpc/unary-handler.js';
import { requirePath } from '../../shared/validate/paths.js';
import {
  AttachZoneResponse, BootZoneResponse, ConvertZoneResponse, CreateZoneFromDetachedResponse, DeleteZoneConfigResponse,
  DetachZoneResponse, HaltZoneResponse, PrepareZonepathResponse, ReadyZoneResponse, ShutdownZoneResponse,
  type AttachZoneRequest, type BootZoneRequest, type ConvertZoneRequest, type CreateZoneFromDetachedRequest,
  type DeleteZoneConfigRequest, type DetachZoneRequest, type GetZoneRequest, type GetZoneResponse, type HaltZoneRequest,
  type ListZonesRequest, type ListZonesResponse, type PrepareZonepathRequest, type ReadyZoneRequest, type ShutdownZoneRequest,
  type ZoneSummary,
} from '../../shared/gen/twinzone/v1/agent.js';
import type { AgentRuntime } from '../agent-runtime.js';
import type { ZoneRecord } from '../commands/zoneadm.js';
import type { ZoneOpOutcome } from '../ops/op-result.js';
import {
  attachZone, bootZone, convertZone, createZoneFromDetached, deleteZoneConfig, detachZone, getZone, haltZone, listZones, readyZone, shutdownZone,
} from '../ops/zone-ops.js';
import { prepareZonepath } from '../ops/zonepath-ops.js';
import type { OpContext } from '../ops/op-context.js';
import { mutationLabels, requireZone, type MutationGate } from './mutation-gate.js';
import { toProtoDeltaKind, toProtoZoneState } from './proto-convert.js';


function toSummary(z: ZoneRecord): ZoneSummary {
  return { zoneId: z.zoneId, name: z.name, state: toProtoZoneState(z.state), zonepath: z.zonepath, uuid: z.uuid, brand: z.brand, ipType: z.ipType };
}

function zoneReply(o: ZoneOpOutcome, op: OpContext) {
  return { outcome: o.outcome, changed: o.changed, state: toProtoZoneState(o.state), commands: op.commands, warnings: o.warnings ?? [] };
}

export function zoneHandlers(runtime: AgentRuntime, gate: MutationGate) {
  const { log } = runtime;
  const roots = runtime.config.allowedRoots;
  const none = () => undefined;
  const zoneOf = (m: { zone: string } | undefined) => m?.zone ?? '';

  return {
    listZones: unary<ListZonesRequest, ListZonesResponse>(log, 'ListZones', () => ({}), async (_req, ctx) => {
      const op = runtime.opContext(ctx, undefined, false);
      return { zones: (await listZones(op)).map(toSummary), commands: op.commands };
    }),
    getZone: unary<GetZoneRequest, GetZoneResponse>(log, 'GetZone', (r) => ({ zone: (r as GetZoneRequest).zone }), async (req, ctx) => {
      requireZone('zone', req.zone);
      const op = runtime.opContext(ctx, req.zone, false);
      const z = await getZone(op, req.zone);
      return { zone: toSummary(z.summary), config: z.config, exportText: z.exportText, detachedManifest: z.detachedManifest, commands: op.commands };
    }),
    shutdownZone: unary<ShutdownZoneRequest, ShutdownZoneResponse>(log, 'ShutdownZone', mutationLabels, (req, ctx) =>
      gate.run('ShutdownZone', req.mutation, ShutdownZoneResponse, ctx, none, async (op) =>
        zoneReply(await shutdownZone(op, { zone: zoneOf(req.mutation), timeoutMs: req.timeoutMs || undefined }), op))),
    haltZone: unary<HaltZoneRequest, HaltZoneResponse>(log, 'HaltZone', mutationLabels, (req, ctx) =>
      gate.run('HaltZone', req.mutation, HaltZoneResponse, ctx, none, async (op) => zoneReply(await haltZone(op, { zone: zoneOf(req.mutation) }), op))),
    readyZone: unary<ReadyZoneRequest, ReadyZoneResponse>(log, 'ReadyZone', mutationLabels, (req, ctx) =>
      gate.run('ReadyZone', req.mutation, ReadyZoneResponse, ctx, none, async (op) => zoneReply(await readyZone(op, { zone: zoneOf(req.mutation) }), op))),
    bootZone: unary<BootZoneRequest, BootZoneResponse>(log, 'BootZone', mutationLabels, (req, ctx) =>
      gate.run('BootZone', req.mutation, BootZoneResponse, ctx, none, async (op) =>
        zoneReply(await bootZone(op, { zone: zoneOf(req.mutation), bootArgs: req.bootArgs }), op))),
    detachZone: unary<DetachZoneRequest, DetachZoneResponse>(log, 'DetachZone', mutationLabels, (req, ctx) =>
      gate.run('DetachZone', req.mutation, DetachZoneResponse, ctx, none, async (op) => zoneReply(await detachZone(op, { zone: zoneOf(req.mutation) }), op))),
    attachZone: unary<AttachZoneRequest, AttachZoneResponse>(log, 'AttachZone', mutationLabels, (req, ctx) =>
      gate.run('AttachZone', req.mutation, AttachZoneResponse, ctx, none, async (op) => {
        const o = await attachZone(op, { zone: zoneOf(req.mutation), force: req.force, validateOnly: req.validateOnly });
        return {
          outcome: o.outcome, changed: o.changed, state: toProtoZoneState(o.state), commands: op.commands, attached: o.attached,
          deltas: o.deltas && {
            packages: o.deltas.packages.map((p) => ({ ...p, kind: toProtoDeltaKind(p.kind) })),
            patches: o.deltas.patches.map((p) => ({ ...p, kind: toProtoDeltaKind(p.kind) })),
            raw: o.deltas.raw,
          },
        };
      })),
    createZoneFromDetached: unary<CreateZoneFromDetachedRequest, CreateZoneFromDetachedResponse>(log, 'CreateZoneFromDetached', mutationLabels, (req, ctx) =>
      gate.run('CreateZoneFromDetached', req.mutation, CreateZoneFromDetachedResponse, ctx, () => requirePath('zonepath', req.zonepath, roots), async (op) => {
        const o = await createZoneFromDetached(op, { zone: zoneOf(req.mutation), zonepath: req.zonepath, netRemaps: req.netRemaps, deviceRemaps: req.deviceRemaps });
        return { ...zoneReply(o, op), warnings: [...(o.warnings ?? []), ...o.remapped] };
      })),
    convertZone: unary<ConvertZoneRequest, ConvertZoneResponse>(log, 'ConvertZone', mutationLabels, (req, ctx) =>
      gate.run('ConvertZone', req.mutation, ConvertZoneResponse, ctx, none, async (op) => zoneReply(await convertZone(op, { zone: zoneOf(req.mutation) }), op))),
    deleteZoneConfig: unary<DeleteZoneConfigRequest, DeleteZoneConfigResponse>(log, 'DeleteZoneConfig', mutationLabels, (req, ctx) =>
      gate.run('DeleteZoneConfig', req.mutation, DeleteZoneConfigResponse, ctx, none, async (op) => zoneReply(await deleteZoneConfig(op, { zone: zoneOf(req.mutation) }), op))),
    prepareZonepath: unary<PrepareZonepathRequest, PrepareZonepathResponse>(log, 'PrepareZonepath', mutationLabels, (req, ctx) =>
      gate.run('PrepareZonepath', req.mutation, PrepareZonepathResponse, ctx, () => {
        requirePath('zonepath', req.zonepath, roots);
        if (req.zonesLofsSpecial) requirePath('zones_lofs_special', req.zonesLofsSpecial, roots);
        if (req.zonesLofsMountPoint) requirePath('zones_lofs_mount_point', req.zonesLofsMountPoint, roots);
        req.vfstab.forEach((v, i) => requirePath(`vfstab.${i}.mount_point`, v.mountPoint, roots));
      }, async (op) => {
        const o = await prepareZonepath(op, {
          zone: zoneOf(req.mutation), zonepath: req.zonepath, zonesLofsSpecial: req.zonesLofsSpecial, zonesLofsMountPoint: req.zonesLofsMountPoint,
          vfstab: req.vfstab.map((v) => ({ special: v.special, fsckDevice: v.fsckDevice || '-', mountPoint: v.mountPoint, fstype: v.fstype, fsckPass: v.fsckPass || '-', mountAtBoot: v.mountAtBoot, options: v.options || '-' })),
        });
        return { ...zoneReply(o, op), warnings: [...(o.warnings ?? []), ...o.changes] };
      })),
  };
}
