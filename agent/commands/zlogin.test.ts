import { describe, expect, it } from 'vitest';
import { runResult, transcript } from '../../test/support/transcripts.js';
import type { RunResult } from '../platform/command-runner.js';
import { classifyZloginFailure, zloginArgs } from './zlogin.js';

const failed = (args: string[], stderr: string): RunResult => runResult(['/usr/sbin/zlogin', ...args], 1, '', stderr);

describe('zlogin', () => {
  it('builds the graceful shutdown of ref 0 and plain commands', () => {
    expect(zloginArgs.shutdown('db01')).toEqual(['db01', 'shutdown', '-y', '-g0', '-i0']);
    expect(zloginArgs.command('db01', ['/usr/bin/uptime'])).toEqual(['db01', '/usr/bin/uptime']);
    expect(() => zloginArgs.command('db01', [])).toThrow(/interactive/);
  });

  it('classifies a zone that is not running', () => {
    const known = classifyZloginFailure(failed(['db01', 'ls'], transcript('zlogin-not-running.txt')));
    expect(known).toEqual({ code: 'ZONE_WRONG_STATE', message: 'cannot log in to db01: it is installed' });
  });

  it('classifies an unknown zone and a busy zone, and leaves the rest', () => {
    expect(classifyZloginFailure(failed(['zz9', 'ls'], "zlogin: zone 'zz9' unknown\n"))?.code).toBe('ZONE_NOT_FOUND');
    expect(classifyZloginFailure(failed(['db01', 'shutdown'], "zlogin: zone 'db01': another zoneadm may have an operation in progress.\n"))?.code).toBe('ZONE_BUSY');
    expect(classifyZloginFailure(failed(['db01', 'false'], ''))).toBeNull();
  });
});
