// What the policy engine acts through, as small ports (STYLE §1: the core talks to
// ports): start one run, move a lost site's zones in priority waves, halt a twin live
// outside a run. main.ts wires them to the sequencer, the site-run module and the agent
// pool (automation-wiring.ts); the unit tests give fakes.
import type { RunKind } from '../runs/run-plan.js';

export interface RunOutcomeLite {
  state: string;
  reason: string | null;
}

export interface AutomaticRunRequest {
  kind: RunKind;
  zone: string;
  /** The host the zone goes to (or restarts on); null: the inventory's fitting twin. */
  target: string | null;
  /** The decision's reason, kept with the run's request. */
  reason: string;
}

export interface StartedAutomaticRun {
  runId: string;
  done: Promise<RunOutcomeLite>;
}

export interface RunStarter {
  /** Plans and starts the run as automation; throws the TwinzoneError that refused it. */
  start(request: AutomaticRunRequest): Promise<StartedAutomaticRun>;
}

export interface SiteMoveRequest {
  /** The lost site the zones leave. */
  fromSite: string;
  /** The zones whose DR policy allows the move now (a subset of the site's zones). */
  zones: string[];
  reason: string;
  /** Called as each zone's DR failover starts (waves start zones later), so its decision names the run. */
  onRunStarted(zone: string, runId: string): void;
}

export interface SiteMoveOutcome {
  /** succeeded | failed */
  state: string;
  succeeded: string[];
  failed: string[];
  /** Zones of waves that never started (after a failure in an earlier wave). */
  notStarted: string[];
  reason: string;
}

export interface SiteMover {
  /** Moves the zones to their DR twins in priority waves; resolves when the last wave ended. */
  moveSite(request: SiteMoveRequest): Promise<SiteMoveOutcome>;
}

export interface IntruderHalter {
  /** Halts ZONE on HOST (zoneadm halt) under EPOCH, the highest the zone's lease ever issued. */
  halt(zone: string, host: string, epoch: number): Promise<void>;
}
