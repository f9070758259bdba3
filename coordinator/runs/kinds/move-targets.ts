// Who a run moves and between which hosts, checked against the inventory before any
// plan exists (DESIGN "Conventions": bad input gets a clear error and changes nothing).
// - unknown zone: ZONE_NOT_FOUND; unknown host: HOST_NOT_FOUND;
// - a host that is not a twin of the zone, the same host twice, or a twin of the wrong
//   kind for the run (a DR twin for an in-site switchover): INVALID_ARGUMENT, the
//   message naming the run that fits;
// - an inventory that cannot support the run (a DR run on unreplicated storage):
//   PRECONDITION_FAILED.
import { TwinzoneError } from '../../../shared/errors/twinzone-error.js';
import type { Host, Inventory, StorageGroup, Twin, Zone } from '../../inventory/inventory-schema.js';
import type { RunKind } from '../run-plan.js';

export interface TwinHost {
  host: Host;
  twin: Twin;
}

export interface Move {
  zone: Zone;
  group: StorageGroup;
  source: TwinHost | null;
  target: TwinHost;
}

function invalid(message: string, fields: Record<string, string>): TwinzoneError {
  return new TwinzoneError('INVALID_ARGUMENT', message, { fields });
}

export function findZone(inventory: Inventory, name: string): Zone {
  const zone = inventory.zones.find((z) => z.name === name);
  if (!zone) {
    throw new TwinzoneError('ZONE_NOT_FOUND', `zone ${name} is not in the inventory (${inventory.file})`, { fields: { zone: name } });
  }
  return zone;
}

function findHost(inventory: Inventory, name: string, role: 'source' | 'target', zone: string): Host {
  const host = inventory.hosts.find((h) => h.name === name);
  if (!host) {
    throw new TwinzoneError('HOST_NOT_FOUND', `${role} host ${name} is not in the inventory (${inventory.file})`, { fields: { zone, host: name, field: role } });
  }
  return host;
}

function twinOn(inventory: Inventory, zone: Zone, name: string, role: 'source' | 'target'): TwinHost {
  const host = findHost(inventory, name, role, zone.name);
  const twin = zone.twins.find((t) => t.host === name);
  if (!twin) {
    const twins = zone.twins.map((t) => `${t.host} (${t.role})`).join(', ');
    throw invalid(`${name} is not a twin of ${zone.name}; its twins are ${twins}`, { zone: zone.name, host: name, field: role });
  }
  return { host, twin };
}

export function groupOf(inventory: Inventory, zone: Zone): StorageGroup {
  const group = inventory.storageGroups.find((g) => g.name === zone.storageGroup);
  // load-inventory resolves every reference, so this is a bug, not bad input.
  if (!group) throw new TwinzoneError('INTERNAL', `zone ${zone.name} names storage group ${zone.storageGroup}, which the inventory lacks`, { fields: { zone: zone.name } });
  return group;
}

/** The sites whose SAN holds a copy of the group: its own, and the R2 site when replicated. */
function groupSites(group: StorageGroup): string[] {
  return group.replication ? [group.site, group.replication.r2Site] : [group.site];
}

/**
 * A move inside one site (switchover, failover, migrate, fallback): both hosts see the
 * same shared SAN copy of the zone's storage, so the storage moves by deport/import.
 * A DR twin (another site) is refused: that move is dr-switchover or dr-failover.
 */
/** The zone, its storage group and the two twins a move names; never the same host twice. */
function resolveMove(inventory: Inventory, kind: RunKind, zoneName: string, sourceName: string | null, targetName: string): Move {
  const zone = findZone(inventory, zoneName);
  const group = groupOf(inventory, zone);
  const target = twinOn(inventory, zone, targetName, 'target');
  const source = sourceName === null ? null : twinOn(inventory, zone, sourceName, 'source');
  if (source && source.host.name === target.host.name) {
    throw invalid(`${kind} of ${zone.name}: source and target are both ${targetName}`, { zone: zone.name, host: targetName });
  }
  return { zone, group, source, target };
}

export function inSiteMove(inventory: Inventory, kind: RunKind, zoneName: string, sourceName: string | null, targetName: string): Move {
  const { zone, group, source, target } = resolveMove(inventory, kind, zoneName, sourceName, targetName);
  const site = source ? source.host.site : target.host.site;
  if (target.host.site !== site || target.twin.role === 'dr') {
    throw invalid(
      `${kind} of ${zone.name} stays inside a site, and ${targetName} is its ${target.twin.role} twin in site ${target.host.site}` +
        (source ? ` while ${source.host.name} is in ${site}` : '') +
        `; a move across sites is dr-switchover (planned) or dr-failover (disaster)`,
      { zone: zone.name, host: targetName, field: 'target' },
    );
  }
  if (!groupSites(group).includes(site)) {
    throw new TwinzoneError('PRECONDITION_FAILED', `storage group ${group.name} of ${zone.name} has no copy on the SAN of site ${site}`, {
      fields: { zone: zone.name, group: group.name, site },
    });
  }
  return { zone, group, source, target };
}

/**
 * A move between sites (dr-switchover, dr-failover): the storage travels by SRDF
 * replication, so the group must be replicated between the two sites. The target is the
 * DR twin, or a home twin when the zone comes back from the DR site.
 */
export function crossSiteMove(inventory: Inventory, kind: RunKind, zoneName: string, sourceName: string | null, targetName: string): Move {
  const { zone, group, source, target } = resolveMove(inventory, kind, zoneName, sourceName, targetName);
  if (!group.replication) {
    throw new TwinzoneError('PRECONDITION_FAILED', `${kind} of ${zone.name} needs replicated storage, and storage group ${group.name} has no replication`, {
      fields: { zone: zone.name, group: group.name },
    });
  }
  const sameSite = source ? source.host.site === target.host.site : target.twin.role !== 'dr';
  if (sameSite) {
    throw invalid(
      `${kind} of ${zone.name} moves it to another site, and ${targetName} is its ${target.twin.role} twin` +
        (source ? ` in the same site as ${source.host.name} (${target.host.site})` : '') +
        `; inside a site use switchover or failover`,
      { zone: zone.name, host: targetName, field: 'target' },
    );
  }
  if (!groupSites(group).includes(target.host.site)) {
    throw new TwinzoneError('PRECONDITION_FAILED', `storage group ${group.name} of ${zone.name} is not replicated to site ${target.host.site}`, {
      fields: { zone: zone.name, group: group.name, site: target.host.site },
    });
  }
  return { zone, group, source, target };
}

export function requireSource(move: Move): TwinHost {
  if (!move.source) throw new TwinzoneError('INTERNAL', `the ${move.zone.name} move has no source`);
  return move.source;
}
