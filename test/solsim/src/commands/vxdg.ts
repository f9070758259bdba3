// Simulated Veritas vxdg: import (with -C to clear another host's lock), deport, list.
// VxVM is closed source; message texts follow the documentation quoted in
// reference/solaris-commands.md 6.6 where it has them and are UNVERIFIED elsewhere.
// `vxvol -g <dg> startall` is not simulated: volumes are started by the import itself,
// as with VxVM's default autostart of volumes on import.
import type { SimCommand, SimContext } from '../command.js';
import { readMnttab } from '../state/mounts.js';
import { parseVxDevice } from '../state/devices.js';
import { readHostConfig } from '../state/host-config.js';
import { deportGroup, importGroup, keyRegistered } from '../state/san-import.js';
import type { GroupRecord } from '../state/san.js';
import { hostSite, readGroup, readImports } from '../state/san.js';
import { renameCloneDevices } from '../state/clones.js';
import { flag, getopt, optArg, type Parsed } from './storage-getopt.js';

const E = 'VxVM vxdg ERROR';

/** Every vxdg text in one place, with its source or the UNVERIFIED mark. */
export const VXDG_MSG = {
  // 5.x two-line form with the message id the reference quotes as UNVERIFIED; the 4.1
  // single-line form is `vxdg: Disk group <dg>: import failed: Disk is in use by another host`.
  inUse: (dg: string) => `${E} V-5-1-10978 Disk group ${dg}: import failed:\nDisk is in use by another host`,
  // UNVERIFIED: the wording VxVM 5 prints when no disk of the group is visible.
  notFound: (dg: string) => `${E} V-5-1-10978 Disk group ${dg}: import failed:\nNo valid disk found containing disk group`,
  // UNVERIFIED.
  alreadyImported: (dg: string) => `${E} V-5-1-10978 Disk group ${dg}: import failed:\nDisk group exists and is imported`,
  // UNVERIFIED: an SRDF R2 (write-disabled) device cannot take the import's header writes.
  writeDisabled: (dg: string) =>
    `${E} V-5-1-10978 Disk group ${dg}: import failed:\nDisk write failure (device is write-disabled)`,
  // UNVERIFIED: a clone import under a name another disk group of the site already has.
  nameTaken: (dg: string, name: string) => `${E} V-5-1-10978 Disk group ${dg}: import failed:\nDisk group ${name} already exists`,
  // UNVERIFIED: an -o option this vxdg does not know.
  badOption: (opt: string) => `${E} V-5-1-5613 Invalid option ${opt}`,
  // UNVERIFIED message id.
  noSuchGroup: (dg: string) => `${E} V-5-1-582 Disk group ${dg}: No such disk group`,
  // UNVERIFIED: deport refused while file systems on the group's volumes are mounted.
  volumesInUse: (dg: string) => `${E} V-5-1-584 Disk group ${dg}: Some volumes in the disk group are in use`,
};

// UNVERIFIED: abbreviated to the operations simulated.
const USAGE =
  `${E} V-5-1-2290 Usage: vxdg [-Cfst] [-n newname] [-o option] import diskgroup\n` +
  '       vxdg [-n newname] [-h hostid] deport diskgroup ...\n' +
  '       vxdg list [diskgroup ...]\n';

export const vxdg: SimCommand = (ctx) => {
  const p = getopt(ctx.argv, 'Cfstn:h:o:q');
  if (p.error) return usage(ctx);
  const [verb, ...args] = p.operands;
  switch (verb) {
    case 'import':
      if (args.length !== 1) return usage(ctx);
      return doImport(ctx, args[0]!, p);
    case 'deport':
      if (args.length === 0) return usage(ctx);
      return args.reduce((status, dg) => doDeport(ctx, dg) || status, 0);
    case 'list':
      return args.length === 0 ? listAll(ctx) : args.reduce((status, dg) => listOne(ctx, dg) || status, 0);
    default:
      return usage(ctx);
  }
};

function usage(ctx: SimContext): number {
  ctx.err(USAGE);
  return 1;
}

