// Measurement 3: streaming a zonepath between two agents (PullZonepath: the target
// agent pulls the source agent's pax stream over gRPC and extracts it as it arrives),
// compared in the same run, on the same tree, with (a) `pax -w | pax -r` through a local
// pipe (the practical limit of pax here) and (b) the seed's method: pax into an archive
// file, copy the file, extract it. The pax flags are the agent's own (platform-profile).
// Each size gets freshly started agents so their peak RSS (VmHWM) belongs to that size.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { detectPlatformProfile } from '../agent/platform/platform-profile.js';
import { AgentClient } from '../shared/gen/twinzone/v1/agent.js';
import { unaryCall } from '../shared/grpc/unary-call.js';
import { createLab, labEnv } from '../test/lab/create-lab.js';
import { startAgent, stopAgent } from '../test/lab/processes.js';
import { LAB_COORDINATOR, labCredentials, labIdentity } from '../test/lab/lab-tls.js';
import { tlsTargetOptions } from '../shared/grpc/tls-credentials.js';
import { signTransferGrant } from '../shared/tls/transfer-grant.js';
import { round } from './bench-stats.js';
import { benchTempDir, destroyBenchLab } from './bench-lab.js';
import { peakRssMiB } from './process-cpu.js';

const MiB = 1024 * 1024;

export interface ArchiveSizeResult {
  sizeMiB: number;
  files: number;
  agentSeconds: number;
  agentMiBps: number;
  sourceAgentPeakRssMiB: number;
  targetAgentPeakRssMiB: number;
}

export interface ArchiveTransferResult {
  sizes: ArchiveSizeResult[];
  /** On the largest tree. */
  pipeMiBps: number;
  seedMethodSeconds: number;
  /** Agent throughput over the local pipe's (goal ≥ 0.8). */
  agentOverPipe: number;
  /** Seed method time over the agent's (goal ≥ 2). */
  seedOverAgent: number;
}

/**
 * A zonepath of about SIZE bytes: a quarter in many small files (4–60 KiB, as a zone's
 * /usr and /etc), the rest in four large files (database files, packages).
 */
export function buildArchiveTree(zonepath: string, size: number): number {
  const root = path.join(zonepath, 'root');
  let files = 0;
  let small = Math.floor(size / 4);
  const block = crypto.randomBytes(64 * 1024);
  for (let dir = 0; small > 0; dir += 1) {
    const d = path.join(root, 'usr', `lib${dir}`);
    fs.mkdirSync(d, { recursive: true });
    for (let i = 0; i < 200 && small > 0; i += 1) {
      const n = Math.min(small, 4096 + ((i * 7919) % 15) * 4096);
      // Rotated copies of one random block: incompressible enough, cheap to make.
      fs.writeFileSync(path.join(d, `f${i}`), Buffer.concat([block.subarray(i % 1024, i % 1024 + n / 2), block.subarray(0, n - n / 2)]));
      small -= n;
      files += 1;
    }
  }
  const big = Math.floor((size - Math.floor(size / 4)) / 4);
  fs.mkdirSync(path.join(root, 'data'), { recursive: true });
  for (let i = 0; i < 4; i += 1) {
    const fd = fs.openSync(path.join(root, 'data', `big-${i}.dat`), 'w');
    for (let left = big; left > 0; left -= 4 * MiB) fs.writeSync(fd, crypto.randomBytes(Math.min(4 * MiB, left)));
    fs.closeSync(fd);
    files += 1;
  }
  return files;
}

function duBytes(dir: string): number {
  return Number(execFileSync('du', ['-sb', dir], { encoding: 'utf8' }).split('\t')[0]);
}

function timed(f: () => void): number {
  const t = performance.now();
  f();
  return (performance.now() - t) / 1000;
}

