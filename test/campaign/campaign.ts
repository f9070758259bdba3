// The fault campaign (issue 6): a lab with agents, coordinator and zone applications;
// N operations chosen by a seeded generator, each with faults from the nemesis at random
// moments; after each, heal, converge and check the invariants over the whole history.
// The seed reproduces the operation history and the fault schedule; a failing campaign
// keeps its lab directory.
import fs from 'node:fs';
import path from 'node:path';
import { labEnv } from '../lab/create-lab.js';
import { bootHost, crashHost, loseSite } from '../lab/host-power.js';
import { readObserverLog } from '../solsim/src/observer.js';
import { readLabConfig } from '../solsim/src/state/lab-config.js';
import { isPoweredOff } from '../solsim/src/state/power.js';
import { listRdfGroups } from '../solsim/src/state/replication.js';
import { restoreReplicationLink } from '../solsim/src/state/san-setup.js';
import { datasetDir, volumeDir } from '../solsim/src/state/san.js';
import { CAMPAIGN_ZFS_ZONES, campaignPreset } from '../lab/presets/campaign.js';
import { agentRunning, startCampaignLab, stopCampaignLab, type CampaignLab } from './campaign-lab.js';
import { runCli, type CliRun } from './cli.js';
import { converge } from './converge.js';
import { epochViolations, labViolations, staleRefusals, unfinishedRuns, type CampaignViolation } from './invariants.js';
import { liveHostsOf, readRuns, readSteps, viewHosts } from './lab-view.js';
import { Nemesis, planFaults, type InjectedFault } from './nemesis.js';
import { chooseOperation, type PlannedOp } from './operations.js';
import { Rng } from './prng.js';
import { buildReport, type CampaignReport, type OpRecord } from './report.js';

export interface CampaignOptions {
  runs: number;
  seed: number;
  dir: string;
  /** Probability that an operation gets faults. */
  faultRate: number;
  leaseTtlMs: number;
  log: (line: string) => void;
  /** Aborted: the campaign stops after the current operation and cleans up. */
  signal?: AbortSignal;
}

const CLI_TIMEOUT_MS = 240_000;
const CONVERGE_TIMEOUT_MS = 240_000;
const CAMPAIGN_MARGIN_MS = 5_000;

