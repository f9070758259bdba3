// How a host's health follows from its renewals (DESIGN "Health checks and automation").
// PURE: the monitor gathers the facts, this decides.
//   dead     its leases expired (the lease rules already let them go elsewhere), or it
//            has been silent for a whole TTL and its agent does not answer either;
//   suspect  it missed two renewal periods (or answers but has not renewed for a TTL);
//   unknown  never heard since the coordinator started, for less than a TTL;
//   ok       otherwise.
import type { HostHealth } from './health-view.js';

export interface HostFacts {
  nowMs: number;
  /** When the coordinator started listening: silence is counted from here until a first call. */
  startedAtMs: number;
  /** The host's last Leases call (renewal, report or listing), null when none since start. */
  lastRenewalAtMs: number | null;
  /** TTL/3 of the shortest lease it holds (the period it was told to renew at). */
  periodMs: number;
  ttlMs: number;
  /** Zones whose lease this host held and which expired. */
  expiredZones: string[];
  /** The agent's health-check answer, when one was asked after the silence began. */
  reachable: boolean | undefined;
}

export interface HostJudgement {
  health: HostHealth;
  /** One clause an operator reads in the event. */
  reason: string;
  missedRenewals: number;
}

export function judgeHost(f: HostFacts): HostJudgement {
  const silentMs = Math.max(0, f.nowMs - (f.lastRenewalAtMs ?? f.startedAtMs));
  const missedRenewals = Math.floor(silentMs / f.periodMs);
  if (f.expiredZones.length > 0) return { health: 'dead', reason: `its leases expired (${f.expiredZones.join(', ')})`, missedRenewals };
  if (silentMs >= f.ttlMs && f.reachable === false) {
    return { health: 'dead', reason: `no renewal for ${silentMs} ms (a TTL is ${f.ttlMs} ms) and its agent does not answer`, missedRenewals };
  }
  if (f.lastRenewalAtMs === null) {
    return silentMs >= f.ttlMs
      ? { health: 'suspect', reason: `never renewed in the ${silentMs} ms since the coordinator started, though its agent answers`, missedRenewals }
      : { health: 'unknown', reason: 'not heard from since the coordinator started', missedRenewals: 0 };
  }
  if (missedRenewals >= 2) return { health: 'suspect', reason: `missed ${missedRenewals} renewal periods of ${f.periodMs} ms`, missedRenewals };
  return { health: 'ok', reason: 'renewing', missedRenewals };
}

/** Whether the rules would ask the agent if it answers: only a long silence needs it. */
export function needsReachability(f: Omit<HostFacts, 'reachable' | 'expiredZones'>): boolean {
  return f.nowMs - (f.lastRenewalAtMs ?? f.startedAtMs) >= f.ttlMs;
}
