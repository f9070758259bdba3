// The automation policy for one zone, PURE (issue 5 "Automation policy"): from what is
// known about the zone right now (its ZoneSituation) to one decision: act (restart in
// place, switch over to the BC twin, fail over to it, join a DR move of its lost site),
// hold (something is wrong but a rule says wait: say why), or nothing. The engine
// (policy-engine.ts) gathers the situation, carries the decision out and records it.
//
// Order of the rules: what is wrong first (site lost > holder dead > application sick on
// a live holder), then the gates that stop any automatic run (automation off, frozen, a
// run in progress, the hold-off after the last run), then the problem's own policy.
import type { CheckState, HostHealth } from '../health/health-view.js';
import type { ZonePolicy } from '../inventory/inventory-schema.js';
import type { ZoneFreeze } from '../store/freeze-store.js';
import type { Problem } from './automation-events.js';
import { drVerdict, type DrFacts, type HostView } from './site-loss.js';

export interface ZoneSituation {
  zone: string;
  policy: ZonePolicy;
  /** The lease holder (or last holder of an expired lease); null: nobody holds it. */
  holder: string | null;
  holderHealth: HostHealth;
  holderLastRenewalAtMs: number | null;
  /** The holder's checks that failed (threshold reached), reported after the zone's last run ended. */
  failedChecks: CheckState[];
  /** The zone's BC twins: other hosts of the holder's site (never DR twins). */
  bcTwins: HostView[];
  frozen: ZoneFreeze | undefined;
  activeRun: { id: string; kind: string } | null;
  lastRunEndedAtMs: number | null;
  restartsInWindow: number;
  /** Set when the holder's whole site is lost: what the DR policy needs. */
  siteLoss: Omit<DrFacts, 'zone' | 'nowMs'> | null;
  nowMs: number;
}

export type Action = 'restart' | 'switchover' | 'failover' | 'dr-failover';

export type Decision =
  | { kind: 'none' }
  | { kind: 'hold'; problem: Problem; why: string; reason: string; evidence: Record<string, unknown> }
  | { kind: 'act'; problem: Problem; action: Action; target: string | null; reason: string; evidence: Record<string, unknown> };

function checkEvidence(c: CheckState): Record<string, unknown> {
  return { host: c.host, check: c.check, detail: c.detail, streak: c.streak, failureThreshold: c.failureThreshold, atMs: c.atMs };
}

/** What went wrong, with its evidence; null when nothing is. */
function problemOf(s: ZoneSituation): { problem: Problem; evidence: Record<string, unknown> } | null {
  if (s.holder === null) return null;
  const silentForMs = s.holderLastRenewalAtMs === null ? null : s.nowMs - s.holderLastRenewalAtMs;
  const holderEvidence = {
    host: s.holder,
    health: s.holderHealth,
    lastRenewalAtMs: s.holderLastRenewalAtMs,
    silentForMs,
    // The holder renews every TTL/3: how many renewals it missed.
    missedRenewals: silentForMs === null ? null : Math.floor(silentForMs / (s.policy.leaseTtlMs / 3)),
  };
  if (s.siteLoss) {
    const site = s.siteLoss.site;
    return { problem: 'site-lost', evidence: { site: site.site, lostSinceMs: site.lostSinceMs, hosts: site.hosts, holder: holderEvidence, dr: s.policy.dr } };
  }
  if (s.holderHealth === 'dead') return { problem: 'host-dead', evidence: { holder: holderEvidence, bcTwins: s.bcTwins } };
  if (s.failedChecks.length > 0) {
    return {
      problem: 'app-unhealthy',
      evidence: {
        holder: s.holder,
        holderHealth: s.holderHealth,
        failedChecks: s.failedChecks.map(checkEvidence),
        restartsInWindow: s.restartsInWindow,
        restartLimit: s.policy.restartLimit,
        restartWindowMs: s.policy.restartWindowMs,
      },
    };
  }
  return null;
}

function hold(problem: Problem, evidence: Record<string, unknown>, why: string, reason: string): Decision {
  return { kind: 'hold', problem, why, reason, evidence };
}

