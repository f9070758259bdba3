// Run hooks as the coordinator holds them (README "Hooks"): commands an operator attaches
// to a zone or to a site, called by every run at fixed points, on the coordinator's host
// or through an agent. The file form is in hook-file.ts.

/** The points of a run where hooks are called (hook-points.ts places them). */
export const HOOK_POINTS = ['pre-offline', 'post-offline', 'pre-online', 'post-online', 'on-failure'] as const;
export type HookPoint = (typeof HOOK_POINTS)[number];

/** coordinator: the coordinator's own host; source/target: the run's hosts; else a host of the inventory. */
export type HookWhere = 'coordinator' | 'source' | 'target' | (string & {});

export interface Hook {
  at: HookPoint;
  /** argv[0]: on the coordinator, any executable path; through an agent, one under its hooksDir. */
  argv: string[];
  on: HookWhere;
  timeoutMs: number;
}

/** One hook's run as journalled (hook.ran / hook.vetoed) and streamed with the run's progress. */
export interface HookRecord {
  at: HookPoint;
  /** 'coordinator', or the host whose agent ran it. */
  on: string;
  argv: string[];
  /** -1: killed at its timeout, or never started (see error). */
  exitCode: number;
  timedOut: boolean;
  durationMs: number;
  stdout: string;
  stderr: string;
  /** A pre-online hook that failed: the run stops before anything changed. */
  vetoed: boolean;
  /** Why it could not run or did not answer (agent unreachable, refused), else null. */
  error: string | null;
}

export const DEFAULT_HOOK_TIMEOUT_MS = 60_000;

export function hookOk(r: Pick<HookRecord, 'exitCode' | 'timedOut' | 'error'>): boolean {
  return r.exitCode === 0 && !r.timedOut && r.error === null;
}
