// zlogin: argument vectors and the failure classifier. PURE.
// Solaris 10 has no `zoneadm shutdown`; the graceful stop is `zlogin Z shutdown -y -g0
// -i0` (ref 0, 1.1). zlogin joins the command words and runs them with the zone's shell,
// so callers pass words they have validated, never operator text.
import type { Classified } from '../ops/command-errors.js';
import type { RunResult } from '../platform/command-runner.js';

export const zloginArgs = {
  shutdown: (zone: string): string[] => [zone, 'shutdown', '-y', '-g0', '-i0'],
  command: (zone: string, argv: readonly string[]): string[] => {
    if (argv.length === 0) throw new Error('zloginArgs.command needs a command; without one zlogin opens an interactive shell');
    return [zone, ...argv];
  },
};

export function classifyZloginFailure(result: RunResult): Classified | null {
  const text = `${result.stderr}\n${result.stdout}`;
  const zone = result.record.argv[1] ?? 'the zone';
  const notRunning = /login allowed only to running zones(?: \(\S+ is '([^']+)'\))?/.exec(text);
  if (notRunning) {
    return { code: 'ZONE_WRONG_STATE', message: `cannot log in to ${zone}: it is ${notRunning[1] ?? 'not running'}` };
  }
  const cannotLogin = /cannot login to a zone which is '([^']+)'/.exec(text);
  if (cannotLogin) return { code: 'ZONE_WRONG_STATE', message: `cannot log in to ${zone}: it is ${cannotLogin[1]}` };
  if (/zone '[^']+' unknown|No such zone configured/.test(text)) return { code: 'ZONE_NOT_FOUND', message: `zone ${zone} is not configured on this host` };
  if (/another zoneadm may have an operation in progress/.test(text)) {
    return { code: 'ZONE_BUSY', message: `another zoneadm operation on ${zone} is in progress` };
  }
  return null;
}
