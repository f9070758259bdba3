// The Control edge for the CLI: each handler reads the request, calls the coordinator's
// core and converts the answer; the shared handler maps every refusal to its gRPC status
// with the ErrorDetail trailer. Every call is audited (audit.ts).
import { TwinzoneError } from '../../shared/errors/twinzone-error.js';
import {
  ControlService,
  type AcceptDeltasRequest,
  type AcceptDeltasResponse,
  type ConfirmDownRequest,
  type ConfirmDownResponse,
  type DeclareDisasterRequest,
  type DeclareDisasterResponse,
  type GetHistoryRequest,
  type GetHistoryResponse,
  type GetStatusRequest,
  type GetStatusResponse,
  type ListDeltasRequest,
  type ListDeltasResponse,
  type ListEventsRequest,
  type ListEventsResponse,
  type PlanRunRequest,
  type PlanRunResponse,
  type SetFreezeRequest,
  type SetFreezeResponse,
  type StartRunRequest,
  type StartRunResponse,
  type StartSiteRunRequest,
  type StartSiteRunResponse,
  type WatchRunRequest,
  type WatchRunResponse,
} from '../../shared/gen/twinzone/v1/control.js';
import type { ServiceBinding } from '../../shared/grpc/serve.js';
import { serverStreaming, unary, type RequestLabels } from '../../shared/grpc/unary-handler.js';
import { audited, record } from './audit.js';
import { whoOf, type ControlDeps } from './control-deps.js';
import { CONTROL_ACCESS } from './control-access.js';
import { acceptDeltas, listDeltas } from './deltas.js';
import { declareDisaster, requireDeclaredLoss } from './disaster.js';
import { setFreeze } from './freeze.js';
import { dryRunPlan, planFor } from './plan-run.js';
import { streamProgress } from './progress-stream.js';
import { toProtoEvent, toProtoHistoryRun } from './proto-convert.js';
import { getStatus } from './status.js';
import { journalledHooks } from '../hooks/run-hooks.js';
import { fromProtoSiteRunRequest, toProtoSiteRunEvent } from '../site-runs/proto-convert.js';
import { startSiteRun } from '../site-runs/site-run.js';

const zoneLabel: RequestLabels = (r) => {
  const req = r as { zone?: string; run?: { zone?: string } };
  const zone = req.zone ?? req.run?.zone;
  return zone ? { zone } : {};
};

/** Most history an answer carries when the caller names no limit. */
const DEFAULT_HISTORY_LIMIT = 20;
const DEFAULT_EVENTS_LIMIT = 100;
const MAX_EVENTS_LIMIT = 10_000;

