// The domain shape of what a changing operation reports (the edge converts it to the
// RPC's reply): what happened in the operator's words and whether anything changed.
export const ZONE_STATES = ['configured', 'incomplete', 'installed', 'ready', 'running', 'shutting_down', 'down', 'mounted'] as const;
export type ZoneStateName = (typeof ZONE_STATES)[number];

export interface OpOutcome {
  /** "halted", "already installed", "imported", "would halt" (dry run), ... */
  outcome: string;
  /** False when the goal already held, and on dry run. */
  changed: boolean;
  warnings?: string[];
}

export interface ZoneOpOutcome extends OpOutcome {
  /** The zone's state after the operation; undefined on dry run. */
  state?: ZoneStateName;
}
