// Simulated /usr/lib/brand/solaris8/s8_p2v: adapts an installed solaris8 zone image to
// the host it is on. The real tool is closed source; its observable contract is that a
// migrated zone will not boot until it has been run on the new host. The simulator
// records the host's hostid in <zonepath>/root/.host.orig (the file public operator
// scripts compare with hostid) and zoneadm boot checks it (zone-lifecycle.ts).
// UNVERIFIED, chosen to resemble the open solaris10 brand's p2v.ksh: the usage line, the
// exit codes (2 usage, 1 failure) and every message below.
import fs from 'node:fs';
import path from 'node:path';
import type { SimCommand, SimContext } from '../command.js';
import { hostPath } from '../env.js';
import { readHostConfig } from '../state/host-config.js';
import { InvalidZoneDocument, readZoneConfig, type ZoneConfig } from '../state/zone-config.js';
import { hostOrigPath } from '../state/zone-lifecycle.js';
import { effectiveState, tryZoneOpLock } from '../state/zone-runtime.js';
import { getopt } from './zone-getopt.js';

function main(ctx: SimContext): number {
  const prog = path.basename(ctx.name);
  const res = getopt(ctx.argv, 'u');
  const operands = ctx.argv.slice(res.optind);
  if (res.bad || operands.length !== 1) {
    ctx.err(`usage: ${prog} [-u] zonename\n`);
    return 2;
  }
  const zone = operands[0]!;
  const fail = (msg: string): number => {
    ctx.err(`${prog}: ${msg}\n`);
    return 1;
  };
  const state = effectiveState(ctx.env, zone);
  let config: ZoneConfig | null = null;
  try {
    config = state === undefined ? null : readZoneConfig(ctx.env, zone);
  } catch (err) {
    if (!(err instanceof InvalidZoneDocument)) throw err;
  }
  if (state === undefined || config === null) return fail(`zone '${zone}' does not exist.`);
  if (config.brand !== 'solaris8') return fail(`zone '${zone}' is not a solaris8 branded zone.`);
  if (state === 'configured' || state === 'incomplete') return fail(`zone '${zone}' must be installed (it is '${state}').`);
  if (state !== 'installed') return fail(`zone '${zone}' must be halted (it is '${state}').`);
  const root = path.join(hostPath(ctx.env, config.zonepath), 'root');
  if (!fs.existsSync(root)) {
    ctx.err(`${prog}: zone root ${config.zonepath}/root does not exist.\nPostprocessing failed.\n`);
    return 1;
  }
  const release = tryZoneOpLock(ctx.env, zone);
  if (!release) return fail(`zone '${zone}': another zoneadm may have an operation in progress.`);
  try {
    const host = readHostConfig(ctx.env);
    ctx.out(
      `${prog}: Updating the image to run within a zone\n` +
        `${prog}: Adapting the image to machine ${host.machine} (hostid ${host.hostid})\n` +
        `${prog}: Disabling network configuration not managed by the zone\n` +
        'Postprocessing successful.\n',
    );
    fs.writeFileSync(hostOrigPath(ctx.env, config.zonepath), host.hostid + '\n');
    return 0;
  } finally {
    release();
  }
}

export const s8P2v: SimCommand = (ctx) => main(ctx);
