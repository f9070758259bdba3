// Simulated zpool (usr/src/cmd/zpool/zpool_main.c, S10 wording): import (listing,
// by name or numeric id, -f over another host's label), export (unmounting the
// datasets), list.
import type { SimCommand, SimContext } from '../command.js';
import { deportGroup, importGroup, importedGroup, keyRegistered } from '../state/san-import.js';
import type { GroupRecord } from '../state/san.js';
import { groupDir, hostImport, hostSite, listGroups, readImports, treeBytes } from '../state/san.js';
import { mountableDatasets, mountDataset, unmountDatasets, ZfsError } from '../state/zfs-model.js';
import { flag, getopt, optArg } from './storage-getopt.js';
import { formatColumns, nicenum } from './zfs-format.js';
import { asctime } from './solaris-time.js';

export const ZPOOL_MSG = {
  inUse: (pool: string, host: string, hostid: string, at: number) =>
    `cannot import '${pool}': pool may be in use from other system, it was last accessed by ${host} ` +
    `(hostid: 0x${hostid}) on ${asctime(at)}use '-f' to import anyway`,
  noSuchPool: (pool: string) => `cannot import '${pool}': no such pool available`,
  alreadyImported: (pool: string) =>
    `cannot import '${pool}': a pool with that name is already created/imported,\n` +
    'and no additional pools with that name were found',
  noneAvailable: 'no pools available to import',
  cannotOpen: (pool: string) => `cannot open '${pool}': no such pool`,
  noPools: 'no pools available',
};

const USAGE =
  'usage: zpool command args ...\nwhere \'command\' is one of the following:\n\n' +
  '\tlist [-H] [-o property[,...]] [pool] ...\n\n' +
  '\timport [-d dir] [-D]\n' +
  '\timport [-o mntopts] [-o property=value] ... \n\t    [-d dir | -c cachefile] [-D] [-f] [-R root] -a\n' +
  '\timport [-o mntopts] [-o property=value] ... \n\t    [-d dir | -c cachefile] [-D] [-f] [-R root] <pool | id> [newpool]\n' +
  '\texport [-f] <pool> ...\n';

export const zpool: SimCommand = (ctx) => {
  const [verb, ...rest] = ctx.argv;
  switch (verb) {
    case 'import':
      return doImport(ctx, rest);
    case 'export':
      return doExport(ctx, rest);
    case 'list':
      return doList(ctx, rest);
    case undefined:
      ctx.err('missing command\n' + USAGE);
      return 2;
    default:
      ctx.err(`unrecognized command '${verb}'\n` + USAGE);
      return 2;
  }
};

function badOption(ctx: SimContext, option: string, missing: boolean): number {
  ctx.err((missing ? `missing argument for '${option}' option\n` : `invalid option '${option}'\n`) + USAGE);
  return 2;
}

function doImport(ctx: SimContext, argv: string[]): number {
  const p = getopt(argv, 'ad:Dfo:R:c:');
  if (p.error) return badOption(ctx, p.error.option, p.error.kind === 'missing');
  if (p.operands.length === 0 && !flag(p, 'a')) return listImportable(ctx);
  const names = flag(p, 'a') ? importable(ctx).map((r) => r.name) : [p.operands[0]!];
  if (!flag(p, 'a') && /^[0-9]+$/.test(names[0]!) && BigInt(names[0]!) < 2n ** 64n) {
    // zpool_main.c: an operand that strtoull() takes whole is a pool guid, never a name,
    // matched against the importable pools only (the ones the listing shows as "id:").
    const guid = BigInt(names[0]!);
    const pool = importable(ctx).find((r) => /^[0-9]+$/.test(r.id) && BigInt(r.id) === guid);
    if (!pool) {
      ctx.err(ZPOOL_MSG.noSuchPool(names[0]!) + '\n');
      return 1;
    }
    names[0] = pool.name;
  }
  let status = 0;
  for (const name of names) status = importOne(ctx, name, flag(p, 'f')) || status;
  return status;
}

function importOne(ctx: SimContext, name: string, force: boolean): number {
  const outcome = importGroup(ctx.env, 'zpool', name, { clearLock: force, forced: force });
  if (!outcome.ok) {
    const text =
      outcome.reason === 'in-use' ? ZPOOL_MSG.inUse(name, outcome.lock.host, outcome.lock.hostid, outcome.lock.at)
        : outcome.reason === 'already-imported' ? ZPOOL_MSG.alreadyImported(name)
          : ZPOOL_MSG.noSuchPool(name);
    ctx.err(text + '\n');
    return 1;
  }
  // Import mounts every dataset with a mountpoint, parents first.
  let status = 0;
  for (const ds of mountableDatasets(outcome.record)) {
    try {
      mountDataset(ctx.env, outcome.record, ds);
    } catch (err) {
      if (!(err instanceof ZfsError)) throw err;
      ctx.err(err.message + '\n');
      status = 1;
    }
  }
  return status;
}

