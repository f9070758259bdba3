// A CommandRunner that times every command into the agent's metrics, around the one
// real runner: the ops and the execa runner stay unaware of Prometheus.
import type { CommandRunner, RunResult } from '../platform/command-runner.js';
import type { AgentMetrics, CommandResult } from './agent-metrics.js';

function resultOf(r: RunResult): CommandResult {
  if (r.timedOut) return 'timeout';
  if (r.cancelled) return 'cancelled';
  return r.record.exitCode === 0 ? 'ok' : 'failed';
}

export function meteredRunner(runner: CommandRunner, metrics: AgentMetrics): CommandRunner {
  const observe = (command: string, r: RunResult): RunResult => {
    metrics.command(command, resultOf(r), r.record.durationMs);
    return r;
  };
  return {
    run: async (spec) => observe(spec.command, await runner.run(spec)),
    start: (spec) => {
      const started = runner.start(spec);
      return { ...started, done: started.done.then((r) => observe(spec.command, r)) };
    },
    argvOf: (spec) => runner.argvOf(spec),
  };
}
