// A lab for measurements: test/lab's primitives (createLab, agents, coordinator), with
// the daemons at the log level production runs at (info: the lab's debug logging would
// be measured as overhead) unless a measurement reads a debug line, and with the
// inventory policy a measurement needs (lease TTL). The Control client is the CLI's.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Control } from '../coordinator/cli/control-client.js';
import { createLab, destroyLab } from '../test/lab/create-lab.js';
import { freeLoopbackPort } from '../test/lab/free-port.js';
import { LAB_OPERATOR, labCredentials } from '../test/lab/lab-tls.js';
import type { LabInventoryOptions } from '../test/lab/inventory.js';
import { startAgent, startCoordinator, writeAgentConfig, writeCoordinatorConfig, type StartedAgent, type StartedCoordinator } from '../test/lab/processes.js';
import { readLabConfig } from '../test/solsim/src/state/lab-config.js';

export interface BenchLabOptions {
  preset?: string;
  inventory?: LabInventoryOptions;
  agentLogLevel?: string;
  coordinatorLogLevel?: string;
  /** Agents started at once (a big lab starts them in parallel). */
  startConcurrency?: number;
}

export interface BenchLab {
  dir: string;
  agents: StartedAgent[];
  coordinator: StartedCoordinator;
  control: Control;
  close(): Promise<void>;
}

function patchJson(file: string, patch: Record<string, unknown>): void {
  fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(file, 'utf8')), ...patch }, null, 2) + '\n');
}

/** Labs not yet destroyed, so an interrupted bench stops its daemons and zones (closeAllLabs). */
const openLabs = new Set<string>();

export function benchTempDir(what: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `twinzone-bench-${what}-`));
  openLabs.add(dir);
  return dir;
}

/** Stops the lab's processes and removes it; TWINZONE_BENCH_KEEP=1 keeps its files (logs, store) to read after. */
export async function destroyBenchLab(dir: string): Promise<void> {
  if (process.env.TWINZONE_BENCH_KEEP === '1') {
    const { labAgentsDown, stopCoordinator } = await import('../test/lab/processes.js');
    await stopCoordinator(dir);
    await labAgentsDown(dir);
    process.stderr.write(`kept ${dir} (TWINZONE_BENCH_KEEP=1)\n`);
  } else {
    await destroyLab(dir);
  }
  openLabs.delete(dir);
}

export async function closeAllLabs(): Promise<void> {
  for (const dir of [...openLabs]) await destroyBenchLab(dir).catch(() => undefined);
}

/** Runs F over ITEMS with at most LIMIT at a time. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, f: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Starts agents (told the coordinator's address) and the coordinator on a lab already created in DIR. */
export async function upBenchLab(dir: string, o: BenchLabOptions = {}): Promise<BenchLab> {
  const address = `127.0.0.1:${await freeLoopbackPort()}`;
  const hosts = Object.keys(readLabConfig(dir).hosts);
  const agents = await mapLimit(hosts, o.startConcurrency ?? 1, async (host) => {
    // An idle twin host lists its zones as often as the holders run their checks (below):
    // at 2 s, 20 hosts' simulated zoneadm processes alone kept both cores busy.
    patchJson(writeAgentConfig(dir, host, { coordinator: address }), { logLevel: o.agentLogLevel ?? 'info', idleListingIntervalMs: o.inventory?.healthCheck?.intervalMs ?? 6000 });
    return startAgent(dir, host, { keepConfig: true, timeoutMs: 120_000 });
  });
  // Probes get 5 s: on a loaded shared machine one simulated zoneadm can take most of a second.
  const inventory = { ...o.inventory, healthCheck: { intervalMs: 6000, timeoutMs: 5000, ...o.inventory?.healthCheck } };
  patchJson(writeCoordinatorConfig(dir, { listen: address, inventory }), { logLevel: o.coordinatorLogLevel ?? 'info' });
  const coordinator = await startCoordinator(dir, { keepConfig: true, timeoutMs: 300_000 });
  // The lab operator's certificate: the lab runs mutual TLS (test/lab/lab-tls.ts).
  const control = new Control(coordinator.address, labCredentials(dir, LAB_OPERATOR, { role: 'coordinator' }));
  return {
    dir,
    agents,
    coordinator,
    control,
    close: async () => {
      control.close();
      await destroyBenchLab(dir);
    },
  };
}

export async function startBenchLab(what: string, o: BenchLabOptions = {}): Promise<BenchLab> {
  const dir = benchTempDir(what);
  try {
    await createLab(dir, o.preset ?? 'bc-dr');
    return await upBenchLab(dir, o);
  } catch (err) {
    await destroyBenchLab(dir);
    throw err;
  }
}