export async function runCampaign(o: CampaignOptions): Promise<CampaignReport> {
  const rng = new Rng(o.seed);
  const started = Date.now();
  fs.mkdirSync(o.dir, { recursive: true });
  o.log(`campaign seed ${o.seed}, ${o.runs} operation(s), lab ${o.dir}`);
  const lab = await startCampaignLab(o.dir, {
    // The product's default margin: a host's six zones fenced at once by the watchdog take
    // about 4 s of two loaded cores in the simulator (a Node.js process per command), more
    // than the watchdog's lead on the expiry plus the 1 s the campaign used to give.
    policy: { leaseTtlMs: o.leaseTtlMs, safetyMarginMs: CAMPAIGN_MARGIN_MS, leaseLossPolicy: 'halt' },
    commandTimeoutMs: 8_000,
  });
  const nemesis = new Nemesis(lab);
  const ops: OpRecord[] = [];
  const violations: CampaignViolation[] = [];
  const previousHost = new Map<string, string>();
  let disasterDone = false;
  const stoppedZones = new Map<string, string>();
  let rpo: { zone: string; reported: number; actual: number }[] = [];
  try {
    await acceptAllDeltas(lab, o.log);
    await converge(lab, { timeoutMs: CONVERGE_TIMEOUT_MS, appRestarts: nemesis.killedApps, maxRepairs: 0, cliTimeoutMs: CLI_TIMEOUT_MS });
    for (let i = 0; i < o.runs; i++) {
      if (o.signal?.aborted) {
        o.log(`interrupted after ${i} operation(s)`);
        break;
      }
      const hosts = await viewHosts(lab);
      const upHosts = new Set(lab.hosts.filter((h) => !isPoweredOff(labEnv(lab.dir, h)) && agentRunning(lab, h) !== null));
      const op = chooseOperation(rng, { hosts, previousHost, upHosts, zfsZones: CAMPAIGN_ZFS_ZONES, disasterAllowed: !disasterDone && i >= Math.floor(o.runs * 0.75) });
      if (!op) {
        o.log(`#${i} nothing applies (every zone down?); stopping early`);
        break;
      }
      const faults: InjectedFault[] = planFaults(rng, op, lab, o.faultRate);
      const record = await runOperation(lab, nemesis, i, op, faults, o.log);
      if (op.kind === 'disaster-failover') {
        disasterDone = true;
        rpo = rpo.concat(record.rpo ?? []);
      }
      const operationEndedAtMs = Date.now();
      const conv = await converge(lab, { timeoutMs: CONVERGE_TIMEOUT_MS, appRestarts: nemesis.killedApps, maxRepairs: 2, cliTimeoutMs: CLI_TIMEOUT_MS });
      record.convergeMs = conv.ms;
      record.converged = conv.converged;
      record.repairs = conv.repairs.map((r) => ({ args: r.args, code: r.code }));
      record.restarts = conv.restarts;
      for (const [z, why] of conv.stopped) stoppedZones.set(z, why);
      // Completed: every zone the operation moved has a succeeded run since it started.
      const runs = readRuns(lab).filter((r) => r.created_at_ms >= record.startedAtMs && op.zones.includes(r.zone));
      record.runs = runs.map((r) => ({ id: r.id, kind: r.kind, zone: r.zone, state: r.state, reason: r.final_reason ?? '' }));
      // The campaign's own repairs (restarts, failovers while converging) do not count.
      record.completed = op.zones.every((z) => runs.some((r) => r.zone === z && r.state === 'succeeded' && r.created_at_ms < operationEndedAtMs));
      if (record.completed && op.source) for (const z of op.zones) previousHost.set(z, op.source);
      ops.push(record);
      const found = checkAll(lab, i, conv.problems, conv.converged);
      violations.push(...found.filter((v) => !violations.some((w) => w.message === v.message)));
      o.log(
        `#${i} ${op.kind} ${op.zones.join(',')} ${record.completed ? 'completed' : 'not completed'}; faults: ${faults.map((f) => `${f.kind}@${f.target || 'coordinator'}${f.skipped ? '(skipped)' : ''}`).join(' ') || 'none'}; converged in ${conv.ms} ms${conv.converged ? '' : ' (NOT converged: ' + conv.problems.join('; ') + ')'}${found.length ? `; ${found.length} violation(s)` : ''}`,
      );
      if (!conv.converged) break;
    }
    // The end state: every zone live on exactly one host, or stopped with a reason.
    const hosts = await viewHosts(lab);
    const zones = [...new Set(hosts.flatMap((h) => [...h.zones.keys()]))].sort();
    for (const z of zones) {
      const live = liveHostsOf(hosts, z);
      if (live.length === 1) stoppedZones.delete(z);
      if (live.length > 1) violations.push({ invariant: 'placement', message: `${z} ends live on ${live.join(', ')}`, afterOp: ops.length });
      if (live.length === 0 && !stoppedZones.has(z)) violations.push({ invariant: 'placement', message: `${z} ends stopped with no recorded reason`, afterOp: ops.length });
    }
    for (const r of rpo) {
      if (r.actual !== r.reported) violations.push({ invariant: 'I5', message: `${r.zone}: disaster failover lost ${r.actual} record(s), replication reported ${r.reported}`, afterOp: ops.length });
    }
    const finalHosts = Object.fromEntries(zones.map((z) => [z, liveHostsOf(hosts, z)[0] ?? `stopped: ${stoppedZones.get(z) ?? '?'}`]));
    const report = buildReport({ seed: o.seed, runs: o.runs, ops, violations, lab, durationMs: Date.now() - started, finalHosts, rpo, staleRefusals: staleRefusals(readSteps(lab)), records: countRecords(lab, zones) });
    return report;
  } finally {
    nemesis.healAll();
    await stopCampaignLab(lab);
  }
}

