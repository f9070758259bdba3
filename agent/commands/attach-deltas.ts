// The software mismatch report `zoneadm attach` prints when the detach manifest's
// package/patch inventory differs from this host's (sw_cmp.c; ref 1.9), parsed into
// deltas the coordinator compares with the accepted list for a host pair. PURE.
//
// Layout (stderr, no zoneadm prefix; each header once, before its first item; items
// start with one TAB, their continuation lines with two):
//   These packages installed on the source system are inconsistent with this system:
//   	PKG: not installed            / 		(src version)
//   	PKG: version mismatch         / 		(src version) / 		(local version)
//   These packages installed on this system were not installed on the source system:
//   	PKG (version)
//   These patches installed on the source system are inconsistent with this system:
//   	ID-REV: not installed
//   	ID: version mismatch          / 		(src rev) (local rev)
//   These patches installed on this system were not installed on the source system:
//   	ID-REV

export type DeltaKind = 'missing' | 'extra' | 'version-mismatch';

export interface PackageDelta {
  name: string;
  /** missing: on the source, not here; extra: here, not on the source. */
  kind: DeltaKind;
  sourceVersion: string;
  localVersion: string;
}

export interface PatchDelta {
  /** The patch number without its revision ("138888"). */
  id: string;
  kind: DeltaKind;
  sourceRev: string;
  localRev: string;
}

export interface AttachDeltas {
  packages: PackageDelta[];
  patches: PatchDelta[];
  /** The text zoneadm printed. */
  raw: string;
}

const HEADERS = {
  'packages-source': 'These packages installed on the source system are inconsistent with this system:',
  'packages-local': 'These packages installed on this system were not installed on the source system:',
  'patches-source': 'These patches installed on the source system are inconsistent with this system:',
  'patches-local': 'These patches installed on this system were not installed on the source system:',
} as const;

type Section = keyof typeof HEADERS | null;

function sectionOf(line: string): Section | undefined {
  for (const [section, header] of Object.entries(HEADERS) as [keyof typeof HEADERS, string][]) {
    if (line === header) return section;
  }
  return undefined;
}

/** True when the text carries a sw_cmp report (a software mismatch, not another failure). */
export function hasAttachDeltas(text: string): boolean {
  return text.split('\n').some((line) => sectionOf(line.replace(/\r$/, '')) !== undefined);
}

/** "(x)" → "x"; null when the line is not one parenthesised value. */
function paren(line: string | undefined): string | null {
  const m = line === undefined ? null : /^\t\t\((.*)\)$/.exec(line);
  return m ? m[1]! : null;
}

/** "ID-REV" → [ID, REV] (patch ids are NNNNNN-RR; the revision follows the last dash). */
function splitPatch(text: string): [string, string] {
  const dash = text.lastIndexOf('-');
  return dash < 0 ? [text, ''] : [text.slice(0, dash), text.slice(dash + 1)];
}

/**
 * The deltas in a sw_cmp report. Lines outside the four sections (zoneadm's own
 * messages) are ignored; an item whose continuation lines are missing keeps empty
 * versions rather than being dropped, so nothing the operator must accept disappears.
 */
export function parseAttachDeltas(stderr: string): AttachDeltas {
  const lines = stderr.split('\n').map((l) => l.replace(/\r$/, ''));
  const packages: PackageDelta[] = [];
  const patches: PatchDelta[] = [];
  let section: Section = null;
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!;
    const next = sectionOf(line);
    if (next !== undefined) {
      section = next;
      continue;
    }
    if (!line.startsWith('\t') || line.startsWith('\t\t')) {
      // a continuation line already consumed, or text that is not part of the report
      if (!line.startsWith('\t')) section = null;
      continue;
    }
    const item = line.slice(1);
    switch (section) {
      case 'packages-source': {
        const notInstalled = /^(\S+): not installed$/.exec(item);
        const mismatch = /^(\S+): version mismatch$/.exec(item);
        if (notInstalled) {
          const src = paren(lines[i + 1]);
          if (src !== null) i += 1;
          packages.push({ name: notInstalled[1]!, kind: 'missing', sourceVersion: src ?? '', localVersion: '' });
        } else if (mismatch) {
          const src = paren(lines[i + 1]);
          if (src !== null) i += 1;
          const local = src !== null ? paren(lines[i + 1]) : null;
          if (local !== null) i += 1;
          packages.push({ name: mismatch[1]!, kind: 'version-mismatch', sourceVersion: src ?? '', localVersion: local ?? '' });
        }
        break;
      }
      case 'packages-local': {
        const m = /^(\S+) \((.*)\)$/.exec(item);
        if (m) packages.push({ name: m[1]!, kind: 'extra', sourceVersion: '', localVersion: m[2]! });
        break;
      }
      case 'patches-source': {
        const notInstalled = /^(\S+): not installed$/.exec(item);
        const mismatch = /^(\S+): version mismatch$/.exec(item);
        if (notInstalled) {
          const [id, rev] = splitPatch(notInstalled[1]!);
          patches.push({ id, kind: 'missing', sourceRev: rev, localRev: '' });
        } else if (mismatch) {
          const revs = /^\t\t\((.*)\) \((.*)\)$/.exec(lines[i + 1] ?? '');
          if (revs) i += 1;
          patches.push({ id: mismatch[1]!, kind: 'version-mismatch', sourceRev: revs?.[1] ?? '', localRev: revs?.[2] ?? '' });
        }
        break;
      }
      case 'patches-local': {
        const m = /^(\S+)$/.exec(item);
        if (m) {
          const [id, rev] = splitPatch(m[1]!);
          patches.push({ id, kind: 'extra', sourceRev: '', localRev: rev });
        }
        break;
      }
      default:
        break;
    }
  }
  return { packages, patches, raw: stderr };
}
