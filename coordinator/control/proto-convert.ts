// toProto*/fromProto* for the Control service: run kinds, leases, progress events,
// history, events and deltas. Generated enums stay in here (STYLE §9).
import type { CommandRecord } from '../../shared/errors/twinzone-error.js';
import { DeltaKind as ProtoDeltaKind } from '../../shared/gen/twinzone/v1/agent.js';
import { ZoneState } from '../../shared/gen/twinzone/v1/common.js';
import type { ErrorDetail } from '../../shared/gen/twinzone/v1/common.js';
import {
  type HookRan,
  RunKind as ProtoRunKind,
  type Delta as ProtoDelta,
  type Event as ProtoEvent,
  type HistoryRun,
  type LeaseInfo,
  type PlannedStep as ProtoPlannedStep,
  type RunProgress,
} from '../../shared/gen/twinzone/v1/control.js';
import type { HookRecord } from '../hooks/hook-spec.js';
import type { Lease } from '../leases/lease-rules.js';
import type { RunProgressEvent } from '../runs/run-progress.js';
import { RunKind } from '../runs/run-plan.js';
import type { Delta, DeltaKind } from '../store/delta-store.js';
import type { EventRecord } from '../store/event-store.js';
import type { RunRecord, StepRecord } from '../store/run-store.js';
import { TwinzoneError } from '../../shared/errors/twinzone-error.js';

const KINDS: Record<RunKind, ProtoRunKind> = {
  switchover: ProtoRunKind.RUN_KIND_SWITCHOVER,
  failover: ProtoRunKind.RUN_KIND_FAILOVER,
  migrate: ProtoRunKind.RUN_KIND_MIGRATE,
  fallback: ProtoRunKind.RUN_KIND_FALLBACK,
  'dr-switchover': ProtoRunKind.RUN_KIND_DR_SWITCHOVER,
  'dr-failover': ProtoRunKind.RUN_KIND_DR_FAILOVER,
  restart: ProtoRunKind.RUN_KIND_RESTART,
  upgrade: ProtoRunKind.RUN_KIND_UPGRADE,
  drill: ProtoRunKind.RUN_KIND_DRILL,
};

export function fromProtoRunKind(kind: ProtoRunKind): RunKind {
  const found = (Object.entries(KINDS) as [RunKind, ProtoRunKind][]).find(([, v]) => v === kind);
  if (!found) {
    throw new TwinzoneError('INVALID_ARGUMENT', `run kind ${kind} is not one of ${Object.values(RunKind).join(', ')}`, { fields: { field: 'run.kind' } });
  }
  return found[0];
}

export function toProtoRunKind(kind: RunKind): ProtoRunKind {
  return KINDS[kind];
}

/** The agent's zone state name as the CLI prints it ("running", "installed", ...). */
export function zoneStateName(state: ZoneState): string {
  return ZoneState[state]?.replace('ZONE_STATE_', '').toLowerCase().replace('_', '-') ?? 'unknown';
}

export function toProtoLease(lease: Lease | undefined, nowMs: number): LeaseInfo {
  if (!lease) return { holder: '', epoch: 0, state: 'free', expiresInMs: 0 };
  return {
    holder: lease.holder ?? '',
    epoch: lease.epoch,
    state: lease.state,
    expiresInMs: lease.expiresAtMs === null ? 0 : lease.expiresAtMs - nowMs,
  };
}

function toProtoError(error: { code: string; message: string } | undefined): ErrorDetail | undefined {
  if (!error) return undefined;
  return { code: error.code, message: error.message, hint: '', fields: {}, commands: [] };
}

function commands(list: readonly CommandRecord[]): CommandRecord[] {
  return list.map((c) => ({ ...c, argv: [...c.argv] }));
}

export function toProtoProgress(e: RunProgressEvent): RunProgress {
  const base = { runId: e.runId, atMs: e.atMs };
  switch (e.type) {
    case 'run-started':
      return { ...base, event: { $case: 'started', value: { kind: e.kind, zone: e.zone, source: e.source ?? '', target: e.target, steps: e.steps } } };
    case 'step-started':
      return { ...base, event: { $case: 'stepStarted', value: { index: e.index, name: e.name, host: e.host ?? '', epoch: e.epoch ?? 0, opId: e.opId, undo: e.undo } } };
    case 'step-finished':
      return {
        ...base,
        event: {
          $case: 'stepFinished',
          value: {
            index: e.index,
            name: e.name,
            host: e.host ?? '',
            ok: e.ok,
            outcome: e.outcome,
            durationMs: e.durationMs,
            commands: commands(e.commands),
            error: toProtoError(e.error),
            undo: e.undo,
          },
        },
      };
    case 'transfer':
      return { ...base, event: { $case: 'transfer', value: { index: e.index, bytes: e.bytes, totalBytes: e.totalBytes ?? 0 } } };
    case 'waiting':
      return {
        ...base,
        event: {
          $case: 'waiting',
          value: { index: e.index, reason: e.reason, details: Object.fromEntries(Object.entries(e.details).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])) },
        },
      };
    case 'run-finished':
      return { ...base, event: { $case: 'finished', value: { state: e.state, reason: e.reason ?? '' } } };
    case 'hook':
      return { ...base, event: { $case: 'hook', value: toProtoHook(e) } };
  }
}

