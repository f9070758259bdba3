// First-time migration (DESIGN "First-time migration (the seed's full runbook)"; the
// seed; test/integration/agent-runbook.test.ts walks the same RPCs by hand):
// df on both sides → source: shutdown, detach (manifest into the zonepath), unmount,
// deport → target: the zonepath (root, 700), the /zones loopback and the vfstab lines,
// import and mount (every mount point replicated) → the zonepath as a pax stream from
// the source agent into the target's pax (or, --via-file, an archive file written on the
// source, copied, extracted on the target) → `zonecfg create -a` with the host's remaps
// → attach (-F only over accepted deltas, else stop and show them) → s8_p2v → boot →
// health → commit the lease.
//
// s8_p2v runs after the attach and before the first boot: it needs an installed zone
// (test/lab/README.md "Walking the seed's runbook by hand"; the seed runs it "to make
// sure that the new system accepts the attach of a zone created elsewhere").
import path from 'node:path';
import { TwinzoneError } from '../../../shared/errors/twinzone-error.js';
import { isUnder, requirePath } from '../../../shared/validate/paths.js';
import type { Inventory, StorageGroup, Zone } from '../../inventory/inventory-schema.js';
import { draft, numberSteps, RunKind, type RunPlan, type StepDraft } from '../run-plan.js';
import type { PreflightCheck, SpaceNeed, VfstabEntryArgs } from '../step-catalog.js';
import { inSiteMove, requireSource } from './move-targets.js';
import { attach, boot, preflight, quiesceSource, resolvedMoveOptions, sourceChecks, takeStorage, volumeVfstab, waitHealthy, type MoveOptions } from './move-steps.js';

/** The loopback that makes /zones (special on mountPoint), "just as in the source system" (seed). */
export interface ZonesLoopback {
  special: string;
  mountPoint: string;
}

/**
 * The seed's layout, which the lab reproduces (test/lab/README.md): zonepaths on a local
 * UFS slice mounted at /export/zones and looped back at /zones.
 */
export const DEFAULT_ZONES_LOOPBACK: ZonesLoopback = { special: '/export/zones', mountPoint: '/zones' };

export interface MigrateOptions extends MoveOptions {
  source: string;
  target: string;
  /** `--via-file PATH`: the archive-file method instead of the agent-to-agent stream. */
  viaFile?: string;
  /** null: the target needs no loopback (the zonepath's parent is a plain directory). */
  zonesLoopback?: ZonesLoopback | null;
}

/** ConvertZone is s8_p2v (agent zone-ops: it refuses other brands). */
const CONVERTED_BRANDS: readonly string[] = ['solaris8'];

function checkBrand(zone: Zone): void {
  // A solaris9 container needs s9_p2v, which no Agent RPC runs: refuse before the
  // source is stopped rather than fail at the conversion with the zone down.
  if (zone.brand === 'solaris9') {
    throw new TwinzoneError('PRECONDITION_FAILED', `${zone.name} is a solaris9 branded zone and its conversion (s9_p2v) is not an agent operation; migrate it by hand`, {
      fields: { zone: zone.name, brand: zone.brand },
    });
  }
}

function checkPaths(zone: Zone, viaFile: string | undefined, loopback: ZonesLoopback | null): void {
  if (viaFile !== undefined) {
    requirePath('viaFile', viaFile);
    if (isUnder(viaFile, zone.zonepath)) {
      throw new TwinzoneError('INVALID_ARGUMENT', `viaFile ${viaFile} is inside the zonepath ${zone.zonepath} it archives`, { fields: { field: 'viaFile', zone: zone.name } });
    }
  }
  if (loopback) {
    requirePath('zonesLoopback.special', loopback.special);
    requirePath('zonesLoopback.mountPoint', loopback.mountPoint);
    if (!isUnder(zone.zonepath, loopback.mountPoint) || zone.zonepath === loopback.mountPoint) {
      throw new TwinzoneError('INVALID_ARGUMENT', `zonepath ${zone.zonepath} is not below the loopback mount point ${loopback.mountPoint}`, {
        fields: { field: 'zonesLoopback.mountPoint', zone: zone.name },
      });
    }
  }
}

/**
 * The seed: "All mountpoints, loopback filesystems, and targets of the add fs components
 * of the zone must be replicated." Volume mount points come with prepare-zonepath's
 * vfstab lines; a loopback of anything else must already exist on the target.
 */
function fsSpecialChecks(zone: Zone, group: StorageGroup, host: string): PreflightCheck[] {
  const covered = (special: string) => group.volumes.some((v) => isUnder(special, v.mountPoint));
  return zone.fs.filter((f) => f.type === 'lofs' && !covered(f.special)).map((f) => ({ check: 'path-present', host, path: f.special }));
}