function checkAll(lab: CampaignLab, afterOp: number, problems: string[], converged: boolean): CampaignViolation[] {
  const found: CampaignViolation[] = [];
  for (const m of labViolations(lab.dir)) found.push({ invariant: m.slice(0, 2) as 'I1' | 'I2' | 'I5', message: m, afterOp });
  for (const m of epochViolations(readSteps(lab))) found.push({ invariant: 'I3', message: m, afterOp });
  if (!converged) {
    for (const r of unfinishedRuns(readRuns(lab))) found.push({ invariant: 'I4', message: `run ${r.id} (${r.kind} ${r.zone}) left ${r.state}`, afterOp });
    for (const p of problems.filter((p) => p.includes(' is live on '))) found.push({ invariant: 'I1', message: p, afterOp });
  }
  return found;
}

/**
 * Operators accept the known patch and package deltas between every pair of twins up
 * front (the campaign is about faults, not about the delta review the demo shows).
 */
async function acceptAllDeltas(lab: CampaignLab, log: (l: string) => void): Promise<void> {
  const hosts = await viewHosts(lab);
  const zones = [...new Set(hosts.flatMap((h) => [...h.zones.keys()]))];
  for (const z of zones) {
    for (const from of lab.hosts) {
      for (const to of lab.hosts) {
        // A zone not yet on a host has no deltas there until a migration meets them.
        if (from === to || !hosts.every((h) => (h.host !== from && h.host !== to) || h.zones.has(z))) continue;
        const r = await runCli(lab.cli, ['deltas', 'accept', z, '--from', from, '--to', to, '--all', '--json'], 60_000);
        if (r.code !== 0) log(`deltas accept ${z} ${from}->${to}: exit ${r.code} ${r.output.trim().split('\n')[0]}`);
      }
    }
  }
}

async function runOperation(lab: CampaignLab, nemesis: Nemesis, index: number, op: PlannedOp, faults: InjectedFault[], log: (l: string) => void): Promise<OpRecord> {
  const startedAtMs = Date.now();
  const record: OpRecord = { index, kind: op.kind, zones: op.zones, commands: op.commands, down: op.down, faults, startedAtMs, cli: [], completed: false };
  const timers: NodeJS.Timeout[] = [];
  const schedule = (f: InjectedFault) => {
    timers.push(setTimeout(() => nemesis.inject(f), f.atMs));
    if (f.durationMs > 0) timers.push(setTimeout(() => nemesis.heal(f), f.atMs + f.durationMs));
  };
  // Immediate faults (command rules, the full disk) are in place before the first command.
  for (const f of faults.filter((f) => !f.trigger && f.atMs === 0 && f.durationMs === 0)) nemesis.inject(f);
  let r1Last = new Map<string, number>();
  if (op.down?.site) {
    const lost = loseSite(lab.dir, op.down.site);
    log(`#${index} site ${op.down.site} lost: ${lost.crashed.join(', ')} down, links ${lost.linksCut.join(', ')} cut`);
    r1Last = readR1LastRecords(lab, op.zones, op.down.site);
    record.cli.push(await runCli(lab.cli, ['declare-disaster', '--site', op.down.site], CLI_TIMEOUT_MS));
  } else if (op.down?.host) {
    if (op.down.how === 'crash') crashHost(labEnv(lab.dir, op.down.host));
    else {
      const pid = agentRunning(lab, op.down.host);
      if (pid) process.kill(pid, 'SIGKILL');
    }
  }
  for (const f of faults.filter((f) => !f.trigger && !(f.atMs === 0 && f.durationMs === 0))) schedule(f);
  const triggered = new Set<InjectedFault>();
  const onOutput = (all: string) => {
    for (const f of faults) {
      if (f.trigger && !triggered.has(f) && all.includes(f.trigger)) {
        triggered.add(f);
        schedule(f);
      }
    }
  };
  const results = await Promise.all(
    op.commands.map(async (c) => {
      const first = await runCli(lab.cli, c, CLI_TIMEOUT_MS, onOutput);
      // A first-time migration stops on the deltas between hosts that never shared the
      // zone: the operator reviews and accepts them, and asks for the same run again.
      // Exit 3: refused for safety until the deltas are accepted (README "Operations").
      if (first.code !== 3 || !/attach stopped: \d+ software deltas/.test(first.output) || !op.source || !op.target) return [first];
      const accept = await runCli(lab.cli, ['deltas', 'accept', op.zones[0]!, '--from', op.source, '--to', op.target, '--all'], CLI_TIMEOUT_MS);
      return [first, accept, await runCli(lab.cli, c, CLI_TIMEOUT_MS, onOutput)];
    }),
  );
  record.cli.push(...results.flat());
  for (const t of timers) clearTimeout(t);
  for (const f of faults) {
    if (f.trigger && !triggered.has(f)) f.skipped = `"${f.trigger}" never appeared`;
    if (!f.injectedAtMs && !f.skipped) f.skipped = 'the operation ended first';
  }
  nemesis.healAll();
  for (const f of faults) if (f.injectedAtMs && !f.healedAtMs) f.healedAtMs = Date.now();
  // The cause is healed too: power back on, replication links restored.
  if (op.down?.site) {
    record.rpo = disasterLosses(lab, op.zones, r1Last, startedAtMs);
    for (const host of readLabConfig(lab.dir).sites[op.down.site]!.hosts) bootIfDown(lab, host);
    for (const g of listRdfGroups(lab.dir).filter((g) => g.linkDownAt)) restoreReplicationLink(lab.dir, g.name);
  } else if (op.down?.host && op.down.how === 'crash') {
    bootIfDown(lab, op.down.host);
  }
  record.healedAtMs = Date.now();
  return record;
}

