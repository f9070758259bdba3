import { describe, expect, it } from 'vitest';
import { runResult, transcript } from '../../test/support/transcripts.js';
import type { RunResult } from '../platform/command-runner.js';
import { classifyS8P2vFailure, parseS8P2vOutput, s8p2vArgs } from './s8-p2v.js';

const failed = (stderr: string): RunResult => runResult(['/usr/lib/brand/solaris8/s8_p2v', 'db01'], 1, '', stderr);

describe('s8_p2v', () => {
  it('takes the zone name as its only operand', () => {
    expect(s8p2vArgs.convert('db01')).toEqual(['db01']);
  });

  it('reports success and keeps the chatter as warnings', () => {
    const report = parseS8P2vOutput(transcript('s8-p2v-success-lab.txt'));
    expect(report.successful).toBe(true);
    expect(report.warnings).toEqual([
      's8_p2v: Updating the image to run within a zone',
      's8_p2v: Adapting the image to machine sun4v (hostid 84a1b2c2)',
      's8_p2v: Disabling network configuration not managed by the zone',
    ]);
  });

  it('keeps patchadd chatter from stderr and sees a run without the success line as failed', () => {
    const report = parseS8P2vOutput('S20_apply_patches: Installing patch: 109147-44\n', 'Patch 109147-44 has already been applied.\nPostprocessing failed.\n');
    expect(report.successful).toBe(false);
    expect(report.warnings).toEqual(['S20_apply_patches: Installing patch: 109147-44', 'Patch 109147-44 has already been applied.', 'Postprocessing failed.']);
  });

  it.each([
    [transcript('s8-p2v-not-installed.txt'), 'ZONE_WRONG_STATE', 'it is configured and must be installed'],
    [transcript('s8-p2v-running.txt'), 'ZONE_WRONG_STATE', 'it is running and must be halted'],
    ["s8_p2v: zone 'db01' is not a solaris8 branded zone.\n", 'PRECONDITION_FAILED', 'not a solaris8'],
    ["s8_p2v: zone 'db01' does not exist.\n", 'ZONE_NOT_FOUND', 'not configured'],
    ['s8_p2v: zone root /zones/db01/root does not exist.\nPostprocessing failed.\n', 'PRECONDITION_FAILED', 'zone root is missing'],
    ["s8_p2v: zone 'db01': another zoneadm may have an operation in progress.\n", 'ZONE_BUSY', 'in progress'],
  ])('classifies %j', (stderr, code, message) => {
    const known = classifyS8P2vFailure(failed(stderr));
    expect(known?.code).toBe(code);
    expect(known?.message).toContain(message);
  });
});
