// The agent's Prometheus metrics (README "Operations" lists them): how long each Solaris
// command takes and how it ends, and probe results (archive bytes and rates are the
// coordinator's, from the runs' transfer reports). One registry per agent process,
// served at `metrics: HOST:PORT` /metrics.
import { Registry, collectDefaultMetrics } from 'prom-client';
import { metricsOn } from '../../shared/metrics/metric-factory.js';
import type { ProbeResult } from '../probes/probe-result.js';

/** Seconds: a df answers in milliseconds, a zoneadm boot in seconds, a pax of a zonepath in hours. */
const COMMAND_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 7200, 21600];

export type CommandResult = 'ok' | 'failed' | 'timeout' | 'cancelled';

export class AgentMetrics {
  readonly registry = new Registry();
  private readonly m = metricsOn(this.registry);

  private readonly commandSeconds = this.m.histogram('twinzone_agent_command_duration_seconds', 'Duration of each Solaris command the agent ran, by command and result (ok, failed, timeout, cancelled).', ['command', 'result'], COMMAND_BUCKETS);

  private readonly probeResults = this.m.counter('twinzone_agent_probe_results_total', 'Health probes run by this agent, by probe kind and result (healthy, unhealthy).', ['probe', 'result']);

  constructor(labels: { host: string }) {
    this.registry.setDefaultLabels({ host: labels.host });
    collectDefaultMetrics({ register: this.registry, prefix: 'twinzone_agent_' });
  }

  command(command: string, result: CommandResult, durationMs: number): void {
    this.commandSeconds.observe({ command, result }, durationMs / 1000);
  }

  probe(probe: string, result: Pick<ProbeResult, 'healthy'>): void {
    this.probeResults.inc({ probe, result: result.healthy ? 'healthy' : 'unhealthy' });
  }
}