/** A zone's data disk group (web01 keeps bc-dr's webdg; the pairs have ZONEdg). */
function groupOf(zone: string): string {
  return campaignPreset.zones.find((z) => z.name === zone)?.dataGroup ?? `${zone}dg`;
}

/** Where a site's copy of a zone's data lies: a Veritas volume, or (app04) a ZFS dataset. */
function dataDirOf(lab: CampaignLab, site: string, zone: string): string {
  const z = campaignPreset.zones.find((p) => p.name === zone);
  if (z?.dataKind === 'zpool') return datasetDir(lab.dir, site, z.dataGroup, z.dataVolume);
  return volumeDir(lab.dir, site, groupOf(zone), 'datavol');
}

function bootIfDown(lab: CampaignLab, host: string): void {
  const env = labEnv(lab.dir, host);
  if (isPoweredOff(env)) bootHost(env);
}

/** The sequence number of a record file's last line (zone-app.ts runs on import, so not from there). */
function recordsIn(file: string): number {
  if (!fs.existsSync(file)) return 0;
  const last = fs.readFileSync(file, 'utf8').trimEnd().split('\n').at(-1) ?? '';
  const seq = Number(last.split(' ')[0]);
  return Number.isInteger(seq) ? seq : 0;
}

/** The last record each zone's application wrote on the lost site's copy (R1). */
function readR1LastRecords(lab: CampaignLab, zones: string[], site: string): Map<string, number> {
  return new Map(zones.map((z) => [z, recordsIn(path.join(dataDirOf(lab, site, z), 'records.log'))]));
}

/** Reported (symrdf failover) and actual (R1's last record minus where the DR twin resumed) losses. */
function disasterLosses(lab: CampaignLab, zones: string[], r1Last: Map<string, number>, sinceMs: number): { zone: string; reported: number; actual: number }[] {
  const log = readObserverLog(lab.dir).filter((e) => Date.parse(e.time) >= sinceMs);
  return zones.flatMap((zone) => {
    const rep = log.find((e) => e.type === 'replication' && e.group === groupOf(zone) && e.action === 'failover');
    const start = log.find((e) => e.type === 'app.start' && e.zone === zone);
    if (!rep || rep.type !== 'replication' || !start || start.type !== 'app.start') return [];
    return [{ zone, reported: rep.lostRecords ?? 0, actual: (r1Last.get(zone) ?? 0) - start.resumeSeq }];
  });
}

/** Records written by every application: the highest sequence in any copy of its data. */
function countRecords(lab: CampaignLab, zones: string[]): { written: number; byZone: Record<string, number> } {
  const sites = Object.keys(readLabConfig(lab.dir).sites);
  const byZone = Object.fromEntries(zones.map((z) => [z, Math.max(...sites.map((site) => recordsIn(path.join(dataDirOf(lab, site, z), 'records.log'))))]));
  return { written: Object.values(byZone).reduce((a, b) => a + b, 0), byZone };
}
