// What the agent and its fencing watchdog say to each other (DESIGN "Leases and
// fencing": self-fencing must not depend on the agent process staying alive and
// unpaused). The agent starts the watchdog with a configuration file and then writes one
// JSON line per feed to its stdin. A feed carries, per zone under the `halt` policy, the
// time LEFT until the zone must be fenced, counted from the feed: never a wall-clock
// instant, so neither process's clock steps can move a deadline, and the watchdog
// measures the rest on its own monotonic clock. Dependency-free: the watchdog loads it.

/** What to take down for one zone, in this order: the zone, its mount points, its storage group (I2). */
export interface FenceTarget {
  zone: string;
  /** Mount points to force-unmount, in the order given (deepest first is the caller's job). */
  mountPoints: string[];
  storage: { kind: 'vxdg' | 'zpool'; group: string } | null;
}

export interface WatchedZone extends FenceTarget {
  /** Milliseconds from this feed until the zone must be fenced; <= 0: fence now. */
  remainingMs: number;
  /** The fencing epoch the agent holds the zone under, for the watchdog's log. */
  epoch: number;
}

export type WatchdogMessage =
  /** The full set of zones to watch: a zone missing from a feed is no longer watched (released). */
  | { type: 'feed'; zones: WatchedZone[] }
  /** Clean agent shutdown: stop watching and exit without fencing anything. */
  | { type: 'stand-down' };

export interface WatchdogConfig {
  host: string;
  /** Absolute paths of the commands fencing runs (the agent's configured command paths). */
  commandPaths: { zoneadm: string; umount: string; vxdg: string; zpool: string };
  /** Extra environment for those commands (the agent's commandEnv; SOLSIM_* in the lab). */
  commandEnv: Record<string, string>;
  /** The watchdog's own JSON-lines log. */
  logFile: string;
  /** Per-command time limit while fencing (a hung command must not stop the next step). */
  commandTimeoutMs: number;
  /** How often the watchdog looks at its deadlines. */
  checkIntervalMs: number;
  /**
   * The agent's fence files (agent/fencing/epoch-files.ts): before fencing a zone the
   * watchdog retires the epoch it was held under, as the agent's own keeper does, so a
   * hung agent that comes back refuses every call still carrying that epoch.
   */
  epochDir: string;
}

export function encodeMessage(message: WatchdogMessage): string {
  return `${JSON.stringify(message)}\n`;
}

function isTarget(z: unknown): z is WatchedZone {
  const t = z as Partial<WatchedZone> | null;
  return (
    typeof t === 'object' && t !== null &&
    typeof t.zone === 'string' && typeof t.remainingMs === 'number' && Number.isFinite(t.remainingMs) &&
    typeof t.epoch === 'number' &&
    Array.isArray(t.mountPoints) && t.mountPoints.every((m) => typeof m === 'string' && m.startsWith('/')) &&
    (t.storage === null || (typeof t.storage === 'object' && (t.storage.kind === 'vxdg' || t.storage.kind === 'zpool') && typeof t.storage.group === 'string'))
  );
}

/** One line from the agent, or null when it is not a message (logged and ignored by the watchdog). */
export function decodeMessage(line: string): WatchdogMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  const m = value as { type?: unknown; zones?: unknown };
  if (m?.type === 'stand-down') return { type: 'stand-down' };
  if (m?.type === 'feed' && Array.isArray(m.zones) && m.zones.every(isTarget)) return { type: 'feed', zones: m.zones };
  return null;
}

/**
 * The argument vectors that fence one zone, in order: halt the zone (zoneadmArgs.halt),
 * force-unmount each mount point (umountArgs.unmount with force), then deport the disk
 * group or export the pool (vxdgArgs.deport / zpoolArgs.export). A test keeps these equal
 * to the agent's command modules; they are repeated here so the watchdog loads nothing
 * that pulls in gRPC.
 */
export function fencePlan(target: FenceTarget): Array<{ command: 'zoneadm' | 'umount' | 'vxdg' | 'zpool'; args: string[] }> {
  return [
    { command: 'zoneadm', args: ['-z', target.zone, 'halt'] },
    ...target.mountPoints.map((mp) => ({ command: 'umount' as const, args: ['-f', mp] })),
    ...(target.storage
      ? [target.storage.kind === 'vxdg'
        ? { command: 'vxdg' as const, args: ['deport', target.storage.group] }
        : { command: 'zpool' as const, args: ['export', target.storage.group] }]
      : []),
  ];
}
