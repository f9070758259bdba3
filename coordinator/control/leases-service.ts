// The Leases edge for agents (STYLE §1, §14): validate, convert, call the lease manager,
// map errors. RenewLeases renews all of one host's zones in one transaction
// (LeaseManager.renewHost) and takes the reports piggybacked on it: probe results (kept
// as the latest per zone and check; self-fencing and lost-lease reports become events)
// and twins the host runs without holding their lease, which break I1 and are recorded
// as "concurrency violation" events. ListHostLeases tells a (re)starting agent what it
// holds and what to fence if it loses it (DESIGN "Leases and fencing").
import { LeasesService, LossPolicy, type HostLease, type ListHostLeasesRequest, type ListHostLeasesResponse, type ProbeReport, type RenewLeasesRequest, type RenewLeasesResponse, type TwinReport } from '../../shared/gen/twinzone/v1/leases.js';
import { ZoneState } from '../../shared/gen/twinzone/v1/common.js';
import { TwinzoneError } from '../../shared/errors/twinzone-error.js';
import type { CallContext } from '../../shared/grpc/call-context.js';
import type { ServiceBinding } from '../../shared/grpc/serve.js';
import { unary } from '../../shared/grpc/unary-handler.js';
import type { Logger } from '../../shared/log/create-logger.js';
import type { Clock } from '../../shared/time/clock.js';
import type { Inventory } from '../inventory/inventory-schema.js';
import type { Actor, LeaseManager } from '../leases/lease-manager.js';
import type { Store } from '../store/open-database.js';
import { LEASES_ACCESS } from './control-access.js';

export interface LeasesBindingOptions {
  leaseManager: LeaseManager;
  store: Store;
  /** The current inventory (a reload replaces it): storage groups and mount points to fence. */
  inventory: () => Pick<Inventory, 'zones' | 'storageGroups' | 'defaults'>;
  log: Logger;
  clock: Clock;
  /** Told each renewal's outcome (the metrics count them; only refusals become events). */
  onRenewed?: (ok: boolean) => void;
}

/** The latest probe result per host, zone and check, for status and health decisions. */
export interface LatestProbe extends ProbeReport {
  host: string;
  receivedAtMs: number;
}

/** Checks the agent's lease keeper reports its own loss handling under (agent/leases). */
const LOSS_CHECKS = new Set(['self-fence', 'lease-lost']);
const LIVE_TWIN_STATES = new Set([ZoneState.ZONE_STATE_READY, ZoneState.ZONE_STATE_RUNNING]);

export const LeasesEvent = {
  ConcurrencyViolation: 'zone.concurrency-violation',
  LossReport: 'lease.loss-report',
} as const;

const HOST_NAME = /^[A-Za-z0-9][A-Za-z0-9.-]{0,254}$/;

/**
 * The host a request speaks for, which under TLS must be the caller's own: an agent's
 * certificate names its host, and it renews (or lists, to fence) only that host's leases.
 */
function requireHostName(host: string, ctx: CallContext, rpc: string): string {
  if (!HOST_NAME.test(host)) throw new TwinzoneError('INVALID_ARGUMENT', `host ${JSON.stringify(host)} is not a host name`, { fields: { field: 'host' } });
  if (ctx.caller && ctx.caller.name !== host) {
    throw new TwinzoneError('PERMISSION_DENIED', `${rpc} for ${host} refused: the caller's certificate is agent ${ctx.caller.name}'s, and an agent speaks only for its own host`, {
      fields: { host, who: ctx.caller.name, rpc },
    });
  }
  return host;
}

export class LeasesEdge {
  readonly probes = new Map<string, LatestProbe>();

  constructor(private readonly o: LeasesBindingOptions) {}

  /** TTL/3 of the shortest lease among ZONES (the proto's renew_interval_ms). */
  private intervalFor(zones: string[]): number {
    const ttls = zones.map((z) => this.o.store.zones.get(z)?.leaseTtlMs).filter((t): t is number => typeof t === 'number');
    const ttl = ttls.length > 0 ? Math.min(...ttls) : this.o.inventory().defaults.policy.leaseTtlMs;
    return Math.floor(ttl / 3);
  }

  renew(req: RenewLeasesRequest, ctx: CallContext): RenewLeasesResponse {
    const host = requireHostName(req.host, ctx, 'RenewLeases');
    const actor: Actor = { who: host, fromAddress: ctx.peer };
    const outcomes = this.o.leaseManager.renewHost(host, req.renewals.map((r) => ({ zone: r.zone, epoch: r.epoch })), actor);
    for (const o of outcomes) this.o.onRenewed?.(o.ok);
    this.takeProbes(host, req.probes, ctx);
    this.takeTwins(host, req.twins, ctx);
    return {
      results: outcomes.map((o) =>
        o.ok
          ? { zone: o.zone, renewed: true, epoch: o.epoch, ttlMs: this.o.store.zones.get(o.zone)?.leaseTtlMs ?? 0, code: '', reason: '' }
          : { zone: o.zone, renewed: false, epoch: req.renewals.find((r) => r.zone === o.zone)?.epoch ?? 0, ttlMs: 0, code: o.code, reason: o.reason }),
      renewIntervalMs: this.intervalFor(req.renewals.map((r) => r.zone)),
    };
  }