function spaceNeeds(zone: Zone, source: string, target: string, loopback: ZonesLoopback | null, viaFile: string | undefined): SpaceNeed[] {
  // Before prepare-zonepath the target's zonepath does not exist, and /zones may not be
  // looped back yet: measure where the extraction will land.
  const landing = loopback ? path.posix.join(loopback.special, path.posix.relative(loopback.mountPoint, path.posix.dirname(zone.zonepath))) : path.posix.dirname(zone.zonepath);
  const needs: SpaceNeed[] = [{ host: target, path: landing, why: 'the extracted zonepath' }];
  if (viaFile !== undefined) {
    // The seed: "enough space on both the source system and the target system to hold the pax archive".
    const dir = path.posix.dirname(viaFile);
    needs.unshift({ host: source, path: dir, why: 'the pax archive' });
    needs.push({ host: target, path: dir, why: 'the copied pax archive' });
  }
  return needs;
}

function prepareVfstab(group: StorageGroup, loopback: ZonesLoopback | null): VfstabEntryArgs[] {
  // The zone file system is local to the target and stays there: mount at boot "yes"
  // (seed); the shared volumes "no" (imported only under the lease, I2).
  const local: VfstabEntryArgs[] = loopback
    ? [{ special: loopback.special, fsckDevice: '-', mountPoint: loopback.mountPoint, fstype: 'lofs', fsckPass: '-', mountAtBoot: true, options: '-' }]
    : [];
  return [...local, ...group.volumes.map((v) => volumeVfstab(group, v))];
}

export function planMigrate(inventory: Inventory, zoneName: string, options: MigrateOptions): RunPlan {
  const move = inSiteMove(inventory, RunKind.Migrate, zoneName, options.source, options.target);
  const { zone, group } = move;
  const sourceHost = requireSource(move).host;
  const source = sourceHost.name;
  const target = move.target.host.name;
  const loopback = options.zonesLoopback === undefined ? DEFAULT_ZONES_LOOPBACK : options.zonesLoopback;
  checkBrand(zone);
  checkPaths(zone, options.viaFile, loopback);
  const o = resolvedMoveOptions(options);
  const remaps = zone.remaps.find((r) => r.host === target);
  const z = zone.name;

  const archiveOut: StepDraft[] =
    options.viaFile === undefined
      ? []
      : [
          draft(z, 'create-archive-file', source, 'current', { zonepath: zone.zonepath, archivePath: options.viaFile }),
          draft(z, 'copy-archive-file', target, 'next', { sourceHost: source, sourceAddress: sourceHost.agent, archivePath: options.viaFile }),
        ];
  const archiveIn: StepDraft =
    options.viaFile === undefined
      ? draft(z, 'pull-zonepath', target, 'next', { sourceHost: source, sourceAddress: sourceHost.agent, sourceZonepath: zone.zonepath, zonepath: zone.zonepath })
      : draft(z, 'extract-archive-file', target, 'next', { zonepath: zone.zonepath, archivePath: options.viaFile });

  return {
    kind: RunKind.Migrate,
    zone: z,
    source,
    target,
    steps: numberSteps([
      preflight(zone, [
        ...sourceChecks(group, source),
        { check: 'agent-up', host: target },
        // First time: no twin there yet (or only the configuration a failed attempt left).
        { check: 'zone-state', host: target, allow: ['absent', 'configured'] },
        { check: 'storage-visible', host: target, kind: group.kind, group: group.name },
        ...fsSpecialChecks(zone, group, target),
      ]),
      draft(z, 'check-space', null, 'current', { measure: { host: source, path: zone.zonepath }, needs: spaceNeeds(zone, source, target, loopback, options.viaFile) }),
      draft(z, 'reserve-lease', null, 'next', { target }),
      ...quiesceSource(zone, group, source, { shutdownTimeoutMs: o.shutdownTimeoutMs, epoch: 'current' }),
      ...archiveOut,
      draft(z, 'prepare-zonepath', target, 'next', {
        zonepath: zone.zonepath,
        zonesLofsSpecial: loopback?.special ?? '',
        zonesLofsMountPoint: loopback?.mountPoint ?? '',
        vfstab: prepareVfstab(group, loopback),
      }),
      ...takeStorage(zone, group, target, { clearForeignLock: false }),
      archiveIn,
      draft(z, 'create-zone-from-detached', target, 'next', {
        zonepath: zone.zonepath,
        netRemaps: (remaps?.net ?? []).map((r) => ({ fromPhysical: r.fromPhysical, toPhysical: r.toPhysical, address: r.address ?? '', defrouter: r.defrouter ?? '' })),
        deviceRemaps: (remaps?.devices ?? []).map((r) => ({ fromMatch: r.fromMatch, toMatch: r.toMatch })),
      }),
      attach(zone, target, source),
      ...(CONVERTED_BRANDS.includes(zone.brand) ? [draft(z, 'convert-zone', target, 'next', {})] : []),
      boot(zone, target, o.bootArgs),
      waitHealthy(zone, target, o.healthTimeoutMs),
      draft(z, 'commit-lease', null, 'next', { target }),
    ]),
  };
}
