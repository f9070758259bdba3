// The Leases edge for agents (STYLE §1, §14): validate, convert, call the lease manager,
// map errors. RenewLeases renews all of one host's zones in one transaction
// (LeaseManager.renewHost) and hands what is piggybacked on it to the health monitor
// (coordinator/health): probe results, and the twins the host runs without holding
// their lease (concurrency violations, raised there once per episode). Self-fencing and
// lost-lease reports become events here, and a successful self-fence under the current
// epoch releases the lease. Every call, a listing too, tells the monitor the
// host is alive. ListHostLeases tells a (re)starting agent what it holds, what to fence
// if it loses it and which health checks to run (DESIGN "Leases and fencing").
import { LeasesService, LossPolicy, type HostLease, type ListHostLeasesRequest, type ListHostLeasesResponse, type ProbeReport, type RenewLeasesRequest, type RenewLeasesResponse, type TwinReport } from '../../shared/gen/twinzone/v1/leases.js';
import { checkSpecs } from '../health/check-specs.js';
import { HealthEvent } from '../health/health-events.js';
import type { HealthFeed, ReportedTwin } from '../health/health-monitor.js';
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
import { findZone } from '../inventory/find-zone.js';

export interface LeasesBindingOptions {
  leaseManager: LeaseManager;
  store: Store;
  /** The current inventory (a reload replaces it): storage groups and mount points to fence. */
  inventory: () => Pick<Inventory, 'zones' | 'storageGroups' | 'defaults'>;
  log: Logger;
  clock: Clock;
  /** Takes every call's renewals, probe results and twin reports (the HealthMonitor). */
  health: HealthFeed;
  /** Told each renewal's outcome (the metrics count them; only refusals become events). */
  onRenewed?: (ok: boolean) => void;
}

/** Checks the agent's lease keeper reports its own loss handling under (agent/leases). */
const LOSS_CHECKS = new Set(['self-fence', 'lease-lost']);
const LIVE_TWIN_STATES = new Set([ZoneState.ZONE_STATE_READY, ZoneState.ZONE_STATE_RUNNING]);

export const LeasesEvent = {
  ConcurrencyViolation: HealthEvent.ConcurrencyViolation,
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
    this.o.health.heardFrom(host, outcomes.flatMap((o) => (o.ok ? [{ zone: o.zone, epoch: o.epoch }] : [])));
    this.takeProbes(host, req.probes, ctx);
    this.o.health.takeTwins(host, liveTwins(req.twins), req.twinsListed);
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
    // A host without leases calls only this, once a renewal period: it is alive all the same.
    this.o.health.heardFrom(host, []);
    const nowMs = this.o.clock.nowMs();
    const inv = this.o.inventory();
    const leases: HostLease[] = this.o.store.leases
      .listByHolder(host)
      .filter((l) => (l.state === 'held' || l.state === 'migrating') && l.holder === host)
      .map((l) => {
        const zone = this.o.store.zones.get(l.zone);
        const invZone = findZone(inv, l.zone);
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
          checks: invZone ? checkSpecs(invZone) : [],
        };
      });
    return { leases, renewIntervalMs: this.intervalFor(leases.map((l) => l.zone)) };
  }

  private takeProbes(host: string, probes: ProbeReport[], ctx: CallContext): void {
    const nowMs = this.o.clock.nowMs();
    this.o.health.takeProbes(host, probes);
    for (const p of probes) {
      if (!LOSS_CHECKS.has(p.check)) continue;
      this.o.store.events.record({ atMs: nowMs, who: host, fromAddress: ctx.peer, what: LeasesEvent.LossReport, zone: p.zone, result: p.check, details: { healthy: p.healthy, detail: p.detail, epoch: p.epoch, reportedAtMs: p.atMs } });
      ctx.log.warn({ host, zone: p.zone, check: p.check, epoch: p.epoch, detail: p.detail }, 'agent reported a lost lease');
      if (p.check === 'self-fence' && p.healthy && p.epoch > 0) this.releaseSelfFenced(host, p.zone, p.epoch, ctx);
    }
  }

  /**
   * A holder that fenced its zone under its current epoch has given the lease up: without
   * this, a holder that never renewed (a failover's target whose agent learnt of the
   * grant only after its expiry, and so fenced it at once) would leave the zone waiting
   * for an operator's confirm-down of a host that is up and proved it stopped.
   */
  private releaseSelfFenced(host: string, zone: string, epoch: number, ctx: CallContext): void {
    try {
      const l = this.o.leaseManager.releaseSelfFenced(zone, host, epoch, { who: host, fromAddress: ctx.peer });
      if (l) ctx.log.info({ host, zone, epoch }, 'lease released: its holder self-fenced under this epoch');
    } catch (err) {
      // The report is recorded already; the lease rules keep their own bounds.
      ctx.log.warn({ host, zone, epoch, err }, 'self-fence report not applied to the lease');
    }
  }
}

/** The twins reported running or ready, in the monitor's terms. */
function liveTwins(twins: TwinReport[]): ReportedTwin[] {
  return twins.flatMap((t) => (LIVE_TWIN_STATES.has(t.state) ? [{ zone: t.zone, state: t.state === ZoneState.ZONE_STATE_RUNNING ? ('running' as const) : ('ready' as const) }] : []));
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
