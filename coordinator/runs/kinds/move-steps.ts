// The step sequences every move shares, in the runbook's order (seed; DESIGN "Runs"):
// the source gives the zone and its storage up (halt, detach, unmount, deport), the
// target takes the storage (import, mount), attaches and boots the twin, and the run
// waits for its health. The kinds combine these with their own lease and transfer steps.
import type { StorageGroup, Volume, Zone } from '../../inventory/inventory-schema.js';
import { draft, type EpochRef, type StepDraft } from '../run-plan.js';
import type { MountSpec, PreflightCheck, VfstabEntryArgs } from '../step-catalog.js';

/** The agent's own default for ShutdownZone (agent.proto): the zone's grace before zoneadm halt. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 60_000;
/**
 * How long a booted twin gets to come up and pass its checks before the run falls back.
 * Five minutes covers a Solaris 8 container's rc scripts and an application's start; an
 * operator sets it per run for slower applications.
 */
export const DEFAULT_HEALTH_TIMEOUT_MS = 300_000;

export interface MoveOptions {
  shutdownTimeoutMs?: number;
  healthTimeoutMs?: number;
  /** Arguments after `zoneadm boot --` on the target. */
  bootArgs?: string[];
}

/** vfstab's "-" is no options; otherwise a comma-separated list (ref 6.2). */
function mountOptions(volume: Volume): string[] {
  return volume.vfstabOptions === '-' || volume.vfstabOptions === '' ? [] : volume.vfstabOptions.split(',');
}

/** Where a volume lives on the host that imported its group: a Veritas device, or a ZFS dataset. */
export function volumeMount(group: StorageGroup, volume: Volume): MountSpec {
  const special = group.kind === 'vxdg' ? `/dev/vx/dsk/${group.name}/${volume.name}` : volume.name;
  return { special, mountPoint: volume.mountPoint, fstype: volume.fstype, options: mountOptions(volume) };
}

/**
 * The vfstab line of a shared volume on a new host: mount at boot "no", because the
 * group is imported only by a run under the lease (I2), never by a boot (reference 6.2).
 */
export function volumeVfstab(group: StorageGroup, volume: Volume): VfstabEntryArgs {
  const vx = group.kind === 'vxdg';
  return {
    special: vx ? `/dev/vx/dsk/${group.name}/${volume.name}` : volume.name,
    fsckDevice: vx ? `/dev/vx/rdsk/${group.name}/${volume.name}` : '-',
    mountPoint: volume.mountPoint,
    fstype: volume.fstype,
    // vxfs/ufs data file systems are checked after the root ones (the lab's and the seed's "3").
    fsckPass: vx ? '3' : '-',
    mountAtBoot: false,
    options: volume.vfstabOptions === '' ? '-' : volume.vfstabOptions,
  };
}

function depth(p: string): number {
  return p.split('/').length;
}

/** Parents before children when mounting; the reverse when unmounting. */
function volumesInMountOrder(group: StorageGroup): Volume[] {
  return [...group.volumes].sort((a, b) => depth(a.mountPoint) - depth(b.mountPoint) || a.mountPoint.localeCompare(b.mountPoint));
}

export function preflight(zone: Zone, checks: PreflightCheck[]): StepDraft {
  return draft(zone.name, 'preflight', null, 'current', { checks });
}

export interface QuiesceOptions {
  shutdownTimeoutMs: number;
  epoch: EpochRef;
}

/** Source side (seed): the zone stops (graceful, then halt), is detached, its storage leaves the host. */
export function quiesceSource(zone: Zone, group: StorageGroup, host: string, options: QuiesceOptions): StepDraft[] {
  const { epoch } = options;
  return [
    draft(zone.name, 'shutdown-zone', host, epoch, { timeoutMs: options.shutdownTimeoutMs }),
    // The detach leaves the twin in `configured` with its manifest, so it cannot be booted
    // while its storage is elsewhere (seed: "an extra layer of protection").
    draft(zone.name, 'detach-zone', host, epoch, {}),
    ...volumesInMountOrder(group)
      .reverse()
      .map((v) => draft(zone.name, 'unmount-fs', host, epoch, { ...volumeMount(group, v), force: false })),
    draft(zone.name, 'deport-storage', host, epoch, { kind: group.kind, group: group.name }),
  ];
}

export interface TakeStorageOptions {
  /** A dead host's lock (failover), or the lock replicated with the data (DR): `vxdg -C`, `zpool import -f`. */
  clearForeignLock: boolean;
  /** The epoch the steps run under (default next: a move's target). */
  epoch?: EpochRef;
  /** false: no undos (a restart in place keeps its holder's storage when it fails). */
  undo?: boolean;
}

/** Target side: the group imported (temporary: no import at boot, I2) and each volume mounted. */
export function takeStorage(zone: Zone, group: StorageGroup, host: string, options: TakeStorageOptions): StepDraft[] {
  const epoch = options.epoch ?? 'next';
  const draftOptions = options.undo === false ? { undo: null } : {};
  return [
    draft(zone.name, 'import-storage', host, epoch, { kind: group.kind, group: group.name, clearForeignLock: options.clearForeignLock, temporary: true }, draftOptions),
    ...volumesInMountOrder(group).map((v) => draft(zone.name, 'mount-fs', host, epoch, volumeMount(group, v), draftOptions)),
  ];
}

/** attach: -F only over deltas accepted for this host pair (DESIGN), else the run stops and shows them. */
export function attach(zone: Zone, host: string, deltasFrom: string | null): StepDraft {
  return draft(zone.name, 'attach-zone', host, 'next', { force: false, forceIfAccepted: true, deltasFrom });
}

export function boot(zone: Zone, host: string, bootArgs: string[]): StepDraft {
  return draft(zone.name, 'boot-zone', host, 'next', { bootArgs });
}

/** DESIGN: "wait for running and the application health checks", probed by the target's agent. */
export function waitHealthy(zone: Zone, host: string, timeoutMs: number): StepDraft {
  return draft(zone.name, 'wait-healthy', null, 'next', { host, service: zone.service, checks: zone.healthChecks, timeoutMs });
}

/** The checks a target twin must pass before a move to it: its agent answers, the twin is there but not live, it sees the storage. */
export function targetChecks(zone: Zone, group: StorageGroup, host: string): PreflightCheck[] {
  return [
    { check: 'agent-up', host },
    { check: 'zone-state', host, allow: ['detached', 'installed'] },
    { check: 'storage-visible', host, kind: group.kind, group: group.name },
  ];
}

/** The checks a live source must pass before a planned move from it. */
export function sourceChecks(group: StorageGroup, host: string): PreflightCheck[] {
  return [
    { check: 'agent-up', host },
    { check: 'zone-state', host, allow: ['running'] },
    { check: 'storage-imported', host, kind: group.kind, group: group.name },
  ];
}

/** A planned move inside a site (switchover, upgrade): the live source, the target twin, and the attach deltas accepted for the pair. */
export function plannedMoveChecks(zone: Zone, group: StorageGroup, source: string, target: string): PreflightCheck[] {
  return [...sourceChecks(group, source), ...targetChecks(zone, group, target), { check: 'deltas-accepted', fromHost: source, toHost: target }];
}

export function resolvedMoveOptions(options: MoveOptions): Required<MoveOptions> {
  return {
    shutdownTimeoutMs: options.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS,
    healthTimeoutMs: options.healthTimeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS,
    bootArgs: options.bootArgs ?? [],
  };
}
