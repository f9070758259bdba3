import { describe, expect, it } from 'vitest';
import { makeRecord, type RunResult } from '../platform/command-runner.js';
import { platformProfileFor } from '../platform/platform-profile.js';
import { classifyPaxFailure, parsePaxWarnings, paxArgs, paxWarningsIfSucceeded } from './pax.js';

function result(exitCode: number, stderr: string, extra: Partial<RunResult> = {}): RunResult {
  return { record: makeRecord(['/usr/bin/pax'], exitCode, '', stderr, 0, 1), stdout: '', stderr, timedOut: false, cancelled: false, ...extra };
}

// Texts printed by Debian's pax (MirBSD, 1:20201030-1) on this machine, reference 5.2.
const SOCKET_SKIPPED = 'pax: ./root/var/run/app.sock skipped. Sockets cannot be copied or extracted';
const USTAR_SOCKET = 'pax: ustar cannot archive a socket ./root/var/run/app.sock';
const TAR_FIFO = 'pax: tar cannot archive a FIFO ./root/var/spool/app.fifo';
const ENOSPC = 'pax: Failed write to file ./root/opt/big.dat: No space left on device';

describe('paxArgs', () => {
  it('builds the flag sets from the platform profile, archiving "." of the working directory', () => {
    for (const os of ['sunos', 'linux']) {
      const profile = platformProfileFor(os);
      expect(paxArgs.writeToStdout(profile)).toEqual([...profile.paxWriteArgs, '.']);
      expect(paxArgs.writeToFile(profile, '/var/tmp/web01.pax')).toEqual([...profile.paxWriteArgs, '-f', '/var/tmp/web01.pax', '.']);
      expect(paxArgs.readFromStdin(profile)).toEqual(profile.paxReadArgs);
      expect(paxArgs.readFromFile(profile, '/var/tmp/web01.pax')).toEqual([...profile.paxReadArgs, '-f', '/var/tmp/web01.pax']);
    }
  });

  it('gives Solaris xustar with extended attributes and Debian sv4cpio without -p on writes', () => {
    expect(paxArgs.writeToStdout(platformProfileFor('sunos'))).toEqual(['-w', '-@', '-/', '-x', 'xustar', '.']);
    expect(paxArgs.writeToStdout(platformProfileFor('linux'))).toEqual(['-w', '-x', 'sv4cpio', '.']);
    expect(paxArgs.writeToStdout(platformProfileFor('linux'))).not.toContain('-p');
  });

  it('returns a fresh array each time, so callers cannot alter the profile', () => {
    const profile = platformProfileFor('linux');
    paxArgs.readFromStdin(profile).push('-v');
    expect(profile.paxReadArgs).toEqual(['-r', '-p', 'e']);
  });
});

describe('parsePaxWarnings', () => {
  it('keeps the socket lines of both the reading and the writing side', () => {
    const stderr = `${SOCKET_SKIPPED}\n${USTAR_SOCKET}\n`;
    expect(parsePaxWarnings(stderr)).toEqual([SOCKET_SKIPPED, USTAR_SOCKET]);
  });

  it('does not count lost FIFOs, device nodes or write failures as warnings', () => {
    expect(parsePaxWarnings(`${TAR_FIFO}\npax: tar cannot archive a character device ./root/dev/null\n${ENOSPC}\n`)).toEqual([]);
  });

  it('ignores blank lines and returns nothing for empty stderr', () => {
    expect(parsePaxWarnings('')).toEqual([]);
    expect(parsePaxWarnings(`\n\n${SOCKET_SKIPPED}\n\n`)).toEqual([SOCKET_SKIPPED]);
  });
});

describe('paxWarningsIfSucceeded', () => {
  it('exit 0 is success and reports whatever pax said', () => {
    expect(paxWarningsIfSucceeded(result(0, ''))).toEqual([]);
    expect(paxWarningsIfSucceeded(result(0, `${SOCKET_SKIPPED}\n`))).toEqual([SOCKET_SKIPPED]);
    expect(paxWarningsIfSucceeded(result(0, 'pax: something unexpected\n'))).toEqual(['pax: something unexpected']);
  });

  it('exit 1 with only recognised warnings is success with warnings', () => {
    expect(paxWarningsIfSucceeded(result(1, `${USTAR_SOCKET}\n`))).toEqual([USTAR_SOCKET]);
  });

  it('exit 1 with any other line, with no stderr, or any other exit is a failure', () => {
    expect(paxWarningsIfSucceeded(result(1, `${USTAR_SOCKET}\n${TAR_FIFO}\n`))).toBeNull();
    expect(paxWarningsIfSucceeded(result(1, `${ENOSPC}\n`))).toBeNull();
    expect(paxWarningsIfSucceeded(result(1, ''))).toBeNull();
    expect(paxWarningsIfSucceeded(result(2, `${SOCKET_SKIPPED}\n`))).toBeNull();
  });

  it('a timed-out or cancelled pax is a failure whatever it printed', () => {
    expect(paxWarningsIfSucceeded(result(-1, '', { timedOut: true }))).toBeNull();
    expect(paxWarningsIfSucceeded(result(0, '', { cancelled: true }))).toBeNull();
  });
});

describe('classifyPaxFailure', () => {
  it('maps a full or over-quota file system to INSUFFICIENT_SPACE', () => {
    expect(classifyPaxFailure(result(1, `${ENOSPC}\n`))?.code).toBe('INSUFFICIENT_SPACE');
    expect(classifyPaxFailure(result(1, 'pax: ./x: Disc quota exceeded\n'))?.code).toBe('INSUFFICIENT_SPACE');
    const shortWrite = 'pax: WARNING: partial archive write. Archive MAY BE FLAWED\npax: Unable to write sv4cpio header for (null)\n';
    expect(classifyPaxFailure(result(1, shortWrite))?.code).toBe('INSUFFICIENT_SPACE');
  });

  it('leaves anything else to COMMAND_FAILED', () => {
    expect(classifyPaxFailure(result(1, 'pax: Cannot identify format. Searching...\n'))).toBeNull();
  });
});
