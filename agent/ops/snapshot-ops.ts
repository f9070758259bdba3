// ZFS snapshot verbs (agent.proto SnapshotAction). State-idempotent through one read of
// every dataset and snapshot name (`zfs list -H -o name,origin -t all`): creating a
// snapshot that exists, destroying one that does not, and cloning onto a target that
// is already that snapshot's clone all succeed without running anything. Rollback has
// no readable end state, so it always runs (a retried op id is answered from the
// agent's record of results, not by running it again).
import { TwinzoneError, errors } from '../../shared/errors/twinzone-error.js';
import { requireDatasetName, requireSnapshotName } from '../../shared/validate/storage-names.js';
import { classifyZfsFailure, parseZfsList, zfsArgs } from '../commands/zfs.js';
import { requireSuccess } from './command-errors.js';
import fs from 'node:fs/promises';
import { requirePath } from '../../shared/validate/paths.js';
import { exec, realPath, type OpContext } from './op-context.js';
import type { OpOutcome } from './op-result.js';

export const SNAPSHOT_VERBS = ['create', 'rollback', 'clone', 'destroy'] as const;
export type SnapshotVerb = (typeof SNAPSHOT_VERBS)[number];

export interface SnapshotActionRequest {
  verb: SnapshotVerb;
  /** pool/dataset@name */
  snapshot: string;
  /** For clone: the new dataset. */
  cloneTarget?: string;
  /** For rollback: a file on the dataset the application appends one line per write to (global-zone path). */
  countLinesOf?: string;
}

export interface SnapshotOutcome extends OpOutcome {
  /** rollback with countLinesOf: the lines the rollback took away. */
  discardedLines?: number;
}

const DONE: Record<SnapshotVerb, string> = { create: 'created', rollback: 'rolled back', clone: 'cloned', destroy: 'destroyed' };
const PLANNED: Record<SnapshotVerb, string> = { create: 'would create', rollback: 'would roll back', clone: 'would clone', destroy: 'would destroy' };

function validate(req: SnapshotActionRequest): void {
  if (!SNAPSHOT_VERBS.includes(req.verb)) {
    throw errors.invalidArgument(`verb ${JSON.stringify(req.verb)} is not one of ${SNAPSHOT_VERBS.join(', ')}`, { field: 'verb' });
  }
  requireSnapshotName('snapshot', req.snapshot);
  if (req.verb === 'clone') {
    if (!req.cloneTarget) throw errors.invalidArgument('clone needs a cloneTarget dataset', { field: 'cloneTarget' });
    requireDatasetName('cloneTarget', req.cloneTarget);
  }
  if (req.countLinesOf) requirePath('countLinesOf', req.countLinesOf);
}

/** Complete lines of the file (a torn last line is not a write yet); a missing file has none. */
async function countLines(ctx: OpContext, solarisPath: string): Promise<number> {
  try {
    const text = await fs.readFile(realPath(ctx, solarisPath), 'utf8');
    return text.split('\n').length - 1;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw new TwinzoneError('PRECONDITION_FAILED', `cannot read ${solarisPath} on ${ctx.host}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { fields: { path: solarisPath } });
  }
}

/** Every dataset and snapshot this host can see, with its origin ("-" unless a clone). */
async function datasets(ctx: OpContext): Promise<Map<string, string>> {
  const result = requireSuccess(ctx, await exec(ctx, 'zfs', zfsArgs.list(['name', 'origin']), { mutating: false }), classifyZfsFailure);
  return new Map(parseZfsList(result.stdout, ['name', 'origin'] as const).map((r) => [r.name, r.origin]));
}

function notHere(ctx: OpContext, what: string, name: string): TwinzoneError {
  return new TwinzoneError('GROUP_NOT_FOUND', `${what} ${name} does not exist on ${ctx.host} (is its pool imported here?)`, {
    fields: { dataset: name },
    commands: [...ctx.commands],
  });
}

export async function snapshotAction(ctx: OpContext, req: SnapshotActionRequest): Promise<SnapshotOutcome> {
  validate(req);
  const known = await datasets(ctx);
  const dataset = req.snapshot.slice(0, req.snapshot.indexOf('@'));
  let args: string[];
  switch (req.verb) {
    case 'create':
      if (known.has(req.snapshot)) return { outcome: 'already exists', changed: false };
      if (!known.has(dataset)) throw notHere(ctx, 'dataset', dataset);
      args = zfsArgs.snapshot(req.snapshot);
      break;
    case 'destroy':
      if (!known.has(req.snapshot)) return { outcome: 'already destroyed', changed: false };
      args = zfsArgs.destroy(req.snapshot);
      break;
    case 'clone': {
      const target = req.cloneTarget!;
      const origin = known.get(target);
      if (origin === req.snapshot) return { outcome: 'already cloned', changed: false };
      if (origin !== undefined) {
        throw new TwinzoneError('PRECONDITION_FAILED', `${target} already exists on ${ctx.host} and is not a clone of ${req.snapshot} (origin ${origin})`, {
          fields: { dataset: target },
          commands: [...ctx.commands],
        });
      }
      if (!known.has(req.snapshot)) throw notHere(ctx, 'snapshot', req.snapshot);
      args = zfsArgs.clone(req.snapshot, target);
      break;
    }
    case 'rollback':
      if (!known.has(req.snapshot)) throw notHere(ctx, 'snapshot', req.snapshot);
      args = zfsArgs.rollback(req.snapshot);
      break;
  }
  const counting = req.verb === 'rollback' && req.countLinesOf && !ctx.dryRun ? req.countLinesOf : null;
  const before = counting ? await countLines(ctx, counting) : 0;
  const result = await exec(ctx, 'zfs', args, { mutating: true });
  if (ctx.dryRun) return { outcome: PLANNED[req.verb], changed: false };
  requireSuccess(ctx, result, classifyZfsFailure, { snapshot: req.snapshot });
  if (!counting) return { outcome: DONE[req.verb], changed: true };
  const discardedLines = Math.max(0, before - (await countLines(ctx, counting)));
  return { outcome: `${DONE[req.verb]}, ${discardedLines} lines of ${counting} discarded`, changed: true, discardedLines };
}