export function toProtoPlannedStep(step: { index: number; name: string; host: string | null; description: string; undo: string }, planned: { host: string; argv: string[] }[]): ProtoPlannedStep {
  return { index: step.index, name: step.name, host: step.host ?? '', description: step.description, undo: step.undo, commands: planned };
}

function stepError(error: unknown): ErrorDetail | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const e = error as { code?: unknown; message?: unknown };
  return toProtoError({ code: String(e.code ?? 'INTERNAL'), message: String(e.message ?? '') });
}

export function toProtoHook(h: HookRecord): HookRan {
  return { at: h.at, on: h.on, argv: h.argv, exitCode: h.exitCode, timedOut: h.timedOut, durationMs: h.durationMs, stdout: h.stdout, stderr: h.stderr, vetoed: h.vetoed, error: h.error ?? '' };
}

export function toProtoHistoryRun(run: RunRecord, steps: readonly StepRecord[], hooks: readonly HookRecord[] = []): HistoryRun {
  return {
    runId: run.id,
    kind: run.kind,
    zone: run.zone ?? '',
    state: run.state,
    requestedBy: run.requestedBy,
    createdAtMs: run.createdAtMs,
    finishedAtMs: run.finishedAtMs ?? 0,
    reason: run.finalReason ?? '',
    steps: steps.map((s) => ({
      index: s.stepIndex,
      attempt: s.attempt,
      name: s.name,
      host: s.host,
      status: s.status,
      epoch: s.epoch ?? 0,
      opId: s.opId,
      startedAtMs: s.startedAtMs,
      finishedAtMs: s.finishedAtMs ?? 0,
      commands: commands(s.commands),
      error: stepError(s.error),
    })),
    hooks: hooks.map(toProtoHook),
  };
}

export function toProtoEvent(e: EventRecord): ProtoEvent {
  return {
    id: e.id,
    atMs: e.atMs,
    who: e.who,
    fromAddress: e.fromAddress ?? '',
    what: e.what,
    zone: e.zone ?? '',
    runId: e.run ?? '',
    result: e.result,
    detailsJson: JSON.stringify(e.details),
  };
}

const DELTA_KINDS: Record<DeltaKind, ProtoDeltaKind> = {
  missing: ProtoDeltaKind.DELTA_KIND_MISSING,
  extra: ProtoDeltaKind.DELTA_KIND_EXTRA,
  'version-mismatch': ProtoDeltaKind.DELTA_KIND_VERSION_MISMATCH,
};

export function fromProtoDeltaKind(kind: ProtoDeltaKind): DeltaKind | undefined {
  return (Object.entries(DELTA_KINDS) as [DeltaKind, ProtoDeltaKind][]).find(([, v]) => v === kind)?.[0];
}

export function toProtoDelta(d: Delta, accepted: { acceptedBy: string; acceptedAtMs: number } | undefined): ProtoDelta {
  return {
    subject: d.subject,
    kind: d.kind,
    name: d.name,
    sourceVersion: d.sourceVersion,
    localVersion: d.localVersion,
    accepted: accepted !== undefined,
    acceptedBy: accepted?.acceptedBy ?? '',
    acceptedAtMs: accepted?.acceptedAtMs ?? 0,
  };
}

/** A delta named in an AcceptDeltas request; refused unless its subject and kind are known words. */
export function fromProtoDelta(d: ProtoDelta, index: number): Delta {
  if (d.subject !== 'package' && d.subject !== 'patch') {
    throw new TwinzoneError('INVALID_ARGUMENT', `deltas.${index}.subject must be package or patch, not ${JSON.stringify(d.subject)}`, { fields: { field: `deltas.${index}.subject` } });
  }
  if (!(d.kind in DELTA_KINDS)) {
    throw new TwinzoneError('INVALID_ARGUMENT', `deltas.${index}.kind must be missing, extra or version-mismatch, not ${JSON.stringify(d.kind)}`, { fields: { field: `deltas.${index}.kind` } });
  }
  return { subject: d.subject, kind: d.kind as DeltaKind, name: d.name, sourceVersion: d.sourceVersion, localVersion: d.localVersion };
}
