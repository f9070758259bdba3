// Fault injection from SOLSIM_ROOT/faults.json, so tests break commands from outside
// the product code. A rule matches on the command name and its arguments.
//
// [
//   { "command": "zoneadm", "args": ["-z", "db01", "attach"], "action": "delay", "ms": 2000 },
//   { "command": "vxdg", "argsRegex": "import", "action": "fail", "exitCode": 1,
//     "stderr": "VxVM vxdg ERROR V-5-1-587 ...", "times": 1 },
//   { "command": "zoneadm", "args": ["halt"], "action": "hang" }
// ]
//
// "args" must all appear, in order, as a subsequence of argv; "argsRegex" is matched
// against the arguments joined by single spaces. "times" (default: every time) bounds
// how often a rule fires; the count is kept in faults.state.json beside the rules.
// "corrupt" runs the command and mangles what it printed on stdout (cut in the middle of
// a line, bytes flipped, or nothing at all), as a broken pipe or a damaged binary would:
// the caller's parser must fail clearly, never act on it.
// A delay is applied before the command acts, so the state changes after the delay.
import fs from 'node:fs';
import path from 'node:path';
import { readJson, writeJson } from './json-file.js';
import { withLock } from './locks.js';

export interface FaultRule {
  command: string;
  args?: string[];
  argsRegex?: string;
  action: 'fail' | 'delay' | 'hang' | 'corrupt';
  /** For corrupt: what happens to the command's real standard output. */
  corruption?: 'truncate' | 'garble' | 'empty';
  exitCode?: number;
  stderr?: string;
  stdout?: string;
  ms?: number;
  times?: number;
}

export type FaultOutcome =
  | { kind: 'none' }
  | { kind: 'fail'; exitCode: number; stderr: string; stdout: string }
  | { kind: 'delay'; ms: number }
  | { kind: 'hang' }
  | { kind: 'corrupt'; corruption: 'truncate' | 'garble' | 'empty' };

export function faultsPath(root: string): string {
  return path.join(root, 'faults.json');
}

function isSubsequence(needle: string[], haystack: string[]): boolean {
  let i = 0;
  for (const item of haystack) {
    if (i < needle.length && item === needle[i]) i += 1;
  }
  return i === needle.length;
}

export function ruleMatches(rule: FaultRule, command: string, argv: string[]): boolean {
  if (rule.command !== command) return false;
  if (rule.args && !isSubsequence(rule.args, argv)) return false;
  if (rule.argsRegex && !new RegExp(rule.argsRegex).test(argv.join(' '))) return false;
  return true;
}

/** Finds the first matching rule that still has shots left and counts its use. */
export function takeFault(root: string, command: string, argv: string[]): FaultOutcome {
  const file = faultsPath(root);
  if (!fs.existsSync(file)) return { kind: 'none' };
  return withLock(path.join(root, 'var', 'solsim-locks', 'faults.lock'), () => {
    const rules = readJson<FaultRule[]>(file, []);
    const stateFile = path.join(root, 'faults.state.json');
    const fired = readJson<Record<string, number>>(stateFile, {});
    for (const [index, rule] of rules.entries()) {
      if (!ruleMatches(rule, command, argv)) continue;
      const key = `${index}:${JSON.stringify(rule)}`;
      const count = fired[key] ?? 0;
      if (rule.times !== undefined && count >= rule.times) continue;
      fired[key] = count + 1;
      writeJson(stateFile, fired);
      switch (rule.action) {
        case 'fail':
          return {
            kind: 'fail',
            exitCode: rule.exitCode ?? 1,
            stderr: rule.stderr ?? '',
            stdout: rule.stdout ?? '',
          };
        case 'delay':
          return { kind: 'delay', ms: rule.ms ?? 1000 };
        case 'hang':
          return { kind: 'hang' };
        case 'corrupt':
          return { kind: 'corrupt', corruption: rule.corruption ?? 'garble' };
      }
    }
    return { kind: 'none' };
  });
}

/** The corrupted form of a command's standard output. */
export function corruptOutput(text: string, corruption: 'truncate' | 'garble' | 'empty'): string {
  switch (corruption) {
    case 'empty':
      return '';
    case 'truncate':
      // Half of it, ending inside a line.
      return text.slice(0, Math.max(1, Math.floor(text.length / 2) - 1));
    case 'garble':
      // Field separators and digits turned into noise, so no field parses as it should.
      return text.replace(/[:0-9]/g, (c) => (c === ':' ? ';' : String.fromCharCode(0x41 + Number(c)))).replace(/\n/g, ' \u0000\n');
  }
}
