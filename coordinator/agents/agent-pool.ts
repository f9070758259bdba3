// One gRPC channel per agent host, opened on first use from the inventory's map of host
// name → address, and a reachability probe of every host through grpc.health.v1.
import { Channel, credentials as grpcCredentials, type ChannelCredentials, type ChannelOptions } from '@grpc/grpc-js';
import { TwinzoneError } from '../../shared/errors/twinzone-error.js';
import { HealthCheckResponse_ServingStatus, HealthClient, type HealthCheckRequest, type HealthCheckResponse } from '../../shared/gen/grpc/health/v1/health.js';
import { AgentClient, type TransferGrant } from '../../shared/gen/twinzone/v1/agent.js';
import type { GrantRequest } from '../../shared/tls/transfer-grant.js';
import { unaryCall, type UnaryMethod } from '../../shared/grpc/unary-call.js';
import { tlsTargetOptions } from '../../shared/grpc/tls-credentials.js';
import type { Logger } from '../../shared/log/create-logger.js';
import { AgentConnection, type AgentConnectionOptions, type PullFacts } from './agent-client.js';

/** The service name the agent reports health for (agent/main.ts registers it). */
export const AGENT_SERVICE_NAME = 'twinzone.v1.Agent';

/**
 * Reachability asks nothing of the agent but to answer; a healthy one does so in
 * milliseconds. The bound is generous all the same: a run's preflight refuses on it, and
 * a busy host (or a TLS reconnect after an agent restart) can take seconds to answer
 * without being down; a dead one only makes the preflight wait this long.
 */
export const DEFAULT_PROBE_DEADLINE_MS = 10_000;

const CHANNEL_OPTIONS: ChannelOptions = {
  // A restarted agent is found again within seconds, not after grpc's default 120 s cap.
  'grpc.initial_reconnect_backoff_ms': 500,
  'grpc.max_reconnect_backoff_ms': 5_000,
  // Pings during calls: a host that dies without closing its sockets fails an hours-long
  // archive call with UNAVAILABLE within a minute instead of at its deadline.
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 10_000,
};

export type Reachability =
  | { host: string; state: 'serving'; rttMs: number }
  /** Answers, but is stopping (it stops accepting calls first): send it nothing new. */
  | { host: string; state: 'not-serving'; rttMs: number }
  | { host: string; state: 'unreachable'; error: TwinzoneError };

export interface AgentPoolOptions {
  /** host name → host:port, from the inventory. */
  addresses: Readonly<Record<string, string>>;
  /**
   * The credentials to reach HOST's agent: mutual TLS expecting that host's agent
   * certificate (the daemon passes them); default plaintext, for a coordinator run --insecure.
   */
  credentialsFor?: (host: string) => ChannelCredentials;
  /** Deadlines, retry policy and jitter for every connection. */
  connection?: Pick<AgentConnectionOptions, 'budgets' | 'retry' | 'random'>;
  probeDeadlineMs?: number;
  log?: Logger;
  /** Signs transfer grants (the coordinator's TLS identity); absent when it runs --insecure. */
  signGrant?: (request: GrantRequest) => TransferGrant;
}

interface Entry {
  channel: Channel;
  agent: AgentClient;
  health: HealthClient;
  connection: AgentConnection;
}

export class AgentPool {
  private readonly entries = new Map<string, Entry>();
  private readonly creds: (host: string) => ChannelCredentials;

  constructor(private readonly opts: AgentPoolOptions) {
    this.creds = opts.credentialsFor ?? (() => grpcCredentials.createInsecure());
  }

  hosts(): string[] {
    return Object.keys(this.opts.addresses);
  }

  /** The connection to HOST's agent; HOST_NOT_FOUND when the inventory does not name it. */
  get(host: string): AgentConnection {
    return this.entry(host).connection;
  }

  /** One grpc.health.v1 Check per host, in parallel, no retries: the answer is about now. */
  async probeAll(signal?: AbortSignal): Promise<Map<string, Reachability>> {
    const results = await Promise.all(this.hosts().map((host) => this.probe(host, signal)));
    return new Map(results.map((r) => [r.host, r]));
  }

  /**
   * One health check. `waitForReady` (a run's preflight) waits out the channel's reconnect
   * backoff within the deadline: an agent restarted a moment ago is up, but the channel
   * that failed while it was down would otherwise report that old failure at once (the
   * campaign: a switchover refused two seconds after the agent was back). A status call
   * does not wait, so a dead host costs it nothing.
   */
  async probe(host: string, signal?: AbortSignal, opts: { waitForReady?: boolean } = {}): Promise<Reachability> {
    const { health, connection } = this.entry(host);
    const started = performance.now();
    try {
      const check = health.check.bind(health) as UnaryMethod<HealthCheckRequest, HealthCheckResponse>;
      const res = await unaryCall(check, { service: AGENT_SERVICE_NAME }, { deadlineMs: this.opts.probeDeadlineMs ?? DEFAULT_PROBE_DEADLINE_MS, signal, waitForReady: opts.waitForReady });
      const rttMs = Math.round(performance.now() - started);
      return res.status === HealthCheckResponse_ServingStatus.SERVING ? { host, state: 'serving', rttMs } : { host, state: 'not-serving', rttMs };
    } catch (err) {
      const te = err as TwinzoneError;
      const message = `${host}: agent at ${connection.address} did not answer a health check: ${te.message}`;
      return { host, state: 'unreachable', error: new TwinzoneError(te.code, message, { ...te.details, fields: { ...te.details.fields, host, address: connection.address } }) };
    }
  }

  /** Closes every channel; a later get() opens a fresh one. */
  closeAll(): void {
    // Both clients ride on the channel, so closing it ends them too.
    for (const e of this.entries.values()) e.channel.close();
    this.entries.clear();
  }

  /** What a grant for HOST pulling REQ names: the source host by its address in the inventory. */
  private grantRequest(host: string, req: PullFacts): GrantRequest {
    const source = Object.entries(this.opts.addresses).find(([, address]) => address === req.sourceAddress)?.[0];
    if (!source) throw new TwinzoneError('INVALID_ARGUMENT', `source address ${req.sourceAddress} is no inventory host's agent; a transfer is granted only between inventory hosts`, { fields: { field: 'source_address' } });
    const m = req.mutation;
    return { sourceHost: source, targetHost: host, zone: m?.zone ?? '', zonepath: req.sourcePath, opId: m?.opId ?? '', epoch: m?.epoch ?? 0 };
  }

  private entry(host: string): Entry {
    const existing = this.entries.get(host);
    if (existing) return existing;
    const address = Object.prototype.hasOwnProperty.call(this.opts.addresses, host) ? this.opts.addresses[host] : undefined;
    if (!address) {
      throw new TwinzoneError('HOST_NOT_FOUND', `host ${host} is not in the inventory`, { fields: { host } });
    }
    // The Agent and Health clients share the channel: one connection per host.
    const creds = this.creds(host);
    const channel = new Channel(address, creds, { ...CHANNEL_OPTIONS, ...tlsTargetOptions({ role: 'agent', name: host }) });
    const agent = new AgentClient(address, creds, { channelOverride: channel });
    const health = new HealthClient(address, creds, { channelOverride: channel });
    const sign = this.opts.signGrant;
    const grantFor = sign ? (pull: PullFacts) => sign(this.grantRequest(host, pull)) : undefined;
    const connection = new AgentConnection({ ...this.opts.connection, host, address, client: agent, log: this.opts.log, ...(grantFor ? { grantFor } : {}) });
    const created = { channel, agent, health, connection };
    this.entries.set(host, created);
    return created;
  }
}
