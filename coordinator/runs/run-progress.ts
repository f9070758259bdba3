// What a run tells the people watching it, as it happens: the sequencer emits these,
// the Control service streams them to the CLI, and the CLI prints them (or JSON lines).
import type { CommandRecord } from '../../shared/errors/twinzone-error.js';
import type { HookRecord } from '../hooks/hook-spec.js';
import type { RunKind } from './run-plan.js';
import type { RunState } from './run-states.js';

export type RunProgressEvent =
  | { type: 'run-started'; runId: string; kind: RunKind; zone: string; source: string | null; target: string; steps: number; atMs: number }
  | { type: 'step-started'; runId: string; index: number; name: string; host: string | null; epoch: number | null; opId: string; undo: boolean; atMs: number }
  | { type: 'step-finished'; runId: string; index: number; name: string; host: string | null; ok: boolean; outcome: string; durationMs: number; commands: CommandRecord[]; error?: { code: string; message: string }; undo: boolean; atMs: number }
  /** Bytes of an archive transfer so far, for a progress line with rate and ETA. */
  | { type: 'transfer'; runId: string; index: number; bytes: number; totalBytes: number | null; atMs: number }
  /** The run stopped for an operator: unaccepted attach deltas, a host to confirm down, ... */
  | { type: 'waiting'; runId: string; index: number; reason: string; details: Record<string, unknown>; atMs: number }
  /** A run hook ran (README "Hooks"). */
  | ({ type: 'hook'; runId: string; atMs: number } & HookRecord)
  | { type: 'run-finished'; runId: string; state: RunState; reason: string | null; atMs: number };

/** How a run ended, for the caller that started it. */
export interface RunOutcome {
  runId: string;
  state: RunState;
  reason: string | null;
}
