// pax: argument vectors for writing and reading a zonepath archive, and the reading of
// its stderr. The flag sets come from the platform profile (Solaris xustar with -@ -/,
// Debian sv4cpio; reference 5.1, 5.2); every archive is of "." so that pax runs with the
// zonepath as its working directory and the archive holds relative names only.
import type { Classified, FailureClassifier } from '../ops/command-errors.js';
import type { RunResult } from '../platform/command-runner.js';
import type { PlatformProfile } from '../platform/platform-profile.js';

export const paxArgs = {
  /** Archive of the working directory (the zonepath) on stdout. */
  writeToStdout: (profile: PlatformProfile): string[] => [...profile.paxWriteArgs, '.'],
  /** Archive of the working directory into a file. */
  writeToFile: (profile: PlatformProfile, archivePath: string): string[] => [...profile.paxWriteArgs, '-f', archivePath, '.'],
  /** Extract an archive read from stdin into the working directory. */
  readFromStdin: (profile: PlatformProfile): string[] => [...profile.paxReadArgs],
  /** Extract an archive file into the working directory. */
  readFromFile: (profile: PlatformProfile, archivePath: string): string[] => [...profile.paxReadArgs, '-f', archivePath],
};

/**
 * The stderr lines that report a transient special file pax could not carry: sockets
 * (and, on Solaris, doors) that their daemon recreates on start. Only these may turn an
 * exit of 1 into success. FIFOs and device nodes are deliberately absent: a zone's /dev
 * must arrive whole, so losing one stays a failure.
 *
 * Sources: MirBSD pax as shipped by Debian (reference 5.2 and its node_creat/ustar
 * writers), texts seen on this machine. The Solaris pax texts are UNVERIFIED (its source
 * is closed, reference 5.1): until they are captured, a Solaris exit of 1 caused by a
 * socket surfaces as COMMAND_FAILED with pax's stderr, the safe direction.
 */
export const PAX_WARNING_PATTERNS: readonly RegExp[] = [
  // Reading: `pax: ./root/var/run/app.sock skipped. Sockets cannot be copied or extracted`
  /^pax: .+ skipped\. Sockets cannot be copied or extracted$/,
  // Writing tar/ustar: `pax: ustar cannot archive a socket ./root/var/run/app.sock`
  /^pax: [\w-]+ cannot archive a socket .+$/,
];

function stderrLines(stderr: string): string[] {
  return stderr
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== '');
}

/** The recognised warning lines of pax's stderr, in order. */
export function parsePaxWarnings(stderr: string): string[] {
  return stderrLines(stderr).filter((line) => PAX_WARNING_PATTERNS.some((re) => re.test(line)));
}

/**
 * Whether a finished pax counts as success, and with which warnings. Exit 0: success,
 * and whatever pax said on stderr is reported (it said it for the operator). Exit 1 with
 * only recognised warnings: pax skipped transient special files and carried the rest,
 * which is success with warnings. Anything else (other exits, a kill, unrecognised
 * lines) is a failure, returned as null.
 */
export function paxWarningsIfSucceeded(result: RunResult): string[] | null {
  if (result.timedOut || result.cancelled) return null;
  const lines = stderrLines(result.stderr);
  if (result.record.exitCode === 0) return lines;
  if (result.record.exitCode !== 1 || lines.length === 0) return null;
  const warnings = parsePaxWarnings(result.stderr);
  return warnings.length === lines.length ? warnings : null;
}

// "No space left on device" is strerror(ENOSPC) on Solaris and Linux; quota exhaustion
// reads "Disc quota exceeded" on Solaris and "Disk quota exceeded" on Linux. Writing an
// archive file, Debian's pax reports a short write without errno ("pax: WARNING: partial
// archive write. Archive MAY BE FLAWED", seen here on a full tmpfs); a regular file
// takes a short write only when its file system or quota is full.
const SPACE_TEXTS = /No space left on device|Dis[ck] quota exceeded|partial archive write/;

export const classifyPaxFailure: FailureClassifier = (result: RunResult): Classified | null => {
  if (SPACE_TEXTS.test(result.stderr)) {
    return { code: 'INSUFFICIENT_SPACE', message: 'pax ran out of space on the file system it was writing to' };
  }
  return null;
};
