// The package/patch comparison zoneadm attach runs between the detach manifest (the
// source host's global zone) and this host, with the exact report of sw_cmp.c
// (onnv_86 usr/src/cmd/zoneadm/sw_cmp.c; reference 1.9). Pure: no I/O, so the agent's
// parser can be tested against it.
import type { PackageEntry, PatchEntry } from '../state/zone-config.js';

export type SwDifference =
  | { kind: 'package-not-installed'; name: string; sourceVersion: string }
  | { kind: 'package-version-mismatch'; name: string; sourceVersion: string; localVersion: string }
  | { kind: 'package-only-local'; name: string; localVersion: string }
  | { kind: 'patch-not-installed'; id: string; sourceRev: string }
  | { kind: 'patch-version-mismatch'; id: string; sourceRev: string; localRev: string }
  | { kind: 'patch-only-local'; id: string; localRev: string };

export interface SwCompareResult {
  ok: boolean;
  differences: SwDifference[];
  /** The text sw_cmp prints to stderr; empty when ok. */
  report: string;
}

export const SW_HEADERS = {
  packagesSource: 'These packages installed on the source system are inconsistent with this system:',
  packagesLocal: 'These packages installed on this system were not installed on the source system:',
  patchesSource: 'These patches installed on the source system are inconsistent with this system:',
  patchesLocal: 'These patches installed on this system were not installed on the source system:',
} as const;

/** strcmp order, as the uu_avl trees walk (not locale order). */
function byteCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function fieldNumber(field: string): number {
  return /^[0-9]*$/.test(field) ? Number(field || '0') : -1;
}

/** fld_cmp(): dot-separated positive integers, falling back to a lexical compare. */
function fieldCompare(v1: string, v2: string): number {
  const f1 = v1.split('.');
  const f2 = v2.split('.');
  for (let i = 0; ; i += 1) {
    const n1 = fieldNumber(f1[i]!);
    const n2 = fieldNumber(f2[i]!);
    // fld2num() has already cut the string at the dot, so only this field is compared
    if (n1 < 0 || n2 < 0) return byteCompare(f1[i]!, f2[i]!);
    if (n1 !== n2) return n1 > n2 ? 1 : -1;
    const more1 = i + 1 < f1.length;
    const more2 = i + 1 < f2.length;
    if (!more1 && !more2) return 0;
    if (!more1) return -1;
    if (!more2) return 1;
  }
}

/** pkg_vers_cmp(): "11.10.0,REV=2005.01.21.15.53" style versions; <0, 0, >0. */
export function comparePackageVersions(vers1: string, vers2: string): number {
  const [v1, rev1] = splitRev(vers1);
  const [v2, rev2] = splitRev(vers2);
  const res = fieldCompare(v1, v2);
  if (res !== 0) return res;
  if (rev1 === null && rev2 === null) return 0;
  if (rev1 === null) return -1;
  if (rev2 === null) return 1;
  if (!rev1.startsWith('REV=') || !rev2.startsWith('REV=')) return byteCompare(rev1, rev2);
  return fieldCompare(rev1.slice(4), rev2.slice(4));
}

function splitRev(vers: string): [string, string | null] {
  const comma = vers.indexOf(',');
  return comma < 0 ? [vers, null] : [vers.slice(0, comma), vers.slice(comma + 1)];
}

function patchKey(id: string): string {
  // obsoletes ids may carry a revision; the patch tree is keyed by the bare number
  const dash = id.indexOf('-');
  return dash < 0 ? id : id.slice(0, dash);
}

/** is_obsolete(): some patch on the package obsoletes this one. */
function isObsolete(pkg: PackageEntry, patch: PatchEntry): boolean {
  return pkg.patches.some((p) => p.obsoletes.some((o) => patchKey(o) === patch.id));
}

function addPatches(pkg: PackageEntry, unique: Map<string, PatchEntry>, checkAgainst: PackageEntry | undefined): void {
  for (const patch of [...pkg.patches].sort((a, b) => byteCompare(a.id, b.id))) {
    if (unique.has(patch.id)) continue;
    if (checkAgainst && isObsolete(checkAgainst, patch)) continue;
    unique.set(patch.id, patch);
  }
}

function firstByName(pkgs: readonly PackageEntry[]): Map<string, PackageEntry> {
  const map = new Map<string, PackageEntry>();
  for (const p of pkgs) if (!map.has(p.name)) map.set(p.name, p);
  return map;
}

/**
 * sw_cmp(): source is the manifest's inventory, local is this host's. Sections come in
 * a fixed order, each header printed once before its first item; items are sorted.
 */
export function compareSoftware(source: readonly PackageEntry[], local: readonly PackageEntry[]): SwCompareResult {
  const src = firstByName(source);
  const dst = firstByName(local);
  const srcPatches = new Map<string, PatchEntry>();
  const dstPatches = new Map<string, PatchEntry>();
  const differences: SwDifference[] = [];
  const lines: string[] = [];
  let header = '';
  const item = (text: string): void => {
    if (header !== '') {
      lines.push(header);
      header = '';
    }
    lines.push(text);
  };

  header = SW_HEADERS.packagesSource;
  for (const name of [...src.keys()].sort(byteCompare)) {
    const s = src.get(name)!;
    const d = dst.get(name);
    addPatches(s, srcPatches, d);
    if (!d) {
      differences.push({ kind: 'package-not-installed', name, sourceVersion: s.version });
      item(`\t${name}: not installed\n\t\t(${s.version})`);
    } else if (comparePackageVersions(s.version, d.version) !== 0) {
      differences.push({ kind: 'package-version-mismatch', name, sourceVersion: s.version, localVersion: d.version });
      item(`\t${name}: version mismatch\n\t\t(${s.version})\n\t\t(${d.version})`);
    }
  }

  header = SW_HEADERS.packagesLocal;
  for (const name of [...dst.keys()].sort(byteCompare)) {
    const d = dst.get(name)!;
    addPatches(d, dstPatches, undefined);
    if (!src.has(name)) {
      differences.push({ kind: 'package-only-local', name, localVersion: d.version });
      item(`\t${name} (${d.version})`);
    }
  }

  header = SW_HEADERS.patchesSource;
  for (const id of [...srcPatches.keys()].sort(byteCompare)) {
    const s = srcPatches.get(id)!;
    const d = dstPatches.get(id);
    if (!d) {
      differences.push({ kind: 'patch-not-installed', id, sourceRev: s.rev });
      item(`\t${id}-${s.rev}: not installed`);
    } else if (s.rev !== d.rev) {
      differences.push({ kind: 'patch-version-mismatch', id, sourceRev: s.rev, localRev: d.rev });
      item(`\t${id}: version mismatch\n\t\t(${s.rev}) (${d.rev})`);
    }
  }

  header = SW_HEADERS.patchesLocal;
  for (const id of [...dstPatches.keys()].sort(byteCompare)) {
    if (!srcPatches.has(id)) {
      const d = dstPatches.get(id)!;
      differences.push({ kind: 'patch-only-local', id, localRev: d.rev });
      item(`\t${id}-${d.rev}`);
    }
  }

  return { ok: differences.length === 0, differences, report: lines.map((l) => l + '\n').join('') };
}
