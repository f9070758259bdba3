// GetHostFacts: the facts a run's preflight and a space check need, read-only.
import { unary } from '../../shared/grpc/unary-handler.js';
import { requirePath } from '../../shared/validate/paths.js';
import type { GetHostFactsRequest, GetHostFactsResponse } from '../../shared/gen/twinzone/v1/agent.js';
import type { AgentRuntime } from '../agent-runtime.js';
import { getHostFacts } from '../ops/host-facts.js';
import { toProtoStorageKind } from './proto-convert.js';
import { repoVersion } from '../../shared/version.js';

export function hostHandlers(runtime: AgentRuntime) {
  return {
    getHostFacts: unary<GetHostFactsRequest, GetHostFactsResponse>(runtime.log, 'GetHostFacts', () => ({}), async (req, ctx) => {
      req.dfPaths.forEach((p, i) => requirePath(`df_paths.${i}`, p));
      const op = runtime.opContext(ctx, undefined, false);
      const facts = await getHostFacts(op, { dfPaths: req.dfPaths, configuredGroups: runtime.config.storage });
      return {
        hostname: facts.hostname,
        uname: facts.uname,
        patches: facts.patches.map((p) => ({ id: p.id, rev: p.rev, packages: p.packages, obsoletes: p.obsoletes, requires: p.requires })),
        df: facts.df.map((d) => ({ path: d.path, filesystem: d.filesystem, kbytes: d.kbytes, usedKb: d.usedKb, availKb: d.availKb, capacityPercent: d.capacityPercent, mountedOn: d.mountedOn })),
        storage: facts.storage.map((s) => ({ kind: toProtoStorageKind(s.kind), name: s.name, imported: s.imported, state: s.state })),
        platform: runtime.platform.os,
        agentVersion: repoVersion(),
        commands: op.commands,
      };
    }),
  };
}

