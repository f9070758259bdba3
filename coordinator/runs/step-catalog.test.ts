import { describe, expect, it } from 'vitest';
import * as gen from '../../shared/gen/twinzone/v1/agent.js';
import type { Mutation } from '../../shared/gen/twinzone/v1/common.js';
import { AGENT_RPCS, RPC_RETRY } from '../agents/agent-rpcs.js';
import { loadInventory } from '../inventory/load-inventory.js';
import { planDrFailover } from './kinds/dr-failover.js';
import { planDrSwitchover } from './kinds/dr-switchover.js';
import { planFailover } from './kinds/failover.js';
import { planFallback } from './kinds/fallback.js';
import { planMigrate } from './kinds/migrate.js';
import { planSwitchover } from './kinds/switchover.js';
import type { RunPlan } from './run-plan.js';
import { buildAgentCall, defaultUndo, isStepName, STEP_CATALOG, StepName, type StepArgs } from './step-catalog.js';

const inventory = loadInventory(new URL('../../deploy/inventory.example.yaml', import.meta.url).pathname);
const MUTATION: Mutation = { opId: 'run-1.3.1', epoch: 7, dryRun: false, zone: 'db01' };

const PLANS: RunPlan[] = [
  planSwitchover(inventory, 'db01', { source: 'hostA', target: 'hostB' }),
  planFailover(inventory, 'db01', { source: 'hostA', target: 'hostB' }),
  planMigrate(inventory, 'web01', { source: 'hostA', target: 'hostB' }),
  planMigrate(inventory, 'web01', { source: 'hostA', target: 'hostB', viaFile: '/var/tmp/web01.pax' }),
  planFallback(inventory, 'db01', { source: 'hostB', target: 'hostA' }),
  planDrSwitchover(inventory, 'db01', { source: 'hostA', target: 'hostC' }),
  planDrFailover(inventory, 'db01', { source: 'hostA', target: 'hostC' }),
];

interface Use {
  name: StepName;
  args: unknown;
}

/** Every step and undo the plans name, plus the agent steps no plan uses yet. */
const USES: Use[] = [
  ...PLANS.flatMap((p) => p.steps.flatMap((s) => [{ name: s.name, args: s.args }, ...(s.undo ? [{ name: s.undo.name, args: s.undo.args }] : [])])),
  { name: 'query-replication', args: { rdfGroup: 'dbdg' } },
  { name: 'replication-split', args: { rdfGroup: 'dbdg' } },
  { name: 'halt-zone', args: {} },
];

/** The generated codec of an RPC's request: fromPartial keeps only fields the message has. */
function codec(rpc: string): gen.MessageFns<unknown> {
  const fns = (gen as unknown as Record<string, gen.MessageFns<unknown> | undefined>)[`${rpc}Request`];
  if (!fns) throw new Error(`no generated ${rpc}Request`);
  return fns;
}

