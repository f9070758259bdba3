// Fault rules the lab tests share (test/solsim faults.json), so each failure a test
// provokes reads the same as the real command's and is written once.
import type { FaultRule } from '../solsim/src/faults.js';

/** `zoneadm -z ZONE boot` fails on the host the rules are written for, as a real boot failure does. */
export function bootFails(zone: string): FaultRule {
  return { command: 'zoneadm', argsRegex: `^-z ${zone} boot`, action: 'fail', exitCode: 1, stderr: `zoneadm: zone ${zone}: simulated boot failure` };
}
