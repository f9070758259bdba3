// The read-only status page (GET / on the coordinator's `http` listener): zones with their
// live twin and lease, hosts with their health, running and recent runs with their steps.
// Pure: data in, HTML out. Every value from the inventory, the agents or the journal is
// escaped; the page has no script and refreshes itself every few seconds.
import { ZoneState } from '../../shared/gen/twinzone/v1/common.js';
import type { GetStatusResponse, HistoryRun } from '../../shared/gen/twinzone/v1/control.js';
import { checkVerdict, lastRenewal } from '../cli/render/status-health.js';
import { formatDuration, formatExpiry, formatTime } from '../cli/render/table.js';
import { zoneStateName } from '../control/proto-convert.js';
import { FINAL_RUN_STATES, RunState, StepState } from '../runs/run-states.js';

const REFRESH_SECONDS = 5;
const FINAL = new Set<string>(FINAL_RUN_STATES);

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** A table; cells are escaped text unless given as { html } (already built from escaped parts). */
type Cell = string | { html: string; cls?: string };

function table(id: string, header: string[], rows: Cell[][], empty: string): string {
  if (rows.length === 0) return `<p id="${id}" class="empty">${escapeHtml(empty)}</p>`;
  const cell = (c: Cell) => (typeof c === 'string' ? `<td>${escapeHtml(c)}</td>` : `<td${c.cls ? ` class="${c.cls}"` : ''}>${c.html}</td>`);
  return `<table id="${id}"><thead><tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map(cell).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

/** The agent's word for the twin; "unknown" where its host did not say (down, or no such zone there). */
const twinState = (state: ZoneState) => (state === ZoneState.ZONE_STATE_UNSPECIFIED ? 'unknown' : zoneStateName(state));

const badge = (text: string, cls: string): Cell => ({ html: escapeHtml(text), cls });

function zonesTable(status: GetStatusResponse): string {
  const rows = status.zones.map((z): Cell[] => {
    const lease = z.lease;
    const live = z.liveHost.includes(',') ? badge(`${z.liveHost} (two live twins!)`, 'bad') : z.liveHost ? badge(z.liveHost, 'ok') : badge('nowhere', 'warn');
    return [
      z.zone,
      live,
      lease ? `${lease.holder || '-'} (${lease.state})` : '-',
      lease ? String(lease.epoch) : '-',
      lease ? formatExpiry(lease.expiresInMs) : '-',
      { html: z.twins.map((t) => `${escapeHtml(t.host)} <small>${escapeHtml(t.role)}, ${escapeHtml(twinState(t.state))}</small>`).join('<br>') },
      z.probes.length === 0
        ? '-'
        : { html: z.probes.map((p) => `<span class="${p.healthy ? 'ok' : p.streak >= p.failureThreshold ? 'bad' : 'warn'}" title="${escapeHtml(p.detail)}">${escapeHtml(`${p.check} ${checkVerdict(p)}`)}</span> <small>${escapeHtml(`${p.host}, ${formatDuration(p.ageMs)} ago`)}</small>`).join('<br>') },
      z.activeRun || '-',
    ];
  });
  return table('zones', ['zone', 'live twin', 'lease holder', 'epoch', 'lease expires', 'twins', 'checks', 'active run'], rows, 'no zones in the inventory');
}

function hostsTable(status: GetStatusResponse): string {
  const rows = status.hosts.map((h): Cell[] => [
    h.host,
    h.site,
    h.address,
    h.confirmedDown ? badge('confirmed down', 'bad') : h.reachable ? badge('serving', 'ok') : badge('unreachable', 'bad'),
    badge(h.health || 'unknown', h.health === 'ok' ? 'ok' : h.health === 'dead' ? 'bad' : 'warn'),
    lastRenewal(h.lastRenewalAgeMs),
  ]);
  return table('hosts', ['host', 'site', 'agent', 'agent answers', 'renewals', 'last renewal'], rows, 'no hosts in the inventory');
}

function runBlock(run: HistoryRun, nowMs: number, open: boolean): string {
  const running = !FINAL.has(run.state);
  const took = run.finishedAtMs > 0 ? formatDuration(run.finishedAtMs - run.createdAtMs) : `${formatDuration(nowMs - run.createdAtMs)} so far`;
  const steps = run.steps.map((s): Cell[] => [
    String(s.index),
    s.name,
    s.host,
    badge(s.status, s.status === StepState.Succeeded ? 'ok' : s.status === StepState.Failed || s.status === StepState.UndoFailed ? 'bad' : 'warn'),
    s.finishedAtMs > 0 ? formatDuration(s.finishedAtMs - s.startedAtMs) : '-',
    s.error ? `${s.error.code}: ${s.error.message}` : '',
  ]);
  const cls = run.state === RunState.Succeeded ? 'ok' : running ? 'warn' : 'bad';
  return `<details class="run"${open ? ' open' : ''} data-run="${escapeHtml(run.runId)}"><summary><b>${escapeHtml(run.kind)}</b> of <b>${escapeHtml(run.zone)}</b> <span class="${cls}">${escapeHtml(run.state)}</span> <small>${escapeHtml(run.runId)}, ${escapeHtml(formatTime(run.createdAtMs))}, ${escapeHtml(took)}, by ${escapeHtml(run.requestedBy)}${run.reason ? ` — ${escapeHtml(run.reason)}` : ''}</small></summary>${table(`steps-${escapeHtml(run.runId)}`, ['#', 'step', 'host', 'status', 'took', 'error'], steps, 'no steps journalled yet')}</details>`;
}

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}h1{font-size:1.3em}h2{font-size:1.1em;margin-top:1.5em}
table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}th{background:#f3f3f3}
.ok{color:#176f2c;font-weight:600}.bad{color:#b00020;font-weight:600}.warn{color:#8a5a00;font-weight:600}.empty{color:#777}small{color:#555}
details.run{margin:.4em 0}summary{cursor:pointer}`;

export interface StatusPageData {
  status: GetStatusResponse;
  runs: HistoryRun[];
  nowMs: number;
  inventoryFile: string;
}

export function renderStatusPage(d: StatusPageData): string {
  const running = d.runs.filter((r) => !FINAL.has(r.state));
  const recent = d.runs.filter((r) => FINAL.has(r.state));
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="${REFRESH_SECONDS}">
<title>twinzone status</title><style>${STYLE}</style></head>
<body><h1>twinzone status</h1>
<p><small>as of ${escapeHtml(formatTime(d.nowMs))}, inventory ${escapeHtml(d.inventoryFile)}; refreshes every ${REFRESH_SECONDS} s; read-only</small></p>
<h2>Zones</h2>${zonesTable(d.status)}
<h2>Hosts</h2>${hostsTable(d.status)}
<h2>Running runs</h2><div id="running">${running.length ? running.map((r) => runBlock(r, d.nowMs, true)).join('') : '<p class="empty">none</p>'}</div>
<h2>Recent runs</h2><div id="recent">${recent.length ? recent.map((r, i) => runBlock(r, d.nowMs, i === 0)).join('') : '<p class="empty">none yet</p>'}</div>
</body></html>
`;
}
