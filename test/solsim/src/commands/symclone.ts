// Simulated EMC Solutions Enabler symclone (TimeFinder/Clone) for the device groups of
// the SRDF model: create, activate, terminate and query of one clone session per device
// group, on the R2 array (state/clones.ts). SYMCLI is closed source; the layouts follow
// the Solutions Enabler 7.x shape (UNVERIFIED), as symrdf.ts does. The RDF pairs are
// never changed: that is what makes a clone the drill's copy instead of a split.
import type { SimCommand, SimContext } from '../command.js';
import { parseSymcliArgs } from './symcli-args.js';
import { CloneError, cloneActivate, cloneCreate, cloneTerminate, readCloneSession, type CloneSession } from '../state/clones.js';
import { readRdfGroup } from '../state/replication.js';
import { hostSite, readGroup } from '../state/san.js';

const USAGE =
  'Usage: symclone -g <DgName> [-noprompt] [-copy] [-force] [-sid <SymmID>]\n' +
  '                create | activate | terminate | query\n';

const TITLES: Record<'create' | 'activate' | 'terminate', string> = { create: 'Create', activate: 'Activate', terminate: 'Terminate' };

export const symclone: SimCommand = (ctx) => {
  const args = parseSymcliArgs(ctx.argv, { flags: ['-copy', '-force', '-symforce', '-v', '-differential'], valued: ['-sid', '-i', '-c'] });
  if (!args) return usage(ctx);
  const { group, verb, noprompt } = args;
  try {
    if (verb === 'query') return query(ctx, group);
    if (verb !== 'create' && verb !== 'activate' && verb !== 'terminate') return usage(ctx);
    return control(ctx, group, verb, noprompt);
  } catch (err) {
    if (!(err instanceof CloneError)) throw err;
    ctx.err(`\n${err.message}.\n\n`);
    return 1;
  }
};

function usage(ctx: SimContext): number {
  ctx.err(USAGE);
  return 1;
}

function control(ctx: SimContext, group: string, verb: 'create' | 'activate' | 'terminate', noprompt: boolean): number {
  const title = TITLES[verb];
  if (!noprompt) {
    ctx.out(`\nExecute '${title}' operation for device\ngroup '${group}' (y/[n]) ? `);
    if (!ctx.readStdin().trim().toLowerCase().startsWith('y')) {
      ctx.out('\n');
      return 1;
    }
  }
  const { lab, host } = ctx.env;
  const site = hostSite(ctx.env);
  if (verb === 'create') cloneCreate(lab, host, site, group);
  else if (verb === 'activate') cloneActivate(lab, host, site, group);
  else cloneTerminate(lab, host, site, group);
  ctx.out(
    `\n'${title}' operation execution is in progress for\ndevice group '${group}'. Please wait...\n\n` +
      `'${title}' operation successfully executed for device\ngroup '${group}'.\n\n`,
  );
  return 0;
}

function symDev(base: number, index: number): string {
  return (base + index).toString(16).toUpperCase().padStart(4, '0');
}

/** The clone pairs of the group: source (R2) device, target device, state, percent copied. */
function query(ctx: SimContext, group: string): number {
  const rdf = readRdfGroup(ctx.env.lab, group);
  if (!rdf) throw new CloneError(`The specified device group (${group}) was not found`);
  const session: CloneSession | null = readCloneSession(ctx.env.lab, group);
  if (!session) throw new CloneError(`No clone session was found for device group (${group})`);
  const volumes = readGroup(ctx.env.lab, rdf.r2Site, 'vxdg', rdf.diskGroup)?.volumes ?? [];
  const pct = session.state === 'Copied' ? 100 : 0;
  let out =
    '\n' +
    `Device Group (DG) Name: ${group}\n` +
    `DG's Type             : RDF2\n` +
    `Number of Clone Pairs : ${volumes.length}\n\n` +
    '        Source Device                   Target Device            State        Copy\n' +
    '--------------------------------- ---------------------------- ------------ ----\n' +
    'Logical  Sym    Tracks  Logical   Sym    Tracks               SRC <=> TGT  (%)\n' +
    '--------------------------------- ---------------------------- ------------ ----\n';
  for (const [i, v] of volumes.entries()) {
    // One clone pair per volume of the disk group (a volume stands for its LUNs here).
    void v;
    out += `DEV${String(i + 1).padStart(3, '0')}  ${symDev(0xb0, i)} ${String(0).padStart(8)}  TGT${String(i + 1).padStart(3, '0')}    ${symDev(0xc0, i)} ${String(0).padStart(8)}               ${session.state.padEnd(12)} ${String(pct).padStart(4)}\n`;
  }
  out += '\n';
  if (session.pointInTime !== null) {
    // Not a SYMCLI line: the simulator's statement of the replica's point in time (what the clone holds).
    out += `Clone point in time (epoch ms)    : ${session.pointInTime}\n\n`;
  }
  ctx.out(out);
  return 0;
}
