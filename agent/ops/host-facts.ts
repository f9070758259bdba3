// Host facts (agent.proto GetHostFacts): identity (uname), the patch inventory
// (showrev -p), free space of the paths asked for (df -k) and which of the storage
// groups this agent manages are imported here. Read-only: runs on dry run as well.
import { TwinzoneError } from '../../shared/errors/twinzone-error.js';
import { requirePath } from '../../shared/validate/paths.js';
import { classifyDfFailure, dfArgs, parseDfK, type DfRow } from '../commands/df.js';
import { parseShowrevPatches, showrevArgs, type ShowrevPatch } from '../commands/showrev.js';
import { parseUname, unameArgs, type UnameInfo } from '../commands/uname.js';
import { requireSuccess } from './command-errors.js';
import { exec, type OpContext } from './op-context.js';
import { listImportedGroups, requireGroupRef, type ImportedGroup, type StorageKind } from './storage-ops.js';

export interface HostFactsRequest {
  dfPaths: readonly string[];
  configuredGroups: readonly { kind: StorageKind; name: string }[];
}

export interface DfFact extends DfRow {
  /** The path asked about. */
  path: string;
}

export interface StorageFact {
  kind: StorageKind;
  name: string;
  /** Imported on this host, as this host sees it. */
  imported: boolean;
  /** vxdg STATE / zpool HEALTH; "" when not imported here. */
  state: string;
}

export interface HostFacts {
  hostname: string;
  uname: UnameInfo;
  patches: ShowrevPatch[];
  df: DfFact[];
  storage: StorageFact[];
}

async function freeSpace(ctx: OpContext, paths: readonly string[]): Promise<DfFact[]> {
  if (paths.length === 0) return [];
  const result = requireSuccess(ctx, await exec(ctx, 'df', dfArgs(paths), { mutating: false }), classifyDfFailure);
  const rows = parseDfK(result.stdout);
  // With exit 0 df printed one row per operand, in order (reference 6.3).
  if (rows.length !== paths.length) {
    throw new TwinzoneError('COMMAND_FAILED', `df -k printed ${rows.length} rows for ${paths.length} paths`, { commands: [...ctx.commands] });
  }
  return rows.map((row, i) => ({ path: paths[i]!, ...row }));
}

export async function getHostFacts(ctx: OpContext, req: HostFactsRequest): Promise<HostFacts> {
  req.dfPaths.forEach((p, i) => requirePath(`dfPaths[${i}]`, p));
  req.configuredGroups.forEach((g, i) => requireGroupRef(`configuredGroups[${i}]`, { kind: g.kind, group: g.name }));

  // The commands only read and do not depend on each other: run them at once, so the
  // facts cost the slowest command rather than the sum of five (npm run bench).
  // Only ask a volume manager this agent has groups of: a host may lack VxVM.
  const kinds = (['vxdg', 'zpool'] as const).filter((kind) => req.configuredGroups.some((g) => g.kind === kind));
  const [unameResult, showrev, df, groups] = await Promise.all([
    exec(ctx, 'uname', unameArgs.fields(), { mutating: false }),
    exec(ctx, 'showrev', showrevArgs.patches(), { mutating: false }),
    freeSpace(ctx, req.dfPaths),
    Promise.all(kinds.map((kind) => listImportedGroups(ctx, kind))),
  ]);
  const uname = parseUname(requireSuccess(ctx, unameResult).stdout);
  const patches = parseShowrevPatches(requireSuccess(ctx, showrev).stdout);
  const imported = new Map<StorageKind, ImportedGroup[]>(kinds.map((kind, i) => [kind, groups[i]!]));
  const storage = req.configuredGroups.map((g): StorageFact => {
    const here = imported.get(g.kind)?.find((i) => i.name === g.name);
    return { kind: g.kind, name: g.name, imported: here !== undefined, state: here?.state ?? '' };
  });
  return { hostname: uname.nodename, uname, patches, df, storage };
}
