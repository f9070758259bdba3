// /etc/vfstab as text: parse its seven-field lines, format one entry, and insert or
// replace the entry for a mount point while keeping every other line (comments, header,
// blank lines, entries the operator wrote) exactly as it was. PURE: callers read and
// write the file (atomically) themselves.
// Format: reference/solaris-commands.md 6.2 (sys/vfstab.h): seven whitespace-separated
// fields, "-" for none, "#" starts a comment line.

export interface VfstabEntry {
  /** Device to mount (or pool/dataset, or lofs directory). */
  special: string;
  /** Raw device fsck reads; "-" when none. */
  fsckDevice: string;
  mountPoint: string;
  fstype: string;
  /** "1".."3" for ufs/vxfs, "-" for lofs/zfs. */
  fsckPass: string;
  /** Field 6; failover file systems must say "no" (6.2). */
  mountAtBoot: boolean;
  /** Comma-separated options, or "-" for none. */
  options: string;
}

const FIELD_COUNT = 7;

function isEntryLine(line: string): boolean {
  const trimmed = line.trim();
  return trimmed !== '' && !trimmed.startsWith('#');
}

/** One entry from one line, or null for comments, blanks and lines of the wrong shape. */
export function parseVfstabLine(line: string): VfstabEntry | null {
  if (!isEntryLine(line)) return null;
  const fields = line.trim().split(/\s+/);
  // mount(1M) warns and skips lines with too few or too many entries (6.2); so do we.
  if (fields.length !== FIELD_COUNT) return null;
  const [special, fsckDevice, mountPoint, fstype, fsckPass, atBoot, options] = fields as [string, string, string, string, string, string, string];
  return { special, fsckDevice, mountPoint, fstype, fsckPass, mountAtBoot: atBoot === 'yes', options };
}

export function parseVfstabEntries(text: string): VfstabEntry[] {
  const entries: VfstabEntry[] = [];
  for (const line of text.split('\n')) {
    const entry = parseVfstabLine(line);
    if (entry) entries.push(entry);
  }
  return entries;
}

/** The entry for a mount point, if the file has one (the last wins, as in getvfsfile). */
export function findVfstabEntry(text: string, mountPoint: string): VfstabEntry | undefined {
  return parseVfstabEntries(text).filter((e) => e.mountPoint === mountPoint).at(-1);
}

function field(value: string): string {
  if (value === '') return '-';
  if (/\s/.test(value)) throw new Error(`vfstab field ${JSON.stringify(value)} contains whitespace`);
  return value;
}

/** One tab-separated line (no newline), empty fields written as "-". */
export function formatVfstabEntry(entry: VfstabEntry): string {
  return [
    field(entry.special),
    field(entry.fsckDevice),
    field(entry.mountPoint),
    field(entry.fstype),
    field(entry.fsckPass),
    entry.mountAtBoot ? 'yes' : 'no',
    field(entry.options),
  ].join('\t');
}

function sameEntry(a: VfstabEntry, b: VfstabEntry): boolean {
  return formatVfstabEntry(a) === formatVfstabEntry(b);
}

/**
 * The text with exactly one entry for entry.mountPoint, equal to entry. The first line
 * for that mount point is replaced in place (kept byte for byte when it already says the
 * same), any later duplicates are dropped, and a missing entry is appended. All other
 * lines are untouched, so a repeated call returns its input unchanged.
 */
export function upsertVfstabEntry(text: string, entry: VfstabEntry): string {
  const formatted = formatVfstabEntry(entry);
  const lines = text === '' ? [] : text.split('\n');
  // A trailing newline leaves one empty last element; put it back after editing.
  const endsWithNewline = lines.length > 0 && lines.at(-1) === '';
  if (endsWithNewline) lines.pop();

  const out: string[] = [];
  let placed = false;
  for (const line of lines) {
    const existing = parseVfstabLine(line);
    if (existing && existing.mountPoint === entry.mountPoint) {
      if (placed) continue;
      out.push(sameEntry(existing, entry) ? line : formatted);
      placed = true;
      continue;
    }
    out.push(line);
  }
  if (!placed) out.push(formatted);
  return `${out.join('\n')}\n`;
}

/** The text without any entry for mountPoint (other lines kept). */
export function removeVfstabEntry(text: string, mountPoint: string): string {
  const lines = text.split('\n');
  return lines.filter((line) => parseVfstabLine(line)?.mountPoint !== mountPoint).join('\n');
}