export function controlBinding(deps: ControlDeps): ServiceBinding {
  const { log } = deps;
  return {
    definition: ControlService,
    access: CONTROL_ACCESS,
    implementation: {
      getStatus: unary<GetStatusRequest, GetStatusResponse>(log, 'GetStatus', zoneLabel, (req, ctx) =>
        audited(deps, ctx, { what: 'control.get-status', zone: req.zone || null }, () => getStatus(deps, req.zone, ctx.signal)),
      ),

      planRun: unary<PlanRunRequest, PlanRunResponse>(log, 'PlanRun', zoneLabel, (req, ctx) =>
        audited(deps, ctx, { what: 'control.plan-run', zone: req.run?.zone ?? null, details: { ...req.run } }, async () =>
          dryRunPlan(deps, await planFor(deps, req.run, ctx.signal), ctx.signal),
        ),
      ),

      startRun: serverStreaming<StartRunRequest, StartRunResponse>(log, 'StartRun', zoneLabel, async (req, call, ctx) => {
        const entry = { what: 'control.start-run', zone: req.run?.zone ?? null, details: { ...req.run } };
        // The refusal of a run that never started is audited here; a started run is
        // journalled by the sequencer, and its final state is recorded below.
        const started = await audited(deps, ctx, entry, async () => {
          const plan = await planFor(deps, req.run, ctx.signal);
          // The same run asked again for a zone whose run is blocked (deltas since accepted,
          // an agent back): continue that run rather than refuse a second one.
          const waiting = deps.store.runs.unfinishedForZone(plan.zone);
          if (waiting && waiting.state === 'blocked' && waiting.kind === plan.kind && deps.sequencer.retry) {
            ctx.log.info({ run: waiting.id, zone: plan.zone }, 'blocked run retried');
            return { runId: waiting.id, done: deps.sequencer.retry(waiting.id), progress: deps.sequencer.watch(waiting.id) };
          }
          requireDeclaredLoss(deps, plan);
          return deps.sequencer.start(plan, whoOf(ctx));
        });
        ctx.log.info({ run: started.runId, zone: req.run?.zone }, 'run started');
        await streamProgress(started.progress, call, ctx.signal);
        if (!ctx.signal.aborted) {
          const outcome = await started.done;
          record(deps, ctx, { ...entry, what: 'control.run-finished', run: outcome.runId, details: { reason: outcome.reason } }, outcome.state);
        }
      }),

      startSiteRun: serverStreaming<StartSiteRunRequest, StartSiteRunResponse>(log, 'StartSiteRun', () => ({}), async (req, call, ctx) => {
        const request = fromProtoSiteRunRequest(req, whoOf(ctx));
        const entry = { what: 'control.start-site-run', details: { kind: request.kind, fromSite: request.fromSite, toSite: request.toSite, concurrency: request.concurrency, reason: request.reason } };
        // A caller that goes away does not stop the site run (as a run's): its zones' runs
        // are the sequencer's, and the journal (site-run.* events) keeps the waves.
        const outcome = await audited(deps, ctx, entry, () =>
          startSiteRun(deps, request, (e) => {
            const message = toProtoSiteRunEvent(e);
            if (message && !ctx.signal.aborted) call.write(message);
          }),
        );
        ctx.log.info({ siteRun: outcome.siteRunId, state: outcome.state }, 'site run finished');
      }),

      watchRun: serverStreaming<WatchRunRequest, WatchRunResponse>(log, 'WatchRun', () => ({}), async (req, call, ctx) => {
        if (!req.runId) throw new TwinzoneError('INVALID_ARGUMENT', 'WatchRun needs a run id (twinzone history lists them)', { fields: { field: 'run_id' } });
        const events = await audited(deps, ctx, { what: 'control.watch-run', run: req.runId }, () => Promise.resolve(deps.sequencer.watch(req.runId)));
        await streamProgress(events, call, ctx.signal);
      }),

      declareDisaster: unary<DeclareDisasterRequest, DeclareDisasterResponse>(log, 'DeclareDisaster', () => ({}), (req, ctx) =>
        audited(deps, ctx, { what: req.clear ? 'site.clear-disaster' : 'site.declare-disaster', details: { site: req.site, reason: req.reason } }, () => {
          const { zones, declaration } = declareDisaster(deps, req.site, { who: whoOf(ctx), reason: req.reason, clear: req.clear });
          return Promise.resolve({ zones, declaredBy: declaration?.declaredBy ?? '', declaredAtMs: declaration?.declaredAtMs ?? 0 });
        }),
      ),

      confirmDown: unary<ConfirmDownRequest, ConfirmDownResponse>(log, 'ConfirmDown', () => ({}), (req, ctx) => {
        if (!req.host) throw new TwinzoneError('INVALID_ARGUMENT', 'confirm-down needs a host name', { fields: { field: 'host' } });
        // The lease manager records the event itself (host.confirm-down), with who and from where.
        const leases = deps.leases.confirmDown(req.host, { who: whoOf(ctx), fromAddress: ctx.peer });
        return Promise.resolve({ zones: leases.map((l) => l.zone) });
      }),

      setFreeze: unary<SetFreezeRequest, SetFreezeResponse>(log, 'SetFreeze', zoneLabel, (req, ctx) =>
        audited(deps, ctx, { what: 'control.set-freeze', zone: req.zone || null, details: { all: req.all, frozen: req.frozen, reason: req.reason } }, () =>
          Promise.resolve({ zones: setFreeze(deps, req, whoOf(ctx)) }),
        ),
      ),

      listDeltas: unary<ListDeltasRequest, ListDeltasResponse>(log, 'ListDeltas', zoneLabel, (req, ctx) => {
        const pair = { zone: req.zone, fromHost: req.fromHost, toHost: req.toHost };
        return audited(deps, ctx, { what: 'control.list-deltas', zone: req.zone, details: pair }, async () => ({ deltas: await listDeltas(deps, pair, ctx.signal) }));
      }),

      acceptDeltas: unary<AcceptDeltasRequest, AcceptDeltasResponse>(log, 'AcceptDeltas', zoneLabel, (req, ctx) => {
        const pair = { zone: req.zone, fromHost: req.fromHost, toHost: req.toHost };
        return audited(deps, ctx, { what: 'deltas.accept', zone: req.zone, details: { ...pair, all: req.all, named: req.deltas.length } }, async () => {
          const { accepted, deltas } = await acceptDeltas(deps, pair, req, whoOf(ctx), ctx.signal);
          ctx.log.info({ zone: req.zone, accepted, reported: deltas.length }, 'deltas accepted');
          return { accepted };
        });
      }),

      getHistory: unary<GetHistoryRequest, GetHistoryResponse>(log, 'GetHistory', zoneLabel, (req, ctx) =>
        audited(deps, ctx, { what: 'control.get-history', zone: req.zone || null }, () => {
          const runs = deps.store.runs.history(req.zone || null, req.limit || DEFAULT_HISTORY_LIMIT);
          return Promise.resolve({ runs: runs.map((r) => toProtoHistoryRun(r, deps.store.runs.steps(r.id), journalledHooks(deps.store, r.id))) });
        }),
      ),

      listEvents: unary<ListEventsRequest, ListEventsResponse>(log, 'ListEvents', zoneLabel, (req, ctx) => {
        const limit = Math.min(req.limit || DEFAULT_EVENTS_LIMIT, MAX_EVENTS_LIMIT);
        // Read before this call's own event is written: the answer is what was there when asked.
        const events = req.who
          ? // The store filters by zone and id; "who" is rare enough to filter here over a wider page.
            deps.store.events.list({ zone: req.zone || undefined, afterId: req.afterId, limit: MAX_EVENTS_LIMIT }).filter((e) => e.who === req.who).slice(0, limit)
          : deps.store.events.list({ zone: req.zone || undefined, afterId: req.afterId, limit });
        record(deps, ctx, { what: 'control.list-events', zone: req.zone || null, details: { who: req.who, afterId: req.afterId } }, 'ok');
        return Promise.resolve({ events: events.map(toProtoEvent) });
      }),
    },
  };
}
