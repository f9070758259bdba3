// What the agent does with a zone whose lease it lost (DESIGN "Leases and fencing"):
// `halt` (the default) self-fences: halt the zone, force-unmount its mount points and
// deport its storage, so that by the time the coordinator may grant the lease elsewhere
// (expiry plus margin) no twin runs here and the storage is free (I1, I2). `freeze`
// keeps the zone running and only reports; the coordinator then moves it only after an
// operator's confirm-down.
import { TwinzoneError } from '../../shared/errors/twinzone-error.js';
import type { OpContext } from '../ops/op-context.js';
import { deportStorage, unmountFs, type StorageKind } from '../ops/storage-ops.js';
import { haltZone } from '../ops/zone-ops.js';

export type LossPolicy = 'halt' | 'freeze';

/** A lease this host holds, as the coordinator listed it, with what to fence. */
export interface HeldLease {
  zone: string;
  epoch: number;
  ttlMs: number;
  policy: LossPolicy;
  storage: { kind: StorageKind; group: string } | null;
  mountPoints: string[];
}

export interface FenceStep {
  step: 'halt' | 'unmount' | 'deport';
  target: string;
  outcome: string;
  ok: boolean;
}

export interface FenceReport {
  zone: string;
  epoch: number;
  ok: boolean;
  steps: FenceStep[];
}

/**
 * Self-fences one zone through the agent's own ops (the same argv, parsing and
 * idempotence as a coordinator-driven halt, unmount and deport). Every step runs even
 * if an earlier one failed: storage left imported because a halt reported an odd state
 * would defeat the point (I2). Unmounts are forced, since a stale host's open files must
 * not keep its storage. A zone that is only configured has nothing to halt.
 */
export async function selfFence(ctx: OpContext, lease: HeldLease): Promise<FenceReport> {
  const steps: FenceStep[] = [];
  const attempt = async (step: FenceStep['step'], target: string, fn: () => Promise<{ outcome: string }>): Promise<void> => {
    try {
      steps.push({ step, target, outcome: (await fn()).outcome, ok: true });
    } catch (err) {
      const code = err instanceof TwinzoneError ? err.code : 'INTERNAL';
      const notBooted = step === 'halt' && code === 'ZONE_WRONG_STATE';
      steps.push({ step, target, outcome: notBooted ? 'not booted' : `${code}: ${(err as Error).message}`, ok: notBooted });
    }
  };
  await attempt('halt', lease.zone, () => haltZone(ctx, { zone: lease.zone }));
  for (const mountPoint of lease.mountPoints) await attempt('unmount', mountPoint, () => unmountFs(ctx, { mountPoint, force: true }));
  if (lease.storage) {
    const storage = lease.storage;
    await attempt('deport', storage.group, () => deportStorage(ctx, { kind: storage.kind, group: storage.group }));
  }
  return { zone: lease.zone, epoch: lease.epoch, ok: steps.every((s) => s.ok), steps };
}

/** One line for the coordinator's record of what happened to a lost lease. */
export function describeLoss(lease: HeldLease, why: string, fence: FenceReport | null): string {
  if (lease.policy === 'freeze') return `lease on ${lease.zone} at epoch ${lease.epoch} lost (${why}); policy freeze: the zone keeps running`;
  const steps = fence?.steps.map((s) => `${s.step} ${s.target}: ${s.outcome}`).join('; ') ?? '';
  return `lease on ${lease.zone} at epoch ${lease.epoch} lost (${why}); self-fenced${fence?.ok ? '' : ' WITH FAILURES'}: ${steps}`;
}
