// After an operation and its faults: heal, restart what died, and wait until the lab is
// settled again — every daemon up on every powered host, every run in a final state,
// every zone live on at most one host, and a zone live nowhere either repaired (a
// restart on its holder while that host still renews the lease, else a failover to an
// installed twin in its site, as an operator would ask) or recorded as stopped with the
// reason. The time from the last heal to that point is what the report
// calls "time to converge".
import { processAlive } from '../solsim/src/app/app-control.js';
import { labEnv } from '../lab/create-lab.js';
import { isPoweredOff } from '../solsim/src/state/power.js';
import { runCaptured } from '../solsim/src/command.js';
import { commands } from '../solsim/src/commands/index.js';
import { agentRunning, coordinatorPid, restartAgent, restartCoordinator, type CampaignLab } from './campaign-lab.js';
import { runCli, type CliRun } from './cli.js';
import { liveHostsOf, readLeases, readRuns, viewHosts, type HostView } from './lab-view.js';
import { unfinishedRuns } from './invariants.js';

export interface ConvergeResult {
  converged: boolean;
  ms: number;
  /** Repairs asked for zones live nowhere (restarts and failovers), with their CLI results. */
  repairs: CliRun[];
  /** Zones left stopped, with the reason. */
  stopped: Map<string, string>;
  /** What was still wrong when the deadline passed. */
  problems: string[];
  restarts: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function restartDead(lab: CampaignLab, restarts: string[]): Promise<void> {
  const c = coordinatorPid(lab);
  if (c === null || !processAlive(c)) {
    try {
      await restartCoordinator(lab);
      restarts.push('coordinator');
    } catch (err) {
      restarts.push(`coordinator restart failed: ${(err as Error).message}`);
    }
  }
  for (const host of lab.hosts) {
    if (isPoweredOff(labEnv(lab.dir, host))) continue;
    const a = agentRunning(lab, host);
    if (a === null || !processAlive(a)) {
      try {
        await restartAgent(lab, host);
        restarts.push(`agent ${host}`);
      } catch (err) {
        restarts.push(`agent ${host} restart failed: ${(err as Error).message}`);
      }
    }
  }
}

/** A twin in the zone's site able to take it (installed or detached, host and agent up). */
function repairTarget(hosts: HostView[], zone: string, lastHolder: string | null): string | null {
  const siteOfHolder = hosts.find((h) => h.host === lastHolder)?.site;
  const ok = (h: HostView) => !h.poweredOff && ['installed', 'configured'].includes(h.zones.get(zone) ?? '');
  const sameSite = hosts.filter((h) => h.host !== lastHolder && h.site === siteOfHolder && ok(h));
  return sameSite[0]?.host ?? null;
}

export async function converge(
  lab: CampaignLab,
  opts: { timeoutMs: number; appRestarts: Map<string, number>; maxRepairs: number; cliTimeoutMs: number },
): Promise<ConvergeResult> {
  const started = Date.now();
  const repairs: CliRun[] = [];
  const restarts: string[] = [];
  const stopped = new Map<string, string>();
  const repairsOf = new Map<string, number>();
  let problems: string[] = [];
  while (Date.now() - started < opts.timeoutMs) {
    await restartDead(lab, restarts);
    problems = [];
    const runs = readRuns(lab);
    const open = unfinishedRuns(runs);
    if (open.length > 0) {
      problems.push(...open.map((r) => `run ${r.id} (${r.kind} ${r.zone}) is ${r.state}`));
      await sleep(500);
      continue;
    }
    const hosts = await viewHosts(lab);
    const zones = [...new Set(hosts.flatMap((h) => [...h.zones.keys()]))].sort();
    const leases = new Map(readLeases(lab).map((l) => [l.zone, l]));
    let acted = false;
    for (const zone of zones) {
      const live = liveHostsOf(hosts, zone);
      if (live.length > 1) {
        problems.push(`${zone} is live on ${live.join(' and ')}`);
        continue;
      }
      const lease = leases.get(zone);
      if (live.length === 1) {
        // An application killed by the nemesis: the zone is rebooted in place by its
        // host's administrator (nothing in twinzone restarts applications yet: issue 5).
        if (opts.appRestarts.has(zone)) {
          const env = labEnv(lab.dir, live[0]!);
          await runCaptured(commands.zoneadm!, env, 'zoneadm', ['-z', zone, 'reboot']);
          opts.appRestarts.delete(zone);
          acted = true;
          continue;
        }
        if (!lease || lease.holder !== live[0] || lease.state !== 'held') {
          problems.push(`${zone} runs on ${live[0]} but its lease is ${lease ? `${lease.state} by ${lease.holder}` : 'missing'}`);
        } else if (lease.renewed_at_ms === null) {
          // Not settled until the holder has renewed once: before that its agent may not
          // know it holds the zone, so nothing self-fences it and a failover rightly waits
          // for an operator's confirm-down (lease-rules: never-renewed).
          problems.push(`${zone}'s lease on ${live[0]} (epoch ${lease.epoch}) has not been renewed yet`);
        }
        continue;
      }
      opts.appRestarts.delete(zone);
      if (stopped.has(zone)) continue;
      const holder = lease?.holder ?? null;
      const tries = repairsOf.get(zone) ?? 0;
      // Its holder is up and still renews the lease (a move abandoned by a failed
      // rollback): a failover would wait for a lease that never expires. The README's
      // answer to rollback_failed: restart it on the holder.
      const holderView = hosts.find((h) => h.host === holder);
      if (lease && holder && lease.state === 'held' && holderView && !holderView.poweredOff && (lease.expires_at_ms ?? 0) > Date.now() && tries < opts.maxRepairs) {
        repairsOf.set(zone, tries + 1);
        repairs.push(await runCli(lab.cli, ['restart', zone], opts.cliTimeoutMs));
        acted = true;
        continue;
      }
      const target = repairTarget(hosts, zone, holder);
      if (!target || tries >= opts.maxRepairs) {
        stopped.set(zone, target ? `${tries} repair failover(s) of ${zone} failed; last holder ${holder}` : `no twin of ${zone} in the site of ${holder} can take it (installed or detached on a host that is up)`);
        continue;
      }
      repairsOf.set(zone, tries + 1);
      repairs.push(await runCli(lab.cli, ['failover', zone, '--to', target], opts.cliTimeoutMs));
      acted = true;
    }
    if (acted) continue;
    if (problems.length === 0) return { converged: true, ms: Date.now() - started, repairs, stopped, problems, restarts };
    await sleep(500);
  }
  return { converged: false, ms: Date.now() - started, repairs, stopped, problems, restarts };
}
