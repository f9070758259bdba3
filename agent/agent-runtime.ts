// Everything one agent process holds, built once from its configuration: the runner,
// the fencing and operation stores, the platform profile. Services and ops get their
// dependencies from here, never from module-level state.
import path from 'node:path';
import { credentials, type ChannelCredentials } from '@grpc/grpc-js';
import { clientCredentials, type ExpectedServer } from '../shared/grpc/tls-credentials.js';
import type { TlsIdentity } from '../shared/tls/tls-identity.js';
import { TransferGrantGate } from './security/transfer-grant-gate.js';
import type { CallContext } from '../shared/grpc/call-context.js';
import type { Logger } from '../shared/log/create-logger.js';
import { runExecutable, type ExecutableRunner } from '../shared/process/run-executable.js';
import { systemClock, type Clock } from '../shared/time/clock.js';
import type { AgentConfig } from './agent-config.js';
import { EpochStore } from './fencing/epoch-store.js';
import { ZoneLocks } from './fencing/zone-locks.js';
import { AgentMetrics } from './metrics/agent-metrics.js';
import { meteredRunner } from './metrics/metered-runner.js';
import type { OpContext } from './ops/op-context.js';
import type { CommandRunner } from './platform/command-runner.js';
import { ExecaRunner } from './platform/execa-runner.js';
import { detectPlatformProfile, type PlatformProfile } from './platform/platform-profile.js';
import { OpResults } from './state/op-results.js';
import { TransferProgress } from './state/transfer-progress.js';

export interface AgentRuntime {
  config: AgentConfig;
  log: Logger;
  clock: Clock;
  runner: CommandRunner;
  /** Runs hooks (RunHook): executables by path, outside the command table. */
  runExecutable: ExecutableRunner;
  platform: PlatformProfile;
  epochs: EpochStore;
  locks: ZoneLocks;
  results: OpResults;
  transfers: TransferProgress;
  metrics: AgentMetrics;
  /** This agent's certificate and CA; null only when it runs --insecure. */
  tls: TlsIdentity | null;
  /** Checks archive streams' transfer grants (null when --insecure: nothing to check them with). */
  grants: TransferGrantGate | null;
  /** Credentials to call EXPECTED (the coordinator, a peer agent) as this agent. */
  channelCredentials(expected: ExpectedServer): ChannelCredentials;
  opContext(ctx: CallContext, zone: string | undefined, dryRun: boolean): OpContext;
}

export function createAgentRuntime(config: AgentConfig, log: Logger, opts: { runner?: CommandRunner; clock?: Clock; tls?: TlsIdentity | null } = {}): AgentRuntime {
  const metrics = new AgentMetrics({ host: config.host });
  const runner = meteredRunner(opts.runner ?? new ExecaRunner(config.commandPaths, log, config.commandEnv), metrics);
  const platform = detectPlatformProfile();
  const results = new OpResults(path.join(config.stateDir, 'ops'));
  const clock = opts.clock ?? systemClock;
  results.prune(clock.nowMs());
  return {
    config,
    log,
    clock,
    runner,
    runExecutable,
    platform,
    epochs: new EpochStore(path.join(config.stateDir, 'epochs')),
    locks: new ZoneLocks(),
    results,
    transfers: new TransferProgress(clock),
    metrics,
    tls: opts.tls ?? null,
    grants: opts.tls ? new TransferGrantGate({ host: config.host, ca: opts.tls.ca, stateDir: config.stateDir, clock }) : null,
    channelCredentials: (expected) => (opts.tls ? clientCredentials(opts.tls, expected) : credentials.createInsecure()),
    opContext: (ctx, zone, dryRun) => ({
      host: config.host,
      runner,
      fsRoot: config.fsRoot,
      platform,
      // The gRPC edge already binds the request's zone; binding it again repeats the key in every line.
      log: zone && ctx.log.bindings().zone !== zone ? ctx.log.child({ zone }) : ctx.log,
      signal: ctx.signal,
      dryRun,
      timeouts: config.timeouts,
      commands: [],
    }),
  };
}
