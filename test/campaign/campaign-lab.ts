// The campaign's lab: the `campaign` preset (dc1 hostA+hostB on a shared SAN, dc2 hostC
// with replicas; four twinned zones and web01 to migrate), one real agent per host and
// the coordinator, with a fault proxy (test/fault-proxy) in front of every daemon:
// the coordinator's inventory names each agent by its proxy (so coordinator→agent calls
// and agent→agent archive pulls, whose source address comes from the inventory, cross
// it), and every agent renews its leases through the coordinator's proxy. Daemons listen
// on fixed ports, so a killed one restarts behind the same proxy.
import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import type { ZonePolicy } from '../../coordinator/inventory/inventory-schema.js';
import { FaultProxy } from '../fault-proxy/fault-proxy.js';
import type { CliTarget } from './cli.js';
import { createLab, labHosts } from '../lab/create-lab.js';
import { freeLoopbackPort } from '../lab/free-port.js';
import { buildLabInventory, labInventoryPath } from '../lab/inventory.js';
import { registerPreset } from '../lab/presets/bc-dr.js';
import { campaignPreset } from '../lab/presets/campaign.js';
import { agentConfigPath, coordinatorDir, labAgentsDown, startAgent, startCoordinator, stopCoordinator, writeAgentConfig } from '../lab/processes.js';
import { stopLabAsync } from '../lab/create-lab.js';
import { readLabConfig } from '../solsim/src/state/lab-config.js';
import { LAB_COORDINATOR, labTlsDir } from '../lab/lab-tls.js';

/** The coordinator's proxy is keyed by this name; agents' proxies by host. */
export const COORDINATOR = 'coordinator';

export interface CampaignLab {
  dir: string;
  hosts: string[];
  proxies: Map<string, FaultProxy>;
  /** Where the CLI reaches the coordinator (directly: the CLI is the operator, not the fault domain). */
  coordinatorAddress: string;
  /** The CLI's target: that address and the lab's operator certificate. */
  cli: CliTarget;
  db: string;
  policy: Partial<ZonePolicy>;
}

export interface CampaignLabOptions {
  policy: Partial<ZonePolicy>;
  /** Agent command timeout: a hung command is killed after this. */
  commandTimeoutMs: number;
}

async function proxyOnFreePort(target: string): Promise<FaultProxy> {
  const proxy = new FaultProxy(target);
  await proxy.listen();
  return proxy;
}

export async function startCampaignLab(dir: string, opts: CampaignLabOptions): Promise<CampaignLab> {
  const proxies = new Map<string, FaultProxy>();
  try {
    return await startDaemons(dir, opts, proxies);
  } catch (err) {
    // Nothing half-started stays behind: the campaign fails with the lab kept for reading.
    await stopCampaignLab({ dir, hosts: [], proxies, coordinatorAddress: '', cli: { coordinator: '', lab: dir }, db: '', policy: opts.policy });
    throw err;
  }
}

async function startDaemons(dir: string, opts: CampaignLabOptions, proxies: Map<string, FaultProxy>): Promise<CampaignLab> {
  registerPreset(campaignPreset);
  await createLab(dir, campaignPreset.name);
  const hosts = labHosts(dir);
  const coordinatorListen = `127.0.0.1:${await freeLoopbackPort()}`;
  proxies.set(COORDINATOR, await proxyOnFreePort(coordinatorListen));

  for (const host of hosts) {
    const listen = `127.0.0.1:${await freeLoopbackPort()}`;
    const file = writeAgentConfig(dir, host, { coordinator: proxies.get(COORDINATOR)!.address, listen });
    const config = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    config.timeouts = { defaultMs: opts.commandTimeoutMs };
    // Info: the campaign reads agent logs only for lease tracking; debug lines cost CPU.
    config.logLevel = 'info';
    fs.writeFileSync(file, JSON.stringify(config, null, 2) + '\n');
    proxies.set(host, await proxyOnFreePort(listen));
    await startAgent(dir, host, { keepConfig: true });
  }

  // Probes get seconds, not the lab's 500 ms: on two shared cores a simulated zoneadm
  // alone can take longer, and a probe timing out there is load, not a sick zone.
  const inventory = buildLabInventory(dir, { policy: opts.policy, healthCheck: { intervalMs: 3_000, timeoutMs: 2_500, failureThreshold: 3 } });
  for (const h of inventory.hosts as { name: string; agent: string }[]) h.agent = proxies.get(h.name)!.address;
  const inventoryFile = labInventoryPath(dir);
  fs.writeFileSync(inventoryFile, `# twinzone inventory for the campaign lab ${dir}: agents behind fault proxies\n` + stringify(inventory));
  fs.mkdirSync(coordinatorDir(dir), { recursive: true });
  fs.writeFileSync(
    path.join(coordinatorDir(dir), 'coordinator.json'),
    JSON.stringify({ listen: coordinatorListen, inventory: inventoryFile, leases: { marginMs: 1_000, graceMs: 5_000 }, logLevel: 'info', tls: { dir: labTlsDir(dir), name: LAB_COORDINATOR } }, null, 2) + '\n',
  );
  const coordinator = await startCoordinator(dir, { keepConfig: true });
  return { dir, hosts, proxies, coordinatorAddress: coordinator.address, cli: { coordinator: coordinator.address, lab: dir }, db: coordinator.db, policy: opts.policy };
}

export function agentRunning(lab: CampaignLab, host: string): number | null {
  return readLabConfig(lab.dir).hosts[host]?.agent?.pid ?? null;
}

export function coordinatorPid(lab: CampaignLab): number | null {
  return readLabConfig(lab.dir).coordinator?.pid ?? null;
}

export async function restartAgent(lab: CampaignLab, host: string): Promise<void> {
  if (!fs.existsSync(agentConfigPath(lab.dir, host))) throw new Error(`no agent configuration for ${host}`);
  await startAgent(lab.dir, host, { keepConfig: true });
}

export async function restartCoordinator(lab: CampaignLab): Promise<void> {
  await startCoordinator(lab.dir, { keepConfig: true });
}

/** Stops every daemon, proxy and zone application of the lab (the directory stays). */
export async function stopCampaignLab(lab: CampaignLab): Promise<void> {
  for (const p of lab.proxies.values()) p.heal();
  await stopCoordinator(lab.dir).catch(() => undefined);
  await labAgentsDown(lab.dir).catch(() => undefined);
  await stopLabAsync(lab.dir).catch(() => undefined);
  for (const p of lab.proxies.values()) await p.close();
}
