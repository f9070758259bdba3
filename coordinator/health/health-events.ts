// The audit events the health monitor records (`twinzone events` lists them). Each
// carries its evidence in details: the check, its detail line, streak and threshold; or
// the host's last renewal and how many renewal periods it missed.
export const HealthEvent = {
  CheckFailed: 'health.check-failed',
  CheckRecovered: 'health.check-recovered',
  HostSuspect: 'host.suspect',
  HostDead: 'host.dead',
  HostOk: 'host.ok',
  /** A twin runs or is ready on a host without its lease (I1 at risk); once per episode. */
  ConcurrencyViolation: 'zone.concurrency-violation',
  /** The host no longer reports that twin live (halted by hand, or the host now holds it). */
  ConcurrencyViolationEnded: 'zone.concurrency-violation-ended',
} as const;

/** Who records them: the coordinator's own monitor, not the agent whose report it read. */
export const HEALTH_MONITOR = 'health-monitor';