function importable(ctx: SimContext): GroupRecord[] {
  return listGroups(ctx.env.lab, hostSite(ctx.env), 'zpool').filter((r) => !hostImport(ctx.env, 'zpool', r.name));
}

/** `zpool import` without a pool: what this host could import (S10 layout). */
function listImportable(ctx: SimContext): number {
  const pools = importable(ctx);
  if (pools.length === 0) {
    ctx.err(ZPOOL_MSG.noneAvailable + '\n');
    return 1;
  }
  const me = ctx.env.host;
  ctx.out(pools.map((r) => {
    const foreign = r.hostLock && r.hostLock.host !== me;
    const width = Math.max(10, r.name.length, ...r.devices.map((d) => d.length + 2));
    return (
      `  pool: ${r.name}\n    id: ${r.id}\n state: ONLINE\n` +
      (foreign
        ? 'status: The pool was last accessed by another system.\n' +
          "action: The pool can be imported using its name or numeric identifier and\n\tthe '-f' flag.\n" +
          '   see: http://www.sun.com/msg/ZFS-8000-EY\n'
        : 'action: The pool can be imported using its name or numeric identifier.\n') +
      'config:\n\n' +
      `\t${r.name.padEnd(width)}  ONLINE\n` +
      r.devices.map((d) => `\t  ${d.padEnd(width - 2)}  ONLINE\n`).join('')
    );
  }).join('\n'));
  return 0;
}

function doExport(ctx: SimContext, argv: string[]): number {
  const p = getopt(argv, 'f');
  if (p.error) return badOption(ctx, p.error.option, false);
  if (p.operands.length === 0) {
    ctx.err('missing pool argument\n' + USAGE);
    return 2;
  }
  let status = 0;
  for (const name of p.operands) {
    const record = importedGroup(ctx.env, 'zpool', name);
    if (!record) {
      ctx.err(ZPOOL_MSG.cannotOpen(name) + '\n');
      status = 1;
      continue;
    }
    try {
      unmountDatasets(ctx.env, Object.keys(record.datasets), flag(p, 'f'));
    } catch (err) {
      if (!(err instanceof ZfsError)) throw err;
      ctx.err(err.message + '\n');
      status = 1;
      continue;
    }
    deportGroup(ctx.env, 'zpool', name);
  }
  return status;
}

const LIST_COLUMNS = ['name', 'size', 'alloc', 'free', 'cap', 'health', 'altroot'] as const;
const RIGHT = new Set(['size', 'alloc', 'free', 'cap']);

function doList(ctx: SimContext, argv: string[]): number {
  const p = getopt(argv, 'Ho:');
  if (p.error) return badOption(ctx, p.error.option, p.error.kind === 'missing');
  const columns = (optArg(p, 'o')?.split(',') ?? [...LIST_COLUMNS]);
  const bad = columns.find((c) => !(LIST_COLUMNS as readonly string[]).includes(c));
  if (bad) {
    ctx.err(`invalid property '${bad}'\n` + USAGE);
    return 2;
  }
  const site = hostSite(ctx.env);
  const mine = readImports(ctx.env).filter((i) => i.kind === 'zpool' && i.site === site).map((i) => i.group).sort();
  let status = 0;
  const wanted = p.operands.length > 0 ? p.operands : mine;
  const rows: string[][] = [];
  for (const name of wanted) {
    const record = mine.includes(name) ? importedGroup(ctx.env, 'zpool', name) : null;
    if (!record) {
      ctx.err(ZPOOL_MSG.cannotOpen(name) + '\n');
      status = 1;
      continue;
    }
    rows.push(columns.map((c) => poolValue(ctx, record, c)));
  }
  if (rows.length === 0 && p.operands.length === 0) {
    ctx.out(ZPOOL_MSG.noPools + '\n');
    return 0;
  }
  if (rows.length > 0) {
    ctx.out(formatColumns(columns.map((c) => c.toUpperCase()), rows, flag(p, 'H'), (i) => RIGHT.has(columns[i]!)));
  }
  return status;
}

function poolValue(ctx: SimContext, record: GroupRecord, column: string): string {
  const alloc = treeBytes(groupDir(ctx.env.lab, hostSite(ctx.env), 'zpool', record.name));
  switch (column) {
    case 'name': return record.name;
    case 'size': return nicenum(record.sizeBytes);
    case 'alloc': return nicenum(alloc);
    case 'free': return nicenum(Math.max(0, record.sizeBytes - alloc));
    case 'cap': return `${Math.floor((alloc * 100) / record.sizeBytes)}%`;
    // A pool whose disks reject this host's I/O (key preempted) is not usable here.
    case 'health': return keyRegistered(ctx.env, record) ? 'ONLINE' : 'UNAVAIL';
    default: return '-';
  }
}
