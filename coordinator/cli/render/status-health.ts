// Health in `twinzone status`, `twinzone hosts`, `twinzone events` and the status page:
// each check's last result with its streak and age, each host's health, and a one-line
// summary of the health monitor's events (coordinator/health/health-events.ts). Pure.
import type { GetStatusResponse, ProbeStatus } from '../../../shared/gen/twinzone/v1/control.js';
import { formatDuration, formatTable } from './table.js';

/** "ok", "failing 2/3" (below its threshold) or "FAILED 4/3". */
export function checkVerdict(p: Pick<ProbeStatus, 'healthy' | 'streak' | 'failureThreshold'>): string {
  if (p.healthy) return 'ok';
  return `${p.streak >= p.failureThreshold ? 'FAILED' : 'failing'} ${p.streak}/${p.failureThreshold}`;
}

export function checksTable(s: Pick<GetStatusResponse, 'zones'>): string {
  const rows = s.zones.flatMap((z) =>
    z.probes.map((p) => [z.zone, p.host, p.check, checkVerdict(p), String(p.streak), `${formatDuration(p.ageMs)} ago`, p.detail]),
  );
  if (rows.length === 0) return 'no health check results yet\n';
  return formatTable(['ZONE', 'HOST', 'CHECK', 'RESULT', 'STREAK', 'RECEIVED', 'DETAIL'], rows);
}

export function lastRenewal(ageMs: number): string {
  return ageMs > 0 ? `${formatDuration(ageMs)} ago` : '-';
}

type Details = Record<string, unknown>;
const str = (v: unknown) => (v === null || v === undefined ? '' : String(v));

/** One line for an event's details where the bare WHAT/RESULT columns say too little; '' otherwise. */
export function eventSummary(what: string, details: Details): string {
  switch (what) {
    case 'health.check-failed':
      return `${str(details.host)} ${str(details.check)}: ${str(details.detail)} (${str(details.streak)} in a row, threshold ${str(details.threshold)})`;
    case 'health.check-recovered':
      return `${str(details.host)} ${str(details.check)}: ${str(details.detail)}`;
    case 'host.ok':
    case 'host.suspect':
    case 'host.dead':
      return `${str(details.host)} (was ${str(details.from)}): ${str(details.reason)}`;
    case 'zone.concurrency-violation':
      return `${str(details.state)} on ${str(details.host)} without the lease (holder: ${str(details.leaseHolder) || 'none'})`;
    case 'zone.concurrency-violation-ended':
      return `no longer live on ${str(details.host)} after ${formatDuration(Number(details.durationMs) || 0)}`;
    default:
      return '';
  }
}

/** The summary of an event as ListEvents carries it (details as JSON text). */
export function eventSummaryFromJson(what: string, detailsJson: string): string {
  try {
    const details: unknown = JSON.parse(detailsJson || '{}');
    return details && typeof details === 'object' ? eventSummary(what, details as Details) : '';
  } catch {
    return '';
  }
}