  list(req: ListHostLeasesRequest, ctx: CallContext): ListHostLeasesResponse {
    const host = requireHostName(req.host, ctx, 'ListHostLeases');
    if (!this.o.store.hosts.get(host)) throw new TwinzoneError('HOST_NOT_FOUND', `host ${host} is not in the coordinator's inventory`, { fields: { host } });
    const nowMs = this.o.clock.nowMs();
    const inv = this.o.inventory();
    const leases: HostLease[] = this.o.store.leases
      .listByHolder(host)
      .filter((l) => (l.state === 'held' || l.state === 'migrating') && l.holder === host)
      .map((l) => {
        const zone = this.o.store.zones.get(l.zone);
        const invZone = inv.zones.find((z) => z.name === l.zone);
        const group = invZone && inv.storageGroups.find((g) => g.name === invZone.storageGroup);
        return {
          zone: l.zone,
          epoch: l.epoch,
          ttlMs: zone?.leaseTtlMs ?? 0,
          remainingMs: Math.max(0, (l.expiresAtMs ?? nowMs) - nowMs),
          // An unknown policy is fenced as halt, the default (DESIGN).
          lossPolicy: zone?.lossPolicy === 'freeze' ? LossPolicy.LOSS_POLICY_FREEZE : LossPolicy.LOSS_POLICY_HALT,
          storageKind: group?.kind ?? '',
          storageGroup: group?.name ?? '',
          // Deepest first, so a nested mount point comes off before its parent.
          mountPoints: (group?.volumes.map((v) => v.mountPoint) ?? []).sort((a, b) => b.length - a.length),
          checks: [],
        };
      });
    return { leases, renewIntervalMs: this.intervalFor(leases.map((l) => l.zone)) };
  }

  private takeProbes(host: string, probes: ProbeReport[], ctx: CallContext): void {
    const nowMs = this.o.clock.nowMs();
    for (const p of probes) {
      this.probes.set(`${host}/${p.zone}/${p.check}`, { ...p, host, receivedAtMs: nowMs });
      if (!LOSS_CHECKS.has(p.check)) continue;
      this.o.store.events.record({ atMs: nowMs, who: host, fromAddress: ctx.peer, what: LeasesEvent.LossReport, zone: p.zone, result: p.check, details: { healthy: p.healthy, detail: p.detail, reportedAtMs: p.atMs } });
      ctx.log.warn({ host, zone: p.zone, check: p.check, detail: p.detail }, 'agent reported a lost lease');
    }
  }

  private takeTwins(host: string, twins: TwinReport[], ctx: CallContext): void {
    const nowMs = this.o.clock.nowMs();
    for (const t of twins) {
      if (!LIVE_TWIN_STATES.has(t.state)) continue;
      const lease = this.o.store.leases.get(t.zone);
      if (lease && lease.holder === host && (lease.state === 'held' || lease.state === 'migrating')) continue;
      // I1: a twin is ready or running on a host that does not hold its lease.
      const state = t.state === ZoneState.ZONE_STATE_RUNNING ? 'running' : 'ready';
      this.o.store.events.record({
        atMs: nowMs, who: host, fromAddress: ctx.peer, what: LeasesEvent.ConcurrencyViolation, zone: t.zone, result: 'detected',
        details: { host, state, leaseHolder: lease?.holder ?? null, leaseState: lease?.state ?? 'free', leaseEpoch: lease?.epoch ?? null },
      });
      ctx.log.error({ host, zone: t.zone, state, leaseHolder: lease?.holder ?? null }, 'concurrency violation: a twin runs on a host without the lease');
    }
  }
}

export function leasesBinding(options: LeasesBindingOptions): ServiceBinding & { edge: LeasesEdge } {
  const edge = new LeasesEdge(options);
  // One call covers many zones: no single zone or op id labels it.
  const labels = () => ({});
  return {
    edge,
    definition: LeasesService,
    access: LEASES_ACCESS,
    implementation: {
      renewLeases: unary<RenewLeasesRequest, RenewLeasesResponse>(options.log, 'RenewLeases', labels, async (req, ctx) => edge.renew(req, ctx)),
      listHostLeases: unary<ListHostLeasesRequest, ListHostLeasesResponse>(options.log, 'ListHostLeases', labels, async (req, ctx) => edge.list(req, ctx)),
    },
  };
}