/** The -o options of an import: useclonedev=on and updateid; anything else is refused. */
function importOptions(p: Parsed): { useCloneDev: boolean; updateId: boolean } | { bad: string } {
  let useCloneDev = false;
  let updateId = false;
  for (const o of (p.opts.get('o') ?? []).flatMap((v) => (v === true ? [] : v.split(',')))) {
    if (o === 'useclonedev=on') useCloneDev = true;
    else if (o === 'useclonedev=off') useCloneDev = false;
    else if (o === 'updateid') updateId = true;
    else if (o !== 'noreonline') return { bad: o };
  }
  return { useCloneDev, updateId };
}

let dgidCounter = 0;

function doImport(ctx: SimContext, dg: string, p: Parsed): number {
  const clear = flag(p, 'C');
  const o = importOptions(p);
  if ('bad' in o) {
    ctx.err(VXDG_MSG.badOption(o.bad) + '\n');
    return 1;
  }
  let name = dg;
  if (o.useCloneDev) {
    // The clone devices (symclone) carry DG's private region; -n renames them, updateid gives them their own dgid.
    name = optArg(p, 'n') ?? dg;
    dgidCounter += 1;
    const newId = o.updateId ? `${Math.floor(Date.now() / 1000)}.${2048 + dgidCounter}.${readHostConfig(ctx.env).host}` : null;
    const refusal = renameCloneDevices(ctx.env.lab, hostSite(ctx.env), dg, name, newId);
    if (refusal) {
      ctx.err((refusal === 'name-taken' ? VXDG_MSG.nameTaken(dg, name) : VXDG_MSG.notFound(dg)) + '\n');
      return 1;
    }
  }
  const outcome = importGroup(ctx.env, 'vxdg', name, { clearLock: clear, forced: clear || flag(p, 'f') });
  if (outcome.ok) return 0;
  const text = {
    'not-found': VXDG_MSG.notFound,
    'already-imported': VXDG_MSG.alreadyImported,
    'in-use': VXDG_MSG.inUse,
    'write-disabled': VXDG_MSG.writeDisabled,
  }[outcome.reason](name);
  ctx.err(text + '\n');
  return 1;
}

function doDeport(ctx: SimContext, dg: string): number {
  const busy = readMnttab(ctx.env).some((e) => parseVxDevice(e.special)?.dg === dg);
  if (busy) {
    ctx.err(VXDG_MSG.volumesInUse(dg) + '\n');
    return 1;
  }
  const outcome = deportGroup(ctx.env, 'vxdg', dg);
  if (outcome.ok) return 0;
  ctx.err(VXDG_MSG.noSuchGroup(dg) + '\n');
  return 1;
}

/** Imported here; "disabled" once the array rejects this host's I/O (key preempted). */
function myGroups(ctx: SimContext): { record: GroupRecord; state: string }[] {
  const site = hostSite(ctx.env);
  return readImports(ctx.env)
    .filter((i) => i.kind === 'vxdg' && i.site === site)
    .map((i) => readGroup(ctx.env.lab, site, 'vxdg', i.group))
    .filter((r): r is GroupRecord => r !== null)
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((record) => ({ record, state: keyRegistered(ctx.env, record) ? 'enabled' : 'disabled' }));
}

// `vxdg list` column layout is UNVERIFIED (NAME/STATE/ID as VxVM 4/5 print them).
function listAll(ctx: SimContext): number {
  ctx.out(`${'NAME'.padEnd(13)}${'STATE'.padEnd(16)}ID\n`);
  for (const { record, state } of myGroups(ctx)) {
    ctx.out(`${record.name.padEnd(13)}${state.padEnd(16)}${record.id}\n`);
  }
  return 0;
}

// Abbreviated `vxdg list <dg>` (the real one has many more lines; UNVERIFIED layout).
function listOne(ctx: SimContext, dg: string): number {
  const mine = myGroups(ctx).find((g) => g.record.name === dg);
  if (!mine) {
    ctx.err(VXDG_MSG.noSuchGroup(dg) + '\n');
    return 1;
  }
  const { record, state } = mine;
  const flags = state === 'enabled' ? '' : 'disabled';
  ctx.out(
    `Group:     ${record.name}\n` +
    `dgid:      ${record.id}\n` +
    `import-id: 1024.${10 + record.volumes.length}\n` +
    `flags:     ${flags}\n` +
    'version:   140\n' +
    `local-activation: read-write\n` +
    `hostid:    ${record.hostLock?.host ?? readHostConfig(ctx.env).host}\n` +
    `volumes:   ${record.volumes.map((v) => v.name).join(' ')}\n`,
  );
  return 0;
}
