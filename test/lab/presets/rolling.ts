// The rolling-upgrade lab: bc-dr's hosts with one more zone, app01, whose application
// data is a ZFS dataset (apppool/app01 on dc1's SAN, mounted at /data/app01) so that an
// upgrade can snapshot it and roll it back. app01 runs on hostA with a detached twin on
// hostB (the patched standby); db01 stays as in bc-dr for a drill of its DR replica.
import { bcDrPreset } from './bc-dr.js';
import type { LabPreset } from './preset.js';

const db01 = bcDrPreset.zones.find((z) => z.name === 'db01')!;

export const rollingPreset: LabPreset = {
  name: 'rolling',
  description: 'bc-dr hosts; app01 on a ZFS pool (hostA live, hostB detached twin) and db01 on SRDF-replicated vxdg (DR twin on hostC)',
  hosts: bcDrPreset.hosts,
  diskGroups: bcDrPreset.diskGroups.filter((d) => d.name === db01.dataGroup),
  zpools: [{ site: 'dc1', name: 'apppool', datasets: [{ name: 'apppool/app01', mountpoint: '/data/app01' }] }],
  replication: bcDrPreset.replication.filter((r) => r.diskGroup === db01.dataGroup),
  zones: [
    {
      name: 'app01',
      brand: 'solaris8',
      zonepath: '/zones/app01',
      address: '192.168.10.51/24',
      dataMount: '/data/app01',
      dataGroup: 'apppool',
      dataVolume: 'apppool/app01',
      dataKind: 'zpool',
      primary: 'hostA',
      twins: ['hostB'],
      appIntervalMs: 100,
    },
    db01,
  ],
};