describe('step catalogue', () => {
  it('has an entry for every step name and only those', () => {
    expect(Object.keys(STEP_CATALOG).sort()).toEqual(Object.values(StepName).sort());
    expect(isStepName('boot-zone')).toBe(true);
    expect(isStepName('reboot-zone')).toBe(false);
  });

  it('names only Agent RPCs that exist; a step mutates exactly when its RPC is an op-id RPC', () => {
    for (const [name, spec] of Object.entries(STEP_CATALOG)) {
      if (spec.side === 'agent') {
        expect(AGENT_RPCS, name).toContain(spec.rpc);
        expect(RPC_RETRY[spec.rpc] === 'by-op-id', name).toBe(spec.mutates);
      } else {
        for (const rpc of spec.reads) expect(AGENT_RPCS, name).toContain(rpc);
      }
    }
  });

  it('every step a plan names is in the catalogue, and every agent step is exercised here', () => {
    for (const u of USES) expect(isStepName(u.name), u.name).toBe(true);
    const used = new Set(USES.map((u) => u.name));
    for (const [name, spec] of Object.entries(STEP_CATALOG)) if (spec.side === 'agent') expect(used.has(name as StepName), name).toBe(true);
  });

  it('builds requests whose every field exists on the generated request type, and that survive the wire', () => {
    for (const u of USES) {
      const call = buildAgentCall(u.name, u.args as StepArgs[StepName], MUTATION);
      if (STEP_CATALOG[u.name].side === 'coordinator') {
        expect(call, u.name).toBeNull();
        continue;
      }
      expect(call, u.name).not.toBeNull();
      const fns = codec(call!.rpc);
      // fromPartial fills what is missing and drops what the message does not have:
      // equal means the builder set every field, each one the message's own.
      expect(fns.fromPartial(call!.request as never), u.name).toEqual(call!.request);
      expect(fns.decode(fns.encode(call!.request).finish()), u.name).toEqual(call!.request);
      if (call!.mutates) expect((call!.request as { mutation: Mutation }).mutation, u.name).toEqual(MUTATION);
      else expect(call!.request, u.name).not.toHaveProperty('mutation');
    }
  });

  it('maps storage kinds and SRDF verbs to the generated enums', () => {
    const imp = buildAgentCall('import-storage', { kind: 'zpool', group: 'apppool', clearForeignLock: true, temporary: false }, MUTATION)!;
    expect(imp.request).toMatchObject({ kind: gen.StorageKind.STORAGE_KIND_ZPOOL, clearForeignLock: true });
    const dep = buildAgentCall('deport-storage', { kind: 'vxdg', group: 'dbdg' }, MUTATION)!;
    expect(dep.request).toMatchObject({ kind: gen.StorageKind.STORAGE_KIND_VXDG });
    const verbs = {
      'replication-failover': gen.ReplicationVerb.REPLICATION_VERB_FAILOVER,
      'replication-failback': gen.ReplicationVerb.REPLICATION_VERB_FAILBACK,
      'replication-swap': gen.ReplicationVerb.REPLICATION_VERB_SWAP,
      'replication-split': gen.ReplicationVerb.REPLICATION_VERB_SPLIT,
      'replication-establish': gen.ReplicationVerb.REPLICATION_VERB_ESTABLISH,
    } as const;
    for (const [name, verb] of Object.entries(verbs)) {
      expect(buildAgentCall(name as keyof typeof verbs, { rdfGroup: 'dbdg' }, MUTATION)).toEqual({
        rpc: 'ReplicationAction',
        mutates: true,
        request: { mutation: MUTATION, group: 'dbdg', verb },
      });
    }
  });

  it('pairs the undos as the runbook does: what one step does, its undo takes back', () => {
    const mount = { special: '/dev/vx/dsk/dbdg/datavol', mountPoint: '/data/db01', fstype: 'vxfs', options: [] };
    const unmount = defaultUndo('mount-fs', mount)!;
    expect(unmount).toEqual({ name: 'unmount-fs', args: { ...mount, force: false } });
    expect(defaultUndo('unmount-fs', unmount.args as StepArgs['unmount-fs'])).toEqual({ name: 'mount-fs', args: mount });

    const imported = { kind: 'vxdg', group: 'dbdg', clearForeignLock: false, temporary: true } as const;
    expect(defaultUndo('import-storage', imported)).toEqual({ name: 'deport-storage', args: { kind: 'vxdg', group: 'dbdg' } });
    expect(defaultUndo('deport-storage', { kind: 'vxdg', group: 'dbdg' })).toEqual({ name: 'import-storage', args: imported });

    expect(defaultUndo('attach-zone', { force: false, forceIfAccepted: true, deltasFrom: 'hostA' })?.name).toBe('detach-zone');
    expect(defaultUndo('detach-zone', {})).toEqual({ name: 'attach-zone', args: { force: true, forceIfAccepted: false, deltasFrom: null } });
    expect(defaultUndo('boot-zone', { bootArgs: [] })?.name).toBe('halt-zone');
    expect(defaultUndo('shutdown-zone', { timeoutMs: 60_000 })).toEqual({ name: 'boot-zone', args: { bootArgs: [] } });
    expect(defaultUndo('halt-zone', {})?.name).toBe('boot-zone');
    expect(defaultUndo('create-zone-from-detached', { zonepath: '/zones/web01', netRemaps: [], deviceRemaps: [] })?.name).toBe('delete-zone-config');
    expect(defaultUndo('replication-failover', { rdfGroup: 'dbdg' })).toEqual({ name: 'replication-failback', args: { rdfGroup: 'dbdg' } });
    expect(defaultUndo('reserve-lease', { target: 'hostB' })).toEqual({ name: 'abort-lease', args: { target: 'hostB' } });
    expect(defaultUndo('grant-lease', { host: 'hostB' })).toEqual({ name: 'release-lease', args: { host: 'hostB' } });
  });

  it('marks what a rollback cannot take back', () => {
    const irreversible = Object.entries(STEP_CATALOG).filter(([, s]) => s.irreversible).map(([n]) => n);
    expect(irreversible.sort()).toEqual(['commit-lease', 'replication-swap']);
  });

  it('builds the runbook requests of test/integration/agent-runbook.test.ts', () => {
    const migrate = PLANS[2]!;
    const request = (name: StepName) => {
      const step = migrate.steps.find((s) => s.name === name)!;
      return buildAgentCall(step.name, step.args as StepArgs[StepName], MUTATION)!.request;
    };
    expect(request('prepare-zonepath')).toEqual({
      mutation: MUTATION,
      zonepath: '/zones/web01',
      zonesLofsSpecial: '/export/zones',
      zonesLofsMountPoint: '/zones',
      vfstab: [
        { special: '/export/zones', fsckDevice: '-', mountPoint: '/zones', fstype: 'lofs', fsckPass: '-', mountAtBoot: true, options: '-' },
        { special: '/dev/vx/dsk/webdg/datavol', fsckDevice: '/dev/vx/rdsk/webdg/datavol', mountPoint: '/data/web01', fstype: 'vxfs', fsckPass: '3', mountAtBoot: false, options: '-' },
      ],
    });
    expect(request('import-storage')).toEqual({ mutation: MUTATION, kind: gen.StorageKind.STORAGE_KIND_VXDG, group: 'webdg', clearForeignLock: false, temporary: true });
    expect(request('pull-zonepath')).toEqual({ mutation: MUTATION, sourceAddress: '10.1.0.11:7420', sourceZonepath: '/zones/web01', zonepath: '/zones/web01' });
    expect(request('create-zone-from-detached')).toEqual({
      mutation: MUTATION,
      zonepath: '/zones/web01',
      netRemaps: [{ fromPhysical: 'bge0', toPhysical: 'e1000g0', address: '', defrouter: '' }],
      deviceRemaps: [],
    });
    expect(request('attach-zone')).toEqual({ mutation: MUTATION, force: false, validateOnly: false });
    expect(request('convert-zone')).toEqual({ mutation: MUTATION });
  });
});
