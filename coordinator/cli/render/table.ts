// Plain text tables for a terminal: a header row, columns padded to their widest cell,
// two spaces apart, no trailing blanks. Pure.

export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/** "1.2 s", "340 ms", "2 min 5 s": durations as operators read them. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** A lease's remaining time: "in 12.0 s", "expired 3.0 s ago", "-" when it has none. */
export function formatExpiry(expiresInMs: number): string {
  if (expiresInMs === 0) return '-';
  return expiresInMs > 0 ? `in ${formatDuration(expiresInMs)}` : `expired ${formatDuration(-expiresInMs)} ago`;
}

export function formatTime(ms: number): string {
  return ms === 0 ? '-' : new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}
