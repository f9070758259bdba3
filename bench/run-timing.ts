// Drives one run through the coordinator's Control service (as the CLI does) and breaks
// its time down: wall time seen by the caller, the coordinator's own span (RunStarted to
// RunFinished), the time spent inside host commands (each agent times every command it
// runs; the coordinator journals them in StepFinished), and per step the remainder,
// which is orchestration: gRPC round trips, journal writes, lease transactions, waits.
import { performance } from 'node:perf_hooks';
import type { Control } from '../coordinator/cli/control-client.js';
import { RunRequest, type RunProgress } from '../shared/gen/twinzone/v1/control.js';
import { sum } from './bench-stats.js';

export interface StepTiming {
  name: string;
  host: string;
  durationMs: number;
  commandMs: number;
  commands: number;
}

export interface RunTiming {
  runId: string;
  state: string;
  reason: string;
  source: string;
  target: string;
  /** From the StartRun call to the last progress message, as the caller saw it. */
  wallMs: number;
  /** RunStarted to RunFinished on the coordinator's clock. */
  spanMs: number;
  /** Sum of the durations of every host command the run's steps ran. */
  commandMs: number;
  commands: number;
  steps: StepTiming[];
  /** Wall clock (ms since the epoch) when the call was made and when it ended: the window to look for the run's commands in agent logs. */
  startedEpochMs: number;
  endedEpochMs: number;
  /** RunStarted and RunFinished on the coordinator's wall clock. */
  firstAtMs: number;
  lastAtMs: number;
}

export async function timeRun(control: Control, run: Partial<RunRequest>): Promise<RunTiming> {
  return (await timeRunEvents(control, run)).timing;
}

/** The run's timing and its progress messages as they came. */
export async function timeRunEvents(control: Control, run: Partial<RunRequest>): Promise<{ timing: RunTiming; events: RunProgress[] }> {
  const request: RunRequest = RunRequest.fromPartial(run);
  const startedEpochMs = Date.now();
  const startedAt = performance.now();
  const events: RunProgress[] = [];
  for await (const p of control.startRun(request)) events.push(p);
  const wallMs = performance.now() - startedAt;
  return { timing: timingOf(events, startedEpochMs, wallMs), events };
}

export function timingOf(events: RunProgress[], startedEpochMs: number, wallMs: number): RunTiming {
  let runId = '';
  let state = 'unknown';
  let reason = '';
  let source = '';
  let target = '';
  let firstAt = Number.NaN;
  let lastAt = Number.NaN;
  const steps: StepTiming[] = [];
  for (const p of events) {
    runId ||= p.runId;
    const e = p.event;
    if (!e) continue;
    if (e.$case === 'started') {
      firstAt = p.atMs;
      source = e.value.source;
      target = e.value.target;
    } else if (e.$case === 'stepFinished') {
      const durations = e.value.commands.filter((c) => !c.planned).map((c) => c.durationMs);
      steps.push({ name: e.value.name, host: e.value.host, durationMs: e.value.durationMs, commandMs: sum(durations), commands: durations.length });
    } else if (e.$case === 'finished') {
      lastAt = p.atMs;
      state = e.value.state;
      reason = e.value.reason;
    }
  }
  return {
    runId,
    state,
    reason,
    source,
    target,
    wallMs,
    spanMs: lastAt - firstAt,
    commandMs: sum(steps.map((s) => s.commandMs)),
    commands: sum(steps.map((s) => s.commands)),
    steps,
    startedEpochMs,
    endedEpochMs: startedEpochMs + wallMs,
    firstAtMs: firstAt,
    lastAtMs: lastAt,
  };
}

/**
 * Runs RUN to its end; a run that stops on unaccepted attach deltas (a fresh lab's hosts
 * differ in patches) has them accepted, as an operator would, and is asked for again.
 * Returns the timing of the attempt that finished.
 */
export async function runAcceptingDeltas(control: Control, run: Partial<RunRequest>): Promise<RunTiming> {
  let t = await timeRun(control, run);
  for (let attempt = 0; attempt < 2 && t.state === 'blocked'; attempt += 1) {
    await control.acceptDeltas({ zone: run.zone ?? '', fromHost: t.source, toHost: t.target, deltas: [], all: true });
    t = await timeRun(control, run);
  }
  if (t.state !== 'succeeded') throw new Error(`run ${t.runId} of ${run.zone} ended ${t.state}: ${t.reason}`);
  return t;
}
