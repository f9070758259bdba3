// uname(1) as on Solaris 10: flags select fields that always print in the order
// s n r v m p i, separated by single spaces; no flag means -s.
import type { SimCommand } from '../command.js';
import { readHostConfig } from '../state/host-config.js';

const USAGE = 'usage:\tuname [-snrvmapiX]\n\tuname [-S system_name]\n';

export const uname: SimCommand = (ctx) => {
  const host = readHostConfig(ctx.env);
  const fields: Record<string, string> = {
    s: 'SunOS',
    n: host.host,
    r: host.release,
    v: host.kernelVersion,
    m: host.machine,
    p: 'sparc',
    i: host.platform,
  };
  const wanted = new Set<string>();
  let extended = false;
  for (const arg of ctx.argv) {
    if (!arg.startsWith('-') || arg === '-') {
      ctx.err(USAGE);
      return 1;
    }
    for (const flag of arg.slice(1)) {
      if (flag === 'a') 'snrvmpi'.split('').forEach((f) => wanted.add(f));
      else if (flag === 'X') extended = true;
      else if (flag in fields) wanted.add(flag);
      else {
        ctx.err(`uname: illegal option -- ${flag}\n${USAGE}`);
        return 1;
      }
    }
  }
  if (extended) {
    ctx.out(
      `System = SunOS\nNode = ${host.host}\nRelease = ${host.release}\nKernelID = ${host.kernelVersion}\n` +
        `Machine = ${host.machine}\nBusType = <unknown>\nSerial = <unknown>\nUsers = <unknown>\n` +
        `OEM# = 0\nOrigin# = 1\nNumCPU = 4\n`,
    );
    return 0;
  }
  if (wanted.size === 0) wanted.add('s');
  ctx.out('snrvmpi'.split('').filter((f) => wanted.has(f)).map((f) => fields[f]).join(' ') + '\n');
  return 0;
};
