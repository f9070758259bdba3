// What automation writes to the audit log (README "Automation"): every decision to act
// (automation.decision, with its reason, the evidence and the run it started), every
// decision not to act while something is wrong (automation.held, with why), and every
// twin found live outside a run (automation.alarm). A held situation is recorded once,
// not at every evaluation: again only when the reason changes or after it cleared.
import type { Clock } from '../../shared/time/clock.js';
import type { EventStore } from '../store/event-store.js';

/** The audit log's "who" for everything automation does (runs' requested_by too). */
export const AUTOMATION_WHO = 'automation';

export const AutomationEvent = {
  Decision: 'automation.decision',
  Held: 'automation.held',
  Alarm: 'automation.alarm',
} as const;

/** What went wrong with a zone, as automation sees it. */
export type Problem = 'app-unhealthy' | 'host-dead' | 'site-lost' | 'twin-live';

export interface DecisionRecord {
  zone: string | null;
  problem: Problem;
  /** restart, switchover, failover, dr-failover (a site move), halt-intruder, freeze. */
  action: string;
  /** One sentence: why this action. */
  reason: string;
  evidence: Record<string, unknown>;
  run?: string | null;
  /** started, refused (the run could not start: the error follows), done. */
  result: string;
  error?: string;
}

export interface HeldRecord {
  zone: string | null;
  problem: Problem;
  /** A stable word for the reason (frozen, hold-off, run-in-progress, ...), for dedup and tests. */
  why: string;
  /** One sentence an operator can act on. */
  reason: string;
  evidence: Record<string, unknown>;
}

export class AutomationRecorder {
  /** The last held situation recorded per key (zone, or site:S), so it is not repeated. */
  private readonly lastHeld = new Map<string, string>();

  constructor(
    private readonly events: EventStore,
    private readonly clock: Clock,
  ) {}

  decision(d: DecisionRecord): void {
    if (d.zone) this.lastHeld.delete(d.zone);
    this.events.record({
      atMs: this.clock.nowMs(),
      who: AUTOMATION_WHO,
      what: AutomationEvent.Decision,
      zone: d.zone,
      run: d.run ?? null,
      result: d.result,
      details: { problem: d.problem, action: d.action, reason: d.reason, evidence: d.evidence, ...(d.error ? { error: d.error } : {}) },
    });
  }

  /** Records a held situation unless the same one was the last recorded for this key; true when recorded. */
  held(h: HeldRecord, key: string | null = h.zone): boolean {
    const k = key ?? '-';
    const sig = `${h.problem}:${h.why}`;
    if (this.lastHeld.get(k) === sig) return false;
    this.lastHeld.set(k, sig);
    this.events.record({
      atMs: this.clock.nowMs(),
      who: AUTOMATION_WHO,
      what: AutomationEvent.Held,
      zone: h.zone,
      run: null,
      result: 'held',
      details: { problem: h.problem, why: h.why, reason: h.reason, evidence: h.evidence },
    });
    return true;
  }

  /** The situation cleared (nothing wrong any more): the next hold is recorded afresh. */
  cleared(key: string): void {
    this.lastHeld.delete(key);
  }

  alarm(zone: string, reason: string, evidence: Record<string, unknown>): void {
    this.events.record({ atMs: this.clock.nowMs(), who: AUTOMATION_WHO, what: AutomationEvent.Alarm, zone, run: null, result: 'alarm', details: { problem: 'twin-live', reason, evidence } });
  }
}
