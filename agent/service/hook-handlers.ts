// RunHook: one run hook under the agent's hooksDir (hook-ops.ts), for the coordinator
// only (agent-access.ts gives every RPC it does not list to the coordinator alone).
import { unary } from '../../shared/grpc/unary-handler.js';
import type { RunHookRequest, RunHookResponse } from '../../shared/gen/twinzone/v1/agent.js';
import type { AgentRuntime } from '../agent-runtime.js';
import { runHook } from '../ops/hook-ops.js';

export function hookHandlers(runtime: AgentRuntime) {
  return {
    runHook: unary<RunHookRequest, RunHookResponse>(
      runtime.log,
      'RunHook',
      (r) => {
        const req = r as Partial<RunHookRequest>;
        return { ...(req.zone && { zone: req.zone }), ...(req.opId && { op: req.opId }) };
      },
      async (req, ctx) => {
        const r = await runHook(runtime.config.hooksDir, runtime.runExecutable, { argv: req.argv, env: req.env, timeoutMs: req.timeoutMs, signal: ctx.signal }, ctx.log);
        return { exitCode: r.exitCode, timedOut: r.timedOut, stdout: r.stdout, stderr: r.stderr, durationMs: r.durationMs, path: r.path };
      },
    ),
  };
}
