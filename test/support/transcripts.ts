// Command transcripts (test/support/fixtures/transcripts) and canned command results for
// unit tests of the agent's command parsers and ops.
import fs from 'node:fs';
import { makeRecord, type RunResult } from '../../agent/platform/command-runner.js';

/** A transcript without its first line (the note of where it came from). */
export function transcript(name: string): string {
  return fs.readFileSync(new URL(`./fixtures/transcripts/${name}`, import.meta.url), 'utf8').split('\n').slice(1).join('\n');
}

/** The result of a command run with ARGV that exited with EXITCODE. */
export function runResult(argv: string[], exitCode: number, stdout: string, stderr: string): RunResult {
  return { record: makeRecord(argv, exitCode, stdout, stderr, 0, 1), stdout, stderr, timedOut: false, cancelled: false };
}

/** A failed run of some command (argv "cmd"), for the failure classifiers. */
export function failed(stderr: string, exitCode = 1, stdout = ''): RunResult {
  return runResult(['cmd'], exitCode, stdout, stderr);
}
