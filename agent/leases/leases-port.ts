// The keeper's view of the coordinator's Leases service, in the agent's own types (the
// generated messages stay at the edge, STYLE §3). grpcLeasesPort is the real one; tests
// run it against an in-process server.
import type { ChannelCredentials } from '@grpc/grpc-js';
import { LeasesClient, LossPolicy as ProtoLossPolicy, type HostLease, type RenewLeasesRequest } from '../../shared/gen/twinzone/v1/leases.js';
import { unaryCall, type UnaryMethod } from '../../shared/grpc/unary-call.js';
import { tlsTargetOptions } from '../../shared/grpc/tls-credentials.js';
import { ZoneState } from '../../shared/gen/twinzone/v1/common.js';
import { probeSpecFromProto } from '../probes/probe-spec-proto.js';
import type { LiveTwin, ScheduledCheck } from '../probes/probe-scheduler.js';
import type { HeldLease } from './loss-policy.js';

export interface RenewalResult {
  zone: string;
  renewed: boolean;
  epoch: number;
  ttlMs: number;
  code: string;
  reason: string;
}

/** A probe result or a report sent with the next renewal (self-fencing outcomes travel as these). */
export interface Report {
  zone: string;
  check: string;
  healthy: boolean;
  detail: string;
  durationMs: number;
  atMs: number;
  /** A lease keeper's own report: the epoch the lease was lost (and fenced) under. */
  epoch?: number;
}

/** A held lease as listed, with what was left of it when the coordinator answered. */
export interface ListedLease extends HeldLease {
  remainingMs: number;
  /** The zone's health checks, which the holder runs. */
  checks: ScheduledCheck[];
}

/** What a renewal (or a report call ahead of one) carries. */
export interface RenewRequest {
  host: string;
  renewals: Array<{ zone: string; epoch: number }>;
  reports: Report[];
  /** The live twins this host has without their lease, from its latest listing. */
  twins: LiveTwin[];
  /** Whether twins is a complete listing (false before the first or after a failed one). */
  twinsListed: boolean;
}

export interface LeasesPort {
  list(host: string, deadlineMs: number): Promise<{ leases: ListedLease[]; renewIntervalMs: number }>;
  renew(req: RenewRequest, deadlineMs: number): Promise<{ results: RenewalResult[]; renewIntervalMs: number }>;
  close(): void;
}

function fromHostLease(l: HostLease): ListedLease {
  const kind = l.storageKind === 'vxdg' || l.storageKind === 'zpool' ? l.storageKind : null;
  return {
    zone: l.zone,
    epoch: l.epoch,
    ttlMs: l.ttlMs,
    // DESIGN: halt is the default; an unspecified policy must not disable self-fencing.
    policy: l.lossPolicy === ProtoLossPolicy.LOSS_POLICY_FREEZE ? 'freeze' : 'halt',
    storage: kind && l.storageGroup ? { kind, group: l.storageGroup } : null,
    mountPoints: [...l.mountPoints],
    remainingMs: l.remainingMs,
    checks: l.checks.flatMap((c): ScheduledCheck[] => {
      const probe = probeSpecFromProto(c.probe?.probe);
      // A check this agent cannot run is left out; the coordinator sees it never report.
      return typeof probe === 'string' || !c.probe ? [] : [{ name: c.name, intervalMs: c.intervalMs, timeoutMs: c.probe.timeoutMs, probe }];
    }),
  };
}

export function grpcLeasesPort(address: string, channelCredentials: ChannelCredentials): LeasesPort {
  // grpc-js backs off reconnects up to 120 s by default: after a coordinator restart or a
  // network cut, renewals would wait past the TTL and the zones self-fence needlessly.
  // A reconnect at least every renewal floor keeps the lease within reach.
  const client = new LeasesClient(address, channelCredentials, {
    'grpc.initial_reconnect_backoff_ms': 250,
    'grpc.max_reconnect_backoff_ms': 500,
    ...tlsTargetOptions({ role: 'coordinator' }),
  });
  const call = <Req, Res>(method: UnaryMethod<Req, Res>, req: Req, deadlineMs: number) => unaryCall<Req, Res>(method.bind(client) as UnaryMethod<Req, Res>, req, { deadlineMs });
  return {
    async list(host, deadlineMs) {
      const res = await call(client.listHostLeases as unknown as UnaryMethod<{ host: string }, { leases: HostLease[]; renewIntervalMs: number }>, { host }, deadlineMs);
      return { leases: res.leases.map(fromHostLease), renewIntervalMs: res.renewIntervalMs };
    },
    async renew(req, deadlineMs) {
      const request: RenewLeasesRequest = {
        host: req.host,
        renewals: req.renewals,
        // Whole milliseconds: the proto's uint64 refuses a fraction, and a report that cannot
        // be encoded would fail the renewal it rides with.
        probes: req.reports.map((r) => ({ zone: r.zone, check: r.check, healthy: r.healthy, detail: r.detail, durationMs: Math.max(0, Math.round(r.durationMs)), atMs: Math.max(0, Math.round(r.atMs)), epoch: r.epoch ?? 0 })),
        twins: req.twins.map((t) => ({ zone: t.zone, state: t.state === 'running' ? ZoneState.ZONE_STATE_RUNNING : ZoneState.ZONE_STATE_READY })),
        twinsListed: req.twinsListed,
      };
      const res = await call(client.renewLeases as unknown as UnaryMethod<RenewLeasesRequest, { results: RenewalResult[]; renewIntervalMs: number }>, request, deadlineMs);
      return { results: res.results.map((r) => ({ zone: r.zone, renewed: r.renewed, epoch: r.epoch, ttlMs: r.ttlMs, code: r.code, reason: r.reason })), renewIntervalMs: res.renewIntervalMs };
    },
    close: () => client.close(),
  };
}
