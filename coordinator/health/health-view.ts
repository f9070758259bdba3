// What the coordinator knows of health, as the automation policy and `twinzone status`
// read it. The agents' probe results and twin reports arrive with their lease renewals
// (coordinator/control/leases-service.ts); host health follows from the renewals
// themselves (DESIGN "Health checks and automation"). The implementation keeps this
// in memory: after a coordinator restart health is rebuilt from the next renewals, and
// nothing automatic happens on a zone until its checks have reported again.

/** ok: renewing; suspect: missed renewals; dead: its leases expired; unknown: never heard since start. */
export type HostHealth = 'ok' | 'suspect' | 'dead' | 'unknown';

/** The latest result of one health check of one zone as reported by one host. */
export interface CheckState {
  zone: string;
  host: string;
  /** The inventory's check name (zone-state, tcp, http, zlogin, ...). */
  check: string;
  healthy: boolean;
  detail: string;
  /** Results in a row with this outcome (1 after a change). */
  streak: number;
  /** The check's failure threshold: failed = !healthy && streak >= threshold. */
  failureThreshold: number;
  /** When the agent ran it (agent clock) and when the coordinator received it (coordinator clock). */
  atMs: number;
  receivedAtMs: number;
}

/** A check has failed: unhealthy for at least its failure threshold in a row. */
export function checkFailed(c: CheckState): boolean {
  return !c.healthy && c.streak >= c.failureThreshold;
}

/** Everything that may start or stop an automatic decision, as it happens. */
export type HealthChange =
  /** A check crossed its failure threshold on the host holding the zone. */
  | { kind: 'check-failed'; zone: string; host: string; check: string; evidence: CheckState }
  /** A failed check passed again. */
  | { kind: 'check-recovered'; zone: string; host: string; check: string; evidence: CheckState }
  | { kind: 'host-suspect'; host: string; missedRenewals: number; lastRenewalAtMs: number | null }
  | { kind: 'host-dead'; host: string; lastRenewalAtMs: number | null; zones: string[] }
  | { kind: 'host-ok'; host: string }
  /** A twin runs or is ready on a host that does not hold the zone's lease (I1 at risk). */
  | { kind: 'twin-live'; zone: string; host: string; state: 'running' | 'ready'; leaseHolder: string | null };

export interface HealthView {
  /** Every check's latest state for ZONE, across the hosts that reported it. */
  checks(zone: string): CheckState[];
  /**
   * Whether ZONE passes all its checks on HOST: true when every check's latest result is
   * healthy, false when any has failed (threshold reached), undefined when not every
   * check has reported since the coordinator started.
   */
  zoneHealthy(zone: string, host: string): boolean | undefined;
  hostHealth(host: string): HostHealth;
  /** When HOST last renewed, coordinator clock; null when never since start. */
  lastRenewalAtMs(host: string): number | null;
  /** Calls LISTENER for every change from now on; returns the unsubscribe. */
  subscribe(listener: (change: HealthChange) => void): () => void;
}
