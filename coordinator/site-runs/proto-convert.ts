// Site-run events and requests on the wire (control.proto StartSiteRun).
import { TwinzoneError } from '../../shared/errors/twinzone-error.js';
import { RunKind as ProtoRunKind, type StartSiteRunRequest, type StartSiteRunResponse } from '../../shared/gen/twinzone/v1/control.js';
import { toProtoProgress } from '../control/proto-convert.js';
import { RunKind } from '../runs/run-plan.js';
import type { SiteRunEvent, SiteRunRequest } from './site-run.js';

export function fromProtoSiteRunRequest(req: StartSiteRunRequest, requestedBy: string): SiteRunRequest {
  let kind: SiteRunRequest['kind'];
  if (req.kind === ProtoRunKind.RUN_KIND_DR_FAILOVER) kind = RunKind.DrFailover;
  else if (req.kind === ProtoRunKind.RUN_KIND_DR_SWITCHOVER) kind = RunKind.DrSwitchover;
  else throw new TwinzoneError('INVALID_ARGUMENT', 'a site run is RUN_KIND_DR_FAILOVER or RUN_KIND_DR_SWITCHOVER', { fields: { field: 'kind' } });
  if (!req.fromSite) throw new TwinzoneError('INVALID_ARGUMENT', 'a site run needs from_site, the site the zones leave', { fields: { field: 'from_site' } });
  return {
    kind,
    fromSite: req.fromSite,
    toSite: req.toSite,
    concurrency: req.concurrency,
    continueOnFailure: req.continueOnFailure,
    reason: req.reason,
    requestedBy,
  };
}

/** The stream's messages; events the wire has no place for (the journal keeps them) answer null. */
export function toProtoSiteRunEvent(e: SiteRunEvent): StartSiteRunResponse | null {
  switch (e.type) {
    case 'wave-started':
      return { atMs: e.atMs, event: { $case: 'waveStarted', value: { priority: e.priority, zones: e.zones } } };
    case 'run':
      return { atMs: e.event.atMs, event: { $case: 'run', value: toProtoProgress(e.event) } };
    case 'wave-finished':
      return { atMs: e.atMs, event: { $case: 'waveFinished', value: { priority: e.priority, succeeded: e.succeeded, failed: e.failed, durationMs: e.durationMs } } };
    case 'site-run-finished':
      return { atMs: e.atMs, event: { $case: 'finished', value: { state: e.state, reason: e.reason, succeeded: e.succeeded, failed: e.failed } } };
    default:
      return null;
  }
}
