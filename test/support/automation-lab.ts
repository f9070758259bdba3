// A bc-dr lab for the automation tests: agents that renew their leases and report their
// health checks, a coordinator with automation on and short leases and probe intervals,
// and what the tests do from outside: kill a zone's application (as a crash would),
// read the audit log through the CLI, and wait for what automation records.
import path from 'node:path';
import type { ZonePolicy } from '../../coordinator/inventory/inventory-schema.js';
import { labEnv } from '../lab/create-lab.js';
import { labUpWithCoordinator, type LabAutomation } from '../lab/processes.js';
import { kernelZones } from '../solsim/src/state/zone-runtime.js';
import { killZoneApp } from '../solsim/src/app/app-control.js';
import { twinzoneAsync, waitFor } from './fault-lab.js';

export interface AuditEvent {
  id: number;
  atMs: number;
  who: string;
  what: string;
  zone: string;
  runId: string;
  result: string;
  details: Record<string, unknown>;
}

/**
 * Leases of 15 s (agents renew every 5 s: shorter ones expire under a loaded machine
 * with their agents alive) and probes every 3 s, three failures to fail; the
 * timeout is most of the interval: a simulated zoneadm takes up to 3 s on a loaded
 * machine, and a probe timing out counts as a failure (a restart nobody asked for).
 */
export const AUTOMATION_LAB_POLICY: Partial<ZonePolicy> = { leaseTtlMs: 15_000, safetyMarginMs: 2_000, leaseLossPolicy: 'halt', holdOffMs: 0 };

export async function startAutomationLab(dir: string, policy: Partial<ZonePolicy>, automation: Omit<LabAutomation, 'enabled'> = {}): Promise<void> {
  await labUpWithCoordinator(dir, {
    inventory: { policy: { ...AUTOMATION_LAB_POLICY, ...policy }, healthCheck: { intervalMs: 3_000, timeoutMs: 2_900, failureThreshold: 3 } },
    automation: { enabled: true, ...automation },
  });
}

export async function cliJson<T>(dir: string, args: string[], timeoutMs = 60_000): Promise<T> {
  const r = await twinzoneAsync(dir, [...args, '--json'], timeoutMs);
  if (r.code !== 0) throw new Error(`twinzone ${args.join(' ')} exited ${r.code}: ${r.stdout}${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** The whole audit log, details parsed. */
export async function auditLog(dir: string): Promise<AuditEvent[]> {
  const reply = await cliJson<{ events?: (Omit<AuditEvent, 'details' | 'id' | 'atMs'> & { id: string; atMs: string; detailsJson: string })[] }>(dir, ['events', '--limit', '10000']);
  return (reply.events ?? []).map((e) => ({ ...e, id: Number(e.id), atMs: Number(e.atMs), runId: e.runId ?? '', zone: e.zone ?? '', details: JSON.parse(e.detailsJson || '{}') as Record<string, unknown> }));
}

/** Waits until the audit log has an event matching PRED after event id AFTER; returns it. */
export function waitForEvent(dir: string, what: string, pred: (e: AuditEvent) => boolean, timeoutMs: number, after = 0): Promise<AuditEvent> {
  return waitFor(what, async () => (await auditLog(dir)).find((e) => e.id > after && pred(e)), timeoutMs, 1_000);
}

export function decisionOf(action: string, zone: string) {
  return (e: AuditEvent) => e.what === 'automation.decision' && e.zone === zone && e.details.action === action;
}

/** SIGKILLs the zone's application on HOST (the zone stays running: only its service dies); the pid. */
export function killApp(dir: string, host: string, zone: string): number {
  const kz = kernelZones(labEnv(path.resolve(dir), host)).find(([z]) => z === zone)?.[1];
  if (!kz?.appPid) throw new Error(`${zone} has no application running on ${host}`);
  killZoneApp(kz.appPid);
  return kz.appPid;
}

export interface RunJson {
  runId: string;
  kind: string;
  zone: string;
  state: string;
  requestedBy: string;
}

/** The run history, newest first: ZONE's, or every zone's. */
export async function history(dir: string, zone?: string): Promise<RunJson[]> {
  const reply = await cliJson<{ runs?: RunJson[] }>(dir, ['history', ...(zone ? [zone] : []), '--limit', '100']);
  return reply.runs ?? [];
}

/** Waits for RUN to end; its final state. */
export function runEnded(dir: string, zone: string, runId: string, timeoutMs: number): Promise<string> {
  return waitFor(`run ${runId} to end`, async () => {
    const run = (await history(dir, zone)).find((r) => r.runId === runId);
    return run && ['succeeded', 'failed', 'rolled_back', 'rollback_failed'].includes(run.state) ? run.state : undefined;
  }, timeoutMs, 1_000);
}
