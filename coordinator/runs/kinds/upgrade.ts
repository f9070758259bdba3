// Rolling upgrade with fallback (DESIGN "Rolling upgrade with fallback"; the seed's
// "upgrade a container, roll the application in, and still maintain a fallback
// configuration"): the standby twin's host was patched while the live twin ran. The run
// is a switchover with three additions:
// - after the source's zone is shut down and before it detaches, a ZFS snapshot of the
//   application data (quiesced, so consistent), recorded in run_artifacts;
// - after the target's twin is up and healthy, a probation: the zone's health checks
//   watched on the new holder for the probation period, BEFORE the lease is committed;
// - after the commit, the snapshot destroyed (unless --keep-snapshot).
// A failed probation is a failed step like any other: the rollback undoes every step in
// reverse (run-plan.ts undoChain), so the target halts, detaches, gives the pool back,
// the source imports and mounts it, re-attaches the twin that stayed detached and
// untouched throughout, and boots it. The undo of the snapshot sits between the source's
// mount and its boot, which is exactly where --rollback-data rolls the data back.
import { TwinzoneError } from '../../../shared/errors/twinzone-error.js';
import type { Inventory, StorageGroup, Zone } from '../../inventory/inventory-schema.js';
import { draft, numberSteps, RunKind, type RunPlan } from '../run-plan.js';
import { StepName } from '../step-catalog.js';
import { inSiteMove, requireSource } from './move-targets.js';
import { attach, boot, plannedMoveChecks, preflight, quiesceSource, resolvedMoveOptions, takeStorage, waitHealthy, type MoveOptions } from './move-steps.js';

export interface UpgradeOptions extends MoveOptions {
  /** The live twin's host (the lease holder). */
  source: string;
  /** The patched twin's host. */
  target: string;
  /** How long the new holder must stay healthy before the lease is committed to it. */
  probationMs: number;
  /** On a failed probation, roll the data back to the snapshot before the source boots. */
  rollbackData: boolean;
  /** Keep the snapshot after a good probation (default: destroyed). */
  keepSnapshot: boolean;
  /** The snapshot name after '@' (a ZFS component); fixed when the run is planned so a resume finds it. */
  snapshotTag: string;
}

/** The snapshot name of a run planned at nowMs: sortable, and unique per zone and second. */
export function upgradeSnapshotTag(nowMs: number): string {
  return `twinzone-upgrade-${new Date(nowMs).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`;
}

/** Why an upgrade cannot snapshot this group, or null. */
function refuseStorage(zone: Zone, group: StorageGroup): TwinzoneError | null {
  if (group.kind === 'zpool') return null;
  return new TwinzoneError(
    'PRECONDITION_FAILED',
    `upgrade of ${zone.name} snapshots its application data, and its storage group ${group.name} is a Veritas disk group (vxdg), of which twinzone takes no snapshots; ` +
      `put the data on a ZFS pool to upgrade with fallback, or move the zone with twinzone switchover ${zone.name} (no snapshot, no probation)`,
    { fields: { zone: zone.name, group: group.name, kind: group.kind } },
  );
}

/** The file whose lines a data rollback counts: the zone's dataLog when it lies on one of the pool's volumes. */
function countedLog(zone: Zone, group: StorageGroup): string | null {
  const log = zone.dataLog;
  if (!log) return null;
  return group.volumes.some((v) => log.startsWith(v.mountPoint.endsWith('/') ? v.mountPoint : `${v.mountPoint}/`)) ? log : null;
}

export function planUpgrade(inventory: Inventory, zoneName: string, options: UpgradeOptions): RunPlan {
  const move = inSiteMove(inventory, RunKind.Upgrade, zoneName, options.source, options.target);
  const { zone, group } = move;
  const refusal = refuseStorage(zone, group);
  if (refusal) throw refusal;
  if (!Number.isSafeInteger(options.probationMs) || options.probationMs <= 0) {
    throw new TwinzoneError('INVALID_ARGUMENT', `upgrade of ${zone.name} needs a probation period above 0 (e.g. --probation 10m)`, { fields: { zone: zone.name, field: 'probation' } });
  }
  const source = requireSource(move).host.name;
  const target = move.target.host.name;
  const o = resolvedMoveOptions(options);
  const snapshots = group.volumes.map((v) => `${v.name}@${options.snapshotTag}`);
  const [shutdown, ...giveUp] = quiesceSource(zone, group, source, { shutdownTimeoutMs: o.shutdownTimeoutMs, epoch: 'current' });
  const restore = { host: source, snapshots, rollback: options.rollbackData, keep: options.keepSnapshot, countLinesOf: options.rollbackData ? countedLog(zone, group) : null };
  return {
    kind: RunKind.Upgrade,
    zone: zone.name,
    source,
    target,
    steps: numberSteps([
      preflight(zone, plannedMoveChecks(zone, group, source, target)),
      draft(zone.name, 'reserve-lease', null, 'next', { target }),
      shutdown!,
      draft(zone.name, 'snapshot-data', null, 'current', { host: source, snapshots }, { undo: { name: StepName.RestoreData, args: restore } }),
      ...giveUp,
      ...takeStorage(zone, group, target, { clearForeignLock: false }),
      attach(zone, target, source),
      boot(zone, target, o.bootArgs),
      waitHealthy(zone, target, o.healthTimeoutMs),
      draft(zone.name, 'probation', null, 'next', { host: target, service: zone.service, checks: zone.healthChecks, probationMs: options.probationMs }),
      draft(zone.name, 'commit-lease', null, 'next', { target }),
      draft(zone.name, 'drop-snapshot', null, 'next', { host: target, snapshots, keep: options.keepSnapshot }),
    ]),
  };
}
