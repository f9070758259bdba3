// showrev(1M): the host summary, and with -p one line per installed patch in the exact
// layout scripts grep ("Patch: 119254-50 Obsoletes:  Requires:  Incompatibles:  Packages: SUNWcsu, SUNWcsr";
// an empty list leaves two spaces, as the real command does).
import type { SimCommand } from '../command.js';
import { readHostConfig, type PatchRecord } from '../state/host-config.js';

export function formatShowrevPatchLine(p: PatchRecord): string {
  const list = (items: string[] | undefined) => (items ?? []).join(', ');
  return (
    `Patch: ${p.id}-${p.rev} Obsoletes: ${list(p.obsoletes)} Requires: ${list(p.requires)} ` +
    `Incompatibles: ${list(p.incompatibles)} Packages: ${list(p.packages)}`
  );
}

export const showrev: SimCommand = (ctx) => {
  const host = readHostConfig(ctx.env);
  const args = [...ctx.argv];
  if (args.length === 0) {
    ctx.out(
      `Hostname: ${host.host}\nHostid: ${host.hostid}\nRelease: ${host.release}\n` +
        `Kernel architecture: ${host.machine}\nApplication architecture: sparc\n` +
        `Hardware provider: Sun_Microsystems\nDomain: \nKernel version: SunOS ${host.release} ${host.kernelVersion}\n`,
    );
    return 0;
  }
  if (args[0] === '-p' && args.length === 1) {
    if (host.patches.length === 0) {
      ctx.out('No patches are installed\n');
      return 0;
    }
    ctx.out(host.patches.map((p) => formatShowrevPatchLine(p) + '\n').join(''));
    return 0;
  }
  ctx.err('Usage: showrev [-a] [-p] [-w] [-c command] [-s hostname]\n');
  return 1;
};
