// `npm run bench` (and `npm run bench:smoke`): runs the measurements in one process, one
// after the other, and writes results.json and results.md (bench/ by default). Full
// sizes are chosen so that the suite ends in about 10 minutes on 2 idle cores; --smoke
// shrinks every size so the suite only proves it runs and writes valid results (CI),
// into a temporary directory unless --out is given. Exits 1 if a measurement failed or
// the results do not have the expected shape; figures are never checked.
//   node dist/bench/run-bench.js [--smoke] [--only NAME[,NAME]] [--out DIR] [--scale-zones N] [--switchovers N]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { repoRoot } from '../test/solsim/src/repo-paths.js';
import { measureArchiveTransfer } from './archive-transfer.js';
import { closeAllLabs } from './bench-lab.js';
import { round } from './bench-stats.js';
import { measureFailoverRecovery, type FailoverRecovery } from './failover-recovery.js';
import { RESULT_SECTIONS, resultProblems, type BenchResults } from './results-shape.js';
import { resultsMarkdown, type OptimisationRecord } from './results-table.js';
import { measureScale } from './scale.js';
import { measureStoreThroughput } from './store-throughput.js';
import { measureSwitchoverOverhead } from './switchover-overhead.js';

function option(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

const FULL = {
  switchovers: 12,
  failoverTtlsMs: [2_000, 5_000, 15_000],
  archiveSizesMiB: [256, 1024],
  // The size (500 zones on 20 hosts) is more simulated processes than 2 cores
  // carry: 20 agents whose every zone read is a Node process starved each other past
  // their deadlines (load average 70, agents missing 10 s health checks) during the
  // site-wide failover. The suite runs 24 zones on 10 hosts, 4 runs at once, to end in
  // about 10 minutes (60 zones: 354 s for this section alone); --scale-zones N changes
  // the zones (the store section covers 10,000 leases).
  scale: { hostsPerSite: 5, zones: 24, renewWindowSeconds: 20, concurrency: 4 },
  store: { hosts: 200, zones: 10_000, renewalRounds: 5, grpcSeconds: 10, grpcConcurrency: 16 },
};
const SMOKE: typeof FULL = {
  switchovers: 2,
  failoverTtlsMs: [2_000],
  archiveSizesMiB: [4, 16],
  scale: { hostsPerSite: 2, zones: 8, renewWindowSeconds: 4, concurrency: 4 },
  store: { hosts: 10, zones: 200, renewalRounds: 3, grpcSeconds: 2, grpcConcurrency: 4 },
};

function machine(): BenchResults['machine'] {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: round(os.totalmem() / 1024 ** 3, 1),
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    loadAverageAtStart: os.loadavg().map((x) => round(x, 1)),
  };
}

function readOptimisations(): OptimisationRecord[] {
  const file = path.join(repoRoot(), 'bench', 'optimisations.json');
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as OptimisationRecord[]) : [];
}

export async function main(argv: string[]): Promise<number> {
  const smoke = argv.includes('--smoke');
  const only = option(argv, '--only')?.split(',');
  const scaleZones = option(argv, '--scale-zones');
  const sizes = { ...(smoke ? SMOKE : FULL) };
  if (scaleZones) sizes.scale = { ...sizes.scale, zones: Number(scaleZones) };
  const switchovers = option(argv, '--switchovers');
  if (switchovers) sizes.switchovers = Number(switchovers);
  const outDir = option(argv, '--out') ?? (smoke ? fs.mkdtempSync(path.join(os.tmpdir(), 'twinzone-bench-smoke-')) : path.join(repoRoot(), 'bench'));
  const log = (s: string) => process.stderr.write(s + '\n');
  const sections = RESULT_SECTIONS.filter((s) => !only || only.includes(s));
  const started = performance.now();
  const results: BenchResults = { version: 1, smoke, startedAt: new Date().toISOString(), durationSeconds: 0, machine: machine(), sizes };
  for (const section of sections) {
    const t = performance.now();
    log(`== ${section}`);
    switch (section) {
      case 'switchover':
        results.switchover = await measureSwitchoverOverhead(sizes.switchovers, log);
        break;
      case 'failover': {
        const failover: FailoverRecovery[] = [];
        for (const ttl of sizes.failoverTtlsMs) failover.push(await measureFailoverRecovery(ttl, log));
        results.failover = failover;
        break;
      }
      case 'archive':
        results.archive = await measureArchiveTransfer(sizes.archiveSizesMiB, log);
        break;
      case 'scale':
        results.scale = await measureScale(sizes.scale, log);
        break;
      case 'store':
        results.store = await measureStoreThroughput(sizes.store, log);
        break;
    }
    log(`   ${section} took ${round((performance.now() - t) / 1000, 1)} s`);
  }
  results.durationSeconds = round((performance.now() - started) / 1000, 1);
  results.machine.loadAverageAtEnd = os.loadavg().map((x) => round(x, 1));
  const problems = resultProblems(results, sections);
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'results.json'), JSON.stringify(results, null, 2) + '\n');
  fs.writeFileSync(path.join(outDir, 'results.md'), resultsMarkdown(results, readOptimisations()));
  log(`results in ${path.join(outDir, 'results.json')} and results.md (${results.durationSeconds} s)`);
  if (problems.length > 0) {
    log(`the results are not complete:\n  ${problems.join('\n  ')}`);
    return 1;
  }
  return 0;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`bench interrupted (${signal}); stopping its labs\n`);
    void closeAllLabs().finally(() => process.exit(130));
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  async (err) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    await closeAllLabs();
    process.exit(1);
  },
);
