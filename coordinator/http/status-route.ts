// GET / on the coordinator's `http` listener: the status page from the same sources as
// `twinzone status` and `twinzone history` (the agents' answers, the lease table, the
// run journal). Reading it records no audit event: it is a view, like /metrics.
import type { HttpRoute } from '../../shared/http/http-endpoint.js';
import type { ControlDeps } from '../control/control-deps.js';
import { toProtoHistoryRun } from '../control/proto-convert.js';
import { getStatus } from '../control/status.js';
import { renderStatusPage } from './status-page.js';

const RECENT_RUNS = 20;

export function statusPageRoute(deps: ControlDeps): HttpRoute {
  return async () => {
    const status = await getStatus(deps, '');
    const runs = deps.store.runs.history(null, RECENT_RUNS).map((r) => toProtoHistoryRun(r, deps.store.runs.steps(r.id)));
    return { contentType: 'text/html; charset=utf-8', body: renderStatusPage({ status, runs, nowMs: deps.clock.nowMs(), inventoryFile: deps.inventory.file }) };
  };
}
