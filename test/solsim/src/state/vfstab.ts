// /etc/vfstab: parse, format and edit it the way administrators' tools do — an edit
// touches only its own line, comments and unknown lines stay as they were.
import fs from 'node:fs';
import path from 'node:path';
import type { SimEnv } from '../env.js';
import { hostPath } from '../env.js';
import { writeFileAtomic } from '../json-file.js';
import { withLock } from '../locks.js';

export interface VfstabEntry {
  /** Device to mount (field 1). */
  special: string;
  /** Device to fsck, '-' for none. */
  fsckDevice: string;
  mountPoint: string;
  fstype: string;
  fsckPass: string;
  /** "mount at boot": yes or no. */
  atBoot: string;
  /** Mount options, '-' for none. */
  options: string;
}

export type VfstabLine =
  | { kind: 'text'; text: string }
  | { kind: 'entry'; text: string; entry: VfstabEntry }
  | { kind: 'bad'; text: string; warning: string };

/** getvfsent(3C) limit: VFS_LINE_MAX is 1024 including the newline. */
const LINE_MAX = 1024;

export function parseVfstab(text: string): VfstabLine[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((line): VfstabLine => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return { kind: 'text', text: line };
    const fields = trimmed.split(/[ \t]+/);
    const special = fields[0]!;
    if (line.length >= LINE_MAX) {
      return { kind: 'bad', text: line, warning: `Warning: Line in vfstab for "${special}" exceeds ${LINE_MAX - 1} characters` };
    }
    if (fields.length < 7) return { kind: 'bad', text: line, warning: `Warning: Line for "${special}" in vfstab has too few entries` };
    if (fields.length > 7) return { kind: 'bad', text: line, warning: `Warning: Line for "${special}" in vfstab has too many entries` };
    const [, fsckDevice, mountPoint, fstype, fsckPass, atBoot, options] = fields as [string, string, string, string, string, string, string];
    return { kind: 'entry', text: line, entry: { special, fsckDevice, mountPoint, fstype, fsckPass, atBoot, options } };
  });
}

export function vfstabEntries(lines: readonly VfstabLine[]): VfstabEntry[] {
  return lines.flatMap((l) => (l.kind === 'entry' ? [l.entry] : []));
}

export function vfstabWarnings(lines: readonly VfstabLine[]): string[] {
  return lines.flatMap((l) => (l.kind === 'bad' ? [l.warning] : []));
}

export function formatVfstabEntry(e: VfstabEntry): string {
  return [e.special, e.fsckDevice, e.mountPoint, e.fstype, e.fsckPass, e.atBoot, e.options].join('\t');
}

export function formatVfstab(lines: readonly VfstabLine[]): string {
  return lines.map((l) => l.text + '\n').join('');
}

/** Replaces the entry for the same mount point (or, for '-' mount points, the same device), else appends. */
export function upsertVfstabEntry(text: string, entry: VfstabEntry): string {
  const lines = parseVfstab(text);
  const same = (e: VfstabEntry) =>
    entry.mountPoint !== '-' ? e.mountPoint === entry.mountPoint : e.special === entry.special;
  const index = lines.findIndex((l) => l.kind === 'entry' && same(l.entry));
  const line: VfstabLine = { kind: 'entry', text: formatVfstabEntry(entry), entry };
  if (index >= 0) lines[index] = line;
  else lines.push(line);
  return formatVfstab(lines);
}

export function removeVfstabEntry(text: string, mountPoint: string): string {
  return formatVfstab(parseVfstab(text).filter((l) => !(l.kind === 'entry' && l.entry.mountPoint === mountPoint)));
}

/** The entry naming this mount point, else this device (mount(1M) tries both). */
export function findVfstabEntry(lines: readonly VfstabLine[], what: string): VfstabEntry | undefined {
  const entries = vfstabEntries(lines);
  return entries.find((e) => e.mountPoint === what) ?? entries.find((e) => e.special === what);
}

export function vfstabPath(env: Pick<SimEnv, 'root'>): string {
  return hostPath(env, '/etc/vfstab');
}

/** Null when the host has no /etc/vfstab. */
export function readVfstab(env: Pick<SimEnv, 'root'>): VfstabLine[] | null {
  try {
    return parseVfstab(fs.readFileSync(vfstabPath(env), 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Read-modify-write of /etc/vfstab under the host's vfstab lock. */
export function updateVfstab(env: Pick<SimEnv, 'root'>, edit: (text: string) => string): void {
  withLock(path.join(env.root, 'var', 'solsim-locks', 'vfstab.lock'), () => {
    let text = '';
    try {
      text = fs.readFileSync(vfstabPath(env), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    writeFileAtomic(vfstabPath(env), edit(text));
  });
}

export function addVfstabEntry(env: Pick<SimEnv, 'root'>, entry: VfstabEntry): void {
  updateVfstab(env, (text) => upsertVfstabEntry(text, entry));
}