/** The BC twin to move to: the first healthy one; else the hold that says why there is none. */
function bcTarget(s: ZoneSituation, problem: Problem, evidence: Record<string, unknown>, what: string): { host: string } | Decision {
  const healthy = s.bcTwins.find((t) => t.health === 'ok');
  if (healthy) return { host: healthy.host };
  const twins = s.bcTwins.map((t) => `${t.host} is ${t.health}`).join(', ');
  return hold(
    problem,
    evidence,
    s.bcTwins.length === 0 ? 'no-bc-twin' : 'bc-twin-unhealthy',
    s.bcTwins.length === 0
      ? `${what}, but ${s.zone} has no BC twin in its site to move to; repair it in place`
      : `${what}, but its BC twin host is not healthy (${twins}); nothing automatic until it is`,
  );
}

export function decide(s: ZoneSituation): Decision {
  const found = problemOf(s);
  if (!found) return { kind: 'none' };
  const { problem, evidence } = found;
  const p = s.policy;

  if (p.automation === 'off') return hold(problem, evidence, 'automation-off', `${s.zone}'s policy is automation: off; an operator decides`);
  if (s.frozen) {
    return hold(problem, evidence, 'frozen', `${s.zone} is frozen by ${s.frozen.frozenBy}${s.frozen.reason ? ` (${s.frozen.reason})` : ''}; twinzone unfreeze ${s.zone} lets automation act`);
  }
  if (s.activeRun) return hold(problem, evidence, 'run-in-progress', `${s.activeRun.kind} run ${s.activeRun.id} of ${s.zone} is in progress; automation waits for it to end`);
  if (s.lastRunEndedAtMs !== null && s.nowMs < s.lastRunEndedAtMs + p.holdOffMs) {
    const untilMs = s.lastRunEndedAtMs + p.holdOffMs;
    return hold(problem, { ...evidence, holdOffUntilMs: untilMs }, 'hold-off', `${s.zone}'s last run ended ${s.nowMs - s.lastRunEndedAtMs} ms ago; no automatic run within its hold-off of ${p.holdOffMs} ms`);
  }

  switch (problem) {
    case 'site-lost': {
      const verdict = drVerdict({ ...s.siteLoss!, zone: { name: s.zone, policy: p }, nowMs: s.nowMs });
      if (!verdict.go) return hold(problem, { ...evidence, ...(verdict.untilMs ? { untilMs: verdict.untilMs } : {}) }, verdict.why, verdict.reason);
      return { kind: 'act', problem, action: 'dr-failover', target: s.siteLoss!.drTwin!.host, reason: verdict.reason, evidence };
    }
    case 'host-dead': {
      const what = `${s.zone}'s holder ${s.holder} is dead`;
      const t = bcTarget(s, problem, evidence, what);
      if ('kind' in t) return t;
      return { kind: 'act', problem, action: 'failover', target: t.host, reason: `${what} (its lease expired); fail over to the BC twin on ${t.host} once the lease rules allow`, evidence };
    }
    case 'app-unhealthy': {
      const failed = s.failedChecks.map((c) => `${c.check} failed ${c.streak} times in a row (threshold ${c.failureThreshold})`).join(', ');
      if (s.holderHealth !== 'ok') {
        return hold(problem, evidence, 'holder-not-ok', `${s.zone} fails its checks on ${s.holder} (${failed}), whose host is ${s.holderHealth}; waiting to see whether the host is lost`);
      }
      if (s.restartsInWindow < p.restartLimit) {
        return {
          kind: 'act',
          problem,
          action: 'restart',
          target: s.holder,
          reason: `${s.zone} on ${s.holder}: ${failed}; restart in place (${s.restartsInWindow + 1} of ${p.restartLimit} within ${p.restartWindowMs} ms)`,
          evidence,
        };
      }
      const what = `${s.zone} on ${s.holder}: ${failed}, after ${s.restartsInWindow} restarts within ${p.restartWindowMs} ms (limit ${p.restartLimit})`;
      const t = bcTarget(s, problem, evidence, what);
      if ('kind' in t) return t;
      return { kind: 'act', problem, action: 'switchover', target: t.host, reason: `${what}; switch over to the BC twin on ${t.host}`, evidence };
    }
    case 'twin-live':
      return { kind: 'none' };
  }
}
