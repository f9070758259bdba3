// Names of Veritas disk groups and volumes, ZFS pools, datasets and snapshots, and SRDF
// device groups, as their tools accept them, so that nothing else reaches an argv.
import { errors } from '../errors/twinzone-error.js';

// VxVM: up to 31 characters, letters, digits, "_", "." and "-", not starting with "-".
const VX_NAME = /^[A-Za-z0-9_.][A-Za-z0-9_.-]{0,30}$/;
// ZFS (zfs_namecheck.c): components start with a letter (pools) and contain letters,
// digits, "_", "-", ".", ":"; pool names may not be reserved words.
const ZFS_COMPONENT = /^[A-Za-z0-9_.:-]+$/;
const ZPOOL_RESERVED = new Set(['mirror', 'raidz', 'spare', 'log', 'cache']);
const RDF_GROUP = /^[A-Za-z0-9_.][A-Za-z0-9_.-]{0,30}$/;

export function requireVxName(field: string, name: string): string {
  if (!VX_NAME.test(name)) {
    throw errors.invalidArgument(`${field} ${JSON.stringify(name)} is not a valid Veritas name (1-31 of letters, digits, "_", "." and "-", not starting with "-")`, { field });
  }
  return name;
}

export function requirePoolName(field: string, name: string): string {
  if (!/^[A-Za-z][A-Za-z0-9_.:-]{0,254}$/.test(name) || ZPOOL_RESERVED.has(name) || /^c[0-9]/.test(name)) {
    throw errors.invalidArgument(`${field} ${JSON.stringify(name)} is not a valid pool name (a letter, then letters, digits, "_", "-", ".", ":"; not a reserved word or a device name)`, { field });
  }
  return name;
}

export function requireDatasetName(field: string, name: string): string {
  const parts = name.split('/');
  if (name.length > 255 || parts.length === 0 || !parts.every((p) => ZFS_COMPONENT.test(p))) {
    throw errors.invalidArgument(`${field} ${JSON.stringify(name)} is not a valid dataset name (pool/fs/... of letters, digits, "_", "-", ".", ":")`, { field });
  }
  requirePoolName(field, parts[0]!);
  return name;
}

export function requireSnapshotName(field: string, name: string): string {
  const at = name.indexOf('@');
  if (at < 0 || name.indexOf('@', at + 1) >= 0 || !ZFS_COMPONENT.test(name.slice(at + 1))) {
    throw errors.invalidArgument(`${field} ${JSON.stringify(name)} is not a snapshot name (dataset@name)`, { field });
  }
  requireDatasetName(field, name.slice(0, at));
  return name;
}

export function requireRdfGroupName(field: string, name: string): string {
  if (!RDF_GROUP.test(name)) {
    throw errors.invalidArgument(`${field} ${JSON.stringify(name)} is not a valid SRDF device group name`, { field });
  }
  return name;
}
