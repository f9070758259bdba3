// Simulated /usr/sbin/df -k (usr/src/cmd/fs.d/df.c k_output()): figures come from
// statfs of the directory really holding each mounted file system, unless the host
// configuration pretends the file system is fuller (dfOverrides: a full disk).
import fs from 'node:fs';
import path from 'node:path';
import type { SimCommand, SimContext } from '../command.js';
import { hostPath } from '../env.js';
import { readHostConfig } from '../state/host-config.js';
import type { MnttabEntry } from '../state/mounts.js';
import { mountOf, readMnttab } from '../state/mounts.js';
import { flag, getopt } from './storage-getopt.js';

const USAGE = 'Usage: df [-F FSType] [-abeghklntVvZ] [-o FSType-specific_options] [directory | block_device | resource]\n';

export interface DfFigures {
  kbytes: number;
  used: number;
  avail: number;
}

export const df: SimCommand = (ctx) => {
  const p = getopt(ctx.argv, 'F:o:abehkVtgnlvZ');
  if (p.error || !flag(p, 'k')) {
    // Only the -k form is simulated: it is the one scripts parse.
    ctx.err(p.error ? `df: unknown option: ${p.error.option}\n${USAGE}` : USAGE);
    return 1;
  }
  const table = readMnttab(ctx.env);
  const requests: MnttabEntry[] = [];
  let errors = 0;
  if (p.operands.length === 0) requests.push(...table.filter((e) => e.fstype !== 'swap'));
  for (const arg of p.operands) {
    const entry = entryFor(ctx, table, arg);
    if (entry) requests.push(entry);
    else {
      ctx.err(`df: (${arg.padEnd(10)}) not a block device, directory or mounted resource\n`);
      errors += 1;
    }
  }
  if (requests.length > 0) {
    ctx.out(`${'Filesystem'.padEnd(20)} ${'kbytes'.padStart(7)} ${'used'.padStart(7)} ${'avail'.padStart(7)} ${'capacity'.padEnd(9)} Mounted on\n`);
  }
  for (const entry of requests) {
    const f = figures(ctx, entry);
    ctx.out(`${entry.special.padEnd(20)} ${String(f.kbytes).padStart(7)} ${String(f.used).padStart(7)} ` +
      `${String(f.avail).padStart(7)} ${capacity(f).padEnd(9)} ${entry.mountPoint}\n`);
  }
  return errors;
};

/** A path (its containing mount) or a mounted resource named by its special. */
function entryFor(ctx: SimContext, table: MnttabEntry[], arg: string): MnttabEntry | undefined {
  if (arg.startsWith('/') && fs.existsSync(hostPath(ctx.env, arg))) {
    return mountOf(ctx.env, path.posix.normalize(arg).replace(/(.)\/$/, '$1'));
  }
  return table.find((e) => e.special === arg);
}

function figures(ctx: SimContext, entry: MnttabEntry): DfFigures {
  const override = readHostConfig(ctx.env).dfOverrides?.[entry.mountPoint];
  const st = fs.statfsSync(hostPath(ctx.env, entry.mountPoint));
  const kb = (blocks: number) => Math.floor((blocks * st.bsize) / 1024);
  const real = { kbytes: kb(st.blocks), used: kb(st.blocks - st.bfree), avail: kb(st.bavail) };
  if (!override) return real;
  const kbytes = override.kbytes ?? real.kbytes;
  return { kbytes, used: Math.max(0, kbytes - override.availKb), avail: override.availKb };
}

/** df.c: sprintf("%5.0f%%", used / (used + avail) * 100 + 0.5), i.e. rounded up. */
export function capacity(f: Pick<DfFigures, 'used' | 'avail'>): string {
  const total = f.used + f.avail;
  const value = total === 0 ? 0 : (f.used / total) * 100 + 0.5;
  return `${roundHalfEven(value)}%`.padStart(6);
}

/** printf's %.0f: round to nearest, ties to even. */
function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}