export async function measureArchiveTransfer(sizesMiB: number[], log: (s: string) => void): Promise<ArchiveTransferResult> {
  const dir = benchTempDir('archive');
  try {
    await createLab(dir, 'bc-dr');
    const profile = detectPlatformProfile();
    const sizes: ArchiveSizeResult[] = [];
    let pipeMiBps = Number.NaN;
    let seedMethodSeconds = Number.NaN;
    for (const [n, sizeMiB] of sizesMiB.entries()) {
      const zone = `bench${n}`;
      const src = path.join(labEnv(dir, 'hostA').root, 'zones', zone);
      fs.mkdirSync(src, { mode: 0o700 });
      const files = buildArchiveTree(src, sizeMiB * MiB);
      const bytes = duBytes(src);
      const [a, b] = [await startAgent(dir, 'hostA'), await startAgent(dir, 'hostB')];
      // As the coordinator, over mutual TLS like production (test/lab/lab-tls.ts).
      const clients = [a, b].map((x) => new AgentClient(x.address, labCredentials(dir, LAB_COORDINATOR, { role: 'agent', name: x.host }), tlsTargetOptions({ role: 'agent', name: x.host })));
      const grant = (op: string, sourcePath: string) =>
        signTransferGrant(labIdentity(dir, LAB_COORDINATOR), { sourceHost: 'hostA', targetHost: 'hostB', zone, zonepath: sourcePath, opId: `bench-${zone}-${op}`, epoch: 1 }, Date.now());
      const call = <R>(c: AgentClient, method: keyof AgentClient, req: unknown) => unaryCall<unknown, R>((c[method] as never as (...x: never[]) => unknown).bind(c) as never, req, { deadlineMs: 1_800_000 });
      const mutation = (op: string) => ({ opId: `bench-${zone}-${op}`, epoch: 1, dryRun: false, zone });
      try {
        await call(clients[1]!, 'prepareZonepath', { mutation: mutation('prepare'), zonepath: `/zones/${zone}`, zonesLofsSpecial: '', zonesLofsMountPoint: '', vfstab: [] });
        const t = performance.now();
        await call(clients[1]!, 'pullZonepath', { mutation: mutation('pull'), sourceAddress: a.address, sourceZonepath: `/zones/${zone}`, zonepath: `/zones/${zone}`, grant: grant('pull', `/zones/${zone}`) });
        const agentSeconds = (performance.now() - t) / 1000;
        sizes.push({
          sizeMiB,
          files,
          agentSeconds: round(agentSeconds),
          agentMiBps: round(bytes / MiB / agentSeconds, 1),
          sourceAgentPeakRssMiB: round(peakRssMiB(a.pid), 1),
          targetAgentPeakRssMiB: round(peakRssMiB(b.pid), 1),
        });
        log(`  ${sizeMiB} MiB (${files} files): agent ${round(bytes / MiB / agentSeconds, 1)} MiB/s`);
      } finally {
        for (const c of clients) c.close();
        await stopAgent(dir, 'hostA');
        await stopAgent(dir, 'hostB');
      }
      fs.rmSync(path.join(labEnv(dir, 'hostB').root, 'zones', zone), { recursive: true, force: true });
      if (n === sizesMiB.length - 1) {
        // (a) the same tree through a local pipe, with the agent's flags.
        const out = path.join(dir, 'pipe-copy');
        fs.mkdirSync(out);
        const pipeSeconds = timed(() =>
          execFileSync('bash', ['-c', `set -o pipefail; cd "$1" && pax ${profile.paxWriteArgs.join(' ')} . | (cd "$2" && pax ${profile.paxReadArgs.join(' ')})`, 'pipe', src, out], { stdio: 'ignore' }),
        );
        pipeMiBps = bytes / MiB / pipeSeconds;
        fs.rmSync(out, { recursive: true, force: true });
        // (b) the seed: archive file, copy it (scp in the field; cp here, no network cost), extract.
        const archive = path.join(dir, 'zone.pax');
        const copied = path.join(dir, 'copied.pax');
        const extracted = path.join(dir, 'seed-copy');
        fs.mkdirSync(extracted);
        seedMethodSeconds = timed(() => {
          execFileSync('pax', [...profile.paxWriteArgs.filter((x) => x !== '.'), '-f', archive, '.'], { cwd: src, stdio: 'ignore' });
          fs.copyFileSync(archive, copied);
          execFileSync('pax', [...profile.paxReadArgs, '-f', copied], { cwd: extracted, stdio: 'ignore' });
        });
        for (const p of [archive, copied, extracted]) fs.rmSync(p, { recursive: true, force: true });
        log(`  pipe ${round(pipeMiBps, 1)} MiB/s; seed method ${round(seedMethodSeconds)} s`);
      }
      fs.rmSync(src, { recursive: true, force: true });
    }
    const largest = sizes[sizes.length - 1]!;
    return {
      sizes,
      pipeMiBps: round(pipeMiBps, 1),
      seedMethodSeconds: round(seedMethodSeconds),
      agentOverPipe: round(largest.agentMiBps / pipeMiBps),
      seedOverAgent: round(seedMethodSeconds / largest.agentSeconds),
    };
  } finally {
    await destroyBenchLab(dir);
  }
}
