import { describe, expect, it } from 'vitest';
import { runResult, transcript } from '../../test/support/transcripts.js';
import type { RunResult } from '../platform/command-runner.js';
import { classifyDfFailure, dfArgs, parseDfK } from './df.js';

const failed = (stderr: string, exitCode = 1): RunResult => runResult(['df'], exitCode, '', stderr);

describe('df -k', () => {
  it('builds -k and the operands', () => expect(dfArgs(['/zones', '/data'])).toEqual(['-k', '/zones', '/data']));

  it('parses the reference row with a long name in pipe form', () => {
    expect(parseDfK(transcript('df-k.reference.txt'))).toEqual([
      { filesystem: '/dev/md/zset1/dsk/d100', kbytes: 10327372, usedKb: 4123456, availKb: 6100643, capacityPercent: 40, mountedOn: '/zones/z1' },
    ]);
  });

  it('parses the lab output, one row per operand', () => {
    const rows = parseDfK(transcript('df-k.txt'));
    expect(rows.map((r) => r.mountedOn)).toEqual(['/zones', '/data/web01', '/export/zones']);
    expect(rows[1]).toMatchObject({ filesystem: '/dev/vx/dsk/webdg/datavol', capacityPercent: 22 });
  });

  it('parses the tty form, where a long name sits on its own line', () => {
    const rows = parseDfK(transcript('df-k-tty.reference.txt'));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ filesystem: '/dev/md/zset1/dsk/d100', kbytes: 10327372, mountedOn: '/zones/z1' });
    expect(rows[1]).toMatchObject({ filesystem: '/dev/dsk/c1t1d0s6', availKb: 83122556 });
  });

  it('rejects a name without figures', () => {
    expect(() => parseDfK('Filesystem kbytes used avail capacity Mounted on\n/dev/x\n')).toThrow(/without its figures/);
  });

  it('classifies a missing operand', () => {
    const body = transcript('df-k-bad-operand.txt');
    expect(classifyDfFailure(failed(body.split('\n')[0]!))).toMatchObject({ code: 'PRECONDITION_FAILED', message: expect.stringContaining('/nope') });
    expect(classifyDfFailure(failed('df: something else'))).toBeNull();
  });
});
