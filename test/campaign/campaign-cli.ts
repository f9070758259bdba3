// `npm run campaign -- --runs N --seed S [--dir DIR] [--fault-rate P] [--out FILE]`:
// runs the fault campaign, writes the report (DIR/report.json and DIR/report.md), prints
// the markdown table, and exits 1 on any invariant violation, printing the seed, the
// operation history and the fault schedule and keeping the lab directory.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCampaign } from './campaign.js';
import { failureDump, reportMarkdown } from './report.js';

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: npm run campaign -- --runs N [--seed S] [--dir DIR] [--fault-rate 0..1] [--lease-ttl-ms MS]\n`);
  process.exit(2);
}

function parse(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 2) {
    const k = argv[i]!;
    if (!k.startsWith('--') || argv[i + 1] === undefined) usage(`bad argument ${k}`);
    out[k.slice(2)] = argv[i + 1]!;
  }
  return out;
}

function intArg(args: Record<string, string>, name: string, fallback: number): number {
  const v = args[name];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) usage(`--${name} must be a non-negative integer, not ${v}`);
  return n;
}

const args = parse(process.argv.slice(2));
const runs = intArg(args, 'runs', 20);
const seed = intArg(args, 'seed', Math.floor(Math.random() * 2 ** 31));
const faultRate = args['fault-rate'] === undefined ? 0.7 : Number(args['fault-rate']);
if (!(faultRate >= 0 && faultRate <= 1)) usage('--fault-rate must be between 0 and 1');
const dir = path.resolve(args.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), `twinzone-campaign-${seed}-`)));

// Interrupted (Ctrl-C, a CI timeout): runCampaign's cleanup stops the lab's daemons.
const controller = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => controller.abort());
const report = await runCampaign({ runs, seed, dir: path.join(dir, 'lab'), faultRate, leaseTtlMs: intArg(args, 'lease-ttl-ms', 10_000), signal: controller.signal, log: (l) => process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${l}\n`) });
fs.writeFileSync(path.join(dir, 'report.json'), JSON.stringify(report, null, 2) + '\n');
fs.writeFileSync(path.join(dir, 'report.md'), reportMarkdown(report));
process.stdout.write('\n' + reportMarkdown(report) + `\nreport: ${path.join(dir, 'report.json')}\n`);
if (report.violations.length > 0 || report.history.some((o) => o.converged === false)) {
  process.stdout.write(failureDump(report));
  process.exit(1);
}
fs.rmSync(path.join(dir, 'lab'), { recursive: true, force: true });
