// Output helpers shared by zfs and zpool: libzfs's human-readable numbers and the
// column layout of the list/get subcommands.

/** zfs_nicenum(): 1023, 1K, 1.50K, 24.5M, 98.6G — at most five characters. */
export function nicenum(n: number): string {
  let index = 0;
  let value = n;
  while (value >= 1024 && index < 6) {
    value /= 1024;
    index += 1;
  }
  if (index === 0) return String(Math.floor(n));
  const unit = ' KMGTPE'[index]!;
  if (n % 1024 ** index === 0) return `${Math.floor(value)}${unit}`;
  for (const digits of [2, 1, 0]) {
    const text = `${value.toFixed(digits)}${unit}`;
    if (text.length <= 5) return text;
  }
  return `${Math.round(value)}${unit}`;
}

/**
 * The list layout: each column as wide as its widest cell, two spaces between columns,
 * numbers right-aligned, the last column unpadded; -H: no header, tab-separated.
 */
export function formatColumns(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  scripted: boolean,
  rightAligned: (column: number) => boolean,
): string {
  if (scripted) return rows.map((r) => r.join('\t') + '\n').join('');
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => {
        if (rightAligned(i)) return cell.padStart(widths[i]!);
        return i === cells.length - 1 ? cell : cell.padEnd(widths[i]!);
      })
      .join('  ') + '\n';
  return [headers, ...rows].map(line).join('');
}
