// /usr/lib/brand/solaris8/s8_p2v: the solaris8 brand's conversion of a zone image for
// the host it is on, required before a migrated zone's first boot there (ref 4). PURE.
// The real tool is closed source; its chatter (patchadd lines, progress) is reported as
// warnings, and success is the p2v.ksh-style final line `Postprocessing successful.`
// (ref 4, after the open solaris10 brand's p2v; the simulator prints the same).
import type { Classified } from '../ops/command-errors.js';
import type { RunResult } from '../platform/command-runner.js';

export const S8P2V_SUCCESS_LINE = 'Postprocessing successful.';

export const s8p2vArgs = {
  /** `s8_p2v ZONE` (ref 0, 4). */
  convert: (zone: string): string[] => [zone],
};

export interface S8P2vReport {
  successful: boolean;
  /** Every other non-empty line, stdout first, in order. */
  warnings: string[];
}

export function parseS8P2vOutput(stdout: string, stderr = ''): S8P2vReport {
  const lines = `${stdout}\n${stderr}`
    .split('\n')
    .map((l) => l.replace(/\r$/, '').trimEnd())
    .filter((l) => l.trim() !== '');
  return {
    successful: lines.includes(S8P2V_SUCCESS_LINE),
    warnings: lines.filter((l) => l !== S8P2V_SUCCESS_LINE),
  };
}

/** Known refusals (simulator texts, UNVERIFIED per ref 4) mapped to domain codes. */
export function classifyS8P2vFailure(result: RunResult): Classified | null {
  const text = `${result.stderr}\n${result.stdout}`;
  const zone = result.record.argv.at(-1) ?? 'the zone';
  if (/another zoneadm may have an operation in progress/.test(text)) {
    return { code: 'ZONE_BUSY', message: `another zoneadm operation on ${zone} is in progress` };
  }
  if (/is not a solaris8 branded zone/.test(text)) {
    return { code: 'PRECONDITION_FAILED', message: `${zone} is not a solaris8 branded zone; s8_p2v does not apply` };
  }
  const state = /must be (installed|halted) \(it is '([^']+)'\)/.exec(text);
  if (state) return { code: 'ZONE_WRONG_STATE', message: `cannot convert ${zone}: it is ${state[2]} and must be ${state[1]}` };
  if (/zone root \S+ does not exist/.test(text)) {
    return { code: 'PRECONDITION_FAILED', message: `cannot convert ${zone}: its zone root is missing from the zonepath` };
  }
  if (/zone '[^']+' does not exist/.test(text)) return { code: 'ZONE_NOT_FOUND', message: `zone ${zone} is not configured on this host` };
  return null;
}
