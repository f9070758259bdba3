// The seed's first-time migration of web01 from hostA (sun4u) to hostB (sun4v), done
// step by step through the two agents' RPCs, the archive streamed agent to agent, and
// the invariant checker judging the lab afterwards.
import { describe, expect } from 'vitest';
import { agentTest as it } from '../support/agent-fixture.js';
import { mutations, rpc } from '../support/agent-calls.js';
import { StorageKind, DeltaKind } from '../../shared/gen/twinzone/v1/agent.js';
import { ZoneState } from '../../shared/gen/twinzone/v1/common.js';
import { readLabConfig } from '../solsim/src/state/lab-config.js';
import { readObserverLog } from '../solsim/src/observer.js';
import { checkLab } from '../lab/checker.js';

const mut = mutations('runbook');

describe("the seed's runbook through two agents", () => {
  it('migrates web01 from hostA to hostB: halt, detach, deport, stream, prepare, import, mount, extract, create -a with a remap, attach, s8_p2v, boot', async ({ lab }) => {
    const A = 'hostA';
    const B = 'hostB';
    const source = readLabConfig(lab.dir).hosts[A]!.agent!.address;

    // Space on both sides.
    const factsA = await rpc(lab, A, 'getHostFacts', { dfPaths: ['/zones'] });
    const factsB = await rpc(lab, B, 'getHostFacts', { dfPaths: ['/zones'] });
    expect(factsA.uname.machine).toBe('sun4u');
    expect(factsB.uname.machine).toBe('sun4v');
    expect(factsB.df[0].availKb).toBeGreaterThan(10_000);

    // Source, under epoch 1.
    expect((await rpc(lab, A, 'shutdownZone', { ...mut('web01', 1), timeoutMs: 30_000 })).state).toBe(ZoneState.ZONE_STATE_INSTALLED);
    expect((await rpc(lab, A, 'detachZone', mut('web01', 1))).state).toBe(ZoneState.ZONE_STATE_CONFIGURED);
    expect((await rpc(lab, A, 'unmountFs', { ...mut('web01', 1), mountPoint: '/data/web01', force: false })).changed).toBe(true);
    expect((await rpc(lab, A, 'deportStorage', { ...mut('web01', 1), kind: StorageKind.STORAGE_KIND_VXDG, group: 'webdg' })).changed).toBe(true);

    // Target, under epoch 2: the zonepath, the /zones loopback, the data mount in vfstab.
    const prepared = await rpc(lab, B, 'prepareZonepath', {
      ...mut('web01', 2),
      zonepath: '/zones/web01',
      zonesLofsSpecial: '/export/zones',
      zonesLofsMountPoint: '/zones',
      vfstab: [{ special: '/dev/vx/dsk/webdg/datavol', fsckDevice: '/dev/vx/rdsk/webdg/datavol', mountPoint: '/data/web01', fstype: 'vxfs', fsckPass: '3', mountAtBoot: false, options: '-' }],
    });
    expect(prepared.changed).toBe(true);
    expect((await rpc(lab, B, 'importStorage', { ...mut('web01', 2), kind: StorageKind.STORAGE_KIND_VXDG, group: 'webdg', clearForeignLock: false, temporary: true })).outcome).toBe('imported');
    expect((await rpc(lab, B, 'mountFs', { ...mut('web01', 2), special: '', mountPoint: '/data/web01', fstype: '', options: [] })).changed).toBe(true);

    // The archive, streamed from hostA's agent into hostB's pax.
    const pull = { ...mut('web01', 2), sourceAddress: source, sourceZonepath: '/zones/web01', zonepath: '/zones/web01' };
    const pulled = await rpc(lab, B, 'pullZonepath', { ...pull, grant: lab.grant(A, B, pull) });
    expect(pulled.summary.sha256).toBe(pulled.peerSummary.sha256);
    expect(pulled.summary.bytes).toBeGreaterThan(1_000_000);
    expect(pulled.summary.warnings.join('\n')).toContain('app.sock');

    // The zone's configuration from the detach manifest, with the sun4v interface.
    const created = await rpc(lab, B, 'createZoneFromDetached', {
      ...mut('web01', 2), zonepath: '/zones/web01', netRemaps: [{ fromPhysical: 'bge0', toPhysical: 'e1000g0', address: '', defrouter: '' }], deviceRemaps: [],
    });
    expect(created.state).toBe(ZoneState.ZONE_STATE_CONFIGURED);
    const zone = await rpc(lab, B, 'getZone', { zone: 'web01' });
    expect(zone.config.net.map((n: { physical: string }) => n.physical)).toEqual(['e1000g0']);
    expect(zone.detachedManifest).toBe(true);

    // Attach stops on the patch deltas between the hosts; forced once they are accepted.
    const refused = await rpc(lab, B, 'attachZone', { ...mut('web01', 2), force: false, validateOnly: false });
    expect(refused.attached).toBe(false);
    expect(refused.deltas.patches).toContainEqual(expect.objectContaining({ id: '138888', kind: DeltaKind.DELTA_KIND_EXTRA, localRev: '08' }));
    expect(refused.deltas.packages).toContainEqual(expect.objectContaining({ name: 'SUNWcsu', kind: DeltaKind.DELTA_KIND_VERSION_MISMATCH }));
    const forced = await rpc(lab, B, 'attachZone', { ...mut('web01', 2), force: true, validateOnly: false });
    expect(forced).toMatchObject({ attached: true, state: ZoneState.ZONE_STATE_INSTALLED });

    // s8_p2v adapts the installed image to this host before its first boot here.
    expect((await rpc(lab, B, 'convertZone', mut('web01', 2))).changed).toBe(true);

    expect((await rpc(lab, B, 'bootZone', { ...mut('web01', 2), bootArgs: [] })).state).toBe(ZoneState.ZONE_STATE_RUNNING);
    const probe = await rpc(lab, B, 'runProbe', { timeoutMs: 5000, probe: { $case: 'zoneState', value: { zone: 'web01' } } });
    expect(probe).toMatchObject({ healthy: true, detail: 'web01 is running' });

    // The application resumed where hostA's stopped, and the lab kept its invariants.
    const deadline = Date.now() + 10_000;
    while (!readObserverLog(lab.dir).some((e) => e.type === 'app.start' && e.host === B) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const starts = readObserverLog(lab.dir).filter((e) => e.type === 'app.start' && e.zone === 'web01').map((e) => e.host);
    expect(starts).toEqual([A, B]);
    expect(checkLab(lab.dir).violations).toEqual([]);
  });
});
