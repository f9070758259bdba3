// uname(1): the seven identity fields of a host. `uname -a` on Solaris prints exactly
// s n r v m p i in that order ("SunOS hostA 5.10 Generic_147147-26 sun4u sparc
// SUNW,Sun-Fire-V440"); asking for the seven flags explicitly prints the same line and
// also keeps the count at seven where -a drops unknown fields (GNU coreutils), so both
// parse the same way.
import { completeLines, quoteLine, unreadableOutput } from './command-output.js';

export interface UnameInfo {
  sysname: string;
  nodename: string;
  release: string;
  version: string;
  machine: string;
  processor: string;
  platform: string;
}

export const unameArgs = {
  all: (): string[] => ['-a'],
  /** The seven fields by name, in the order uname prints them whatever the flag order. */
  fields: (): string[] => ['-s', '-n', '-r', '-v', '-m', '-p', '-i'],
};

const FIELD_COUNT = 7;

/** The first line of `uname -a` (or `uname -s -n -r -v -m -p -i`). */
export function parseUname(stdout: string): UnameInfo {
  const line = completeLines('uname', stdout, { mayBeEmpty: false })[0]!;
  const words = line.trim().split(/\s+/);
  if (words.length < FIELD_COUNT) {
    throw unreadableOutput('uname', `${quoteLine(line)} is not the seven fields s n r v m p i`);
  }
  // Only the version may contain blanks (Linux "#1 SMP ..."); Solaris's never does.
  const [sysname, nodename, release] = words as [string, string, string];
  const [machine, processor, platform] = words.slice(-3) as [string, string, string];
  const version = words.slice(3, -3).join(' ');
  return { sysname, nodename, release, version, machine, processor, platform };
}
