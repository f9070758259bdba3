import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SimLab } from '../testing/sim-lab.js';
import { writeRefusal } from '../state/fencing.js';
import { readRdfGroup } from '../state/replication.js';
import {
  cutReplicationLink, defineDiskGroup, defineReplication, restoreReplicationLink, volumeDir,
} from '../state/san-setup.js';
import { events, storageLab } from './storage-test-lab.js';

let lab: SimLab;

function setup(lagMs: number): void {
  defineDiskGroup(lab.lab, 'dc1', { name: 'dbdg', volumes: ['datavol'] });
  defineReplication(lab.lab, { rdfGroup: 'dbdg', diskGroup: 'dbdg', r1Site: 'dc1', r2Site: 'dc2', lagMs });
}

const recordsFile = (site: string) => path.join(volumeDir(lab.lab, site, 'dbdg', 'datavol'), 'data', 'records.log');

/** Writes records "<seq> hostA db01 <epochMs>" at the given ages (ms before now). */
function writeRecords(site: string, agesMs: number[], firstSeq = 1, host = 'hostA'): string[] {
  const now = Date.now();
  const lines = agesMs.map((age, i) => `${firstSeq + i} ${host} db01 ${now - age}`);
  fs.mkdirSync(path.dirname(recordsFile(site)), { recursive: true });
  fs.appendFileSync(recordsFile(site), lines.map((l) => l + '\n').join(''));
  return lines;
}

const readLines = (site: string) => fs.readFileSync(recordsFile(site), 'utf8').split('\n').filter((l) => l !== '');

beforeEach(() => {
  lab = storageLab();
});
afterEach(() => lab.cleanup());

const INVALID_STATE = '\nThe RDF device(s) are not in a valid state for this operation.\n\n';

describe('symrdf replication', () => {
  it('keeps R2 write-disabled, and a failover loses exactly the records inside the lag', async () => {
    setup(5000);
    await lab.run('hostA', 'vxdg', ['import', 'dbdg']);
    const lines = writeRecords('dc1', [60_000, 40_000, 20_000, 10_000, 6_000, 3_000, 500]);
    fs.writeFileSync(path.join(volumeDir(lab.lab, 'dc1', 'dbdg', 'datavol'), 'config.txt'), 'cfg\n');

    expect(await lab.run('hostC', 'vxdg', ['import', 'dbdg'])).toEqual({
      code: 1, stdout: '',
      stderr: 'VxVM vxdg ERROR V-5-1-10978 Disk group dbdg: import failed:\nDisk write failure (device is write-disabled)\n',
    });
    const query = (await lab.run('hostC', 'symrdf', ['-g', 'dbdg', 'query'])).stdout;
    expect(query).toContain("DG's Type                          : RDF2\n");
    expect(query).toMatch(/^DEV001  00A0   RW        0        2 RW 00B0 WD        0        2 A\.\.   Consistent$/m);

    const failover = await lab.run('hostC', 'symrdf', ['-g', 'dbdg', '-noprompt', 'failover']);
    expect(failover).toEqual({
      code: 0, stderr: '',
      stdout:
        "\nAn RDF 'Failover' operation execution is\nin progress for device group 'dbdg'. Please wait...\n\n" +
        '    Write Disable device(s) on SA at source (R1)..............Done.\n' +
        '    Suspend RDF link(s).......................................Done.\n' +
        '    Read/Write Enable device(s) on RA at target (R2)..........Done.\n' +
        '\n    Records not replicated to target (R2) and lost: 2\n' +
        "\nThe RDF 'Failover' operation successfully executed for\ndevice group 'dbdg'.\n\n",
    });
    expect(readLines('dc2')).toEqual(lines.slice(0, 5));
    expect(fs.readFileSync(path.join(volumeDir(lab.lab, 'dc2', 'dbdg', 'datavol'), 'config.txt'), 'utf8')).toBe('cfg\n');
    expect(events(lab, 'replication')).toMatchObject([
      { host: 'hostC', group: 'dbdg', action: 'failover', state: 'Failed Over', lostRecords: 2, lagMs: 5000 },
    ]);

    // The disk headers came over with the data: hostA's lock must be cleared at DR.
    expect(await lab.run('hostC', 'vxdg', ['import', 'dbdg'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/in use by another host/) });
    expect((await lab.run('hostC', 'vxdg', ['-C', 'import', 'dbdg'])).code).toBe(0);
    expect(events(lab, 'storage.import').at(-1)).toMatchObject({ host: 'hostC', site: 'dc2', cleared: 'hostA' });
    expect(writeRefusal(lab.env('hostC'), recordsFile('dc2'))).toBeNull();
    expect(writeRefusal(lab.env('hostA'), recordsFile('dc1'))).toBe('device is write-disabled (R1 after failover)');
  });

  it('replicates nothing written after the link went down', async () => {
    setup(2000);
    const lines = writeRecords('dc1', [60_000, 30_000, 21_000, 19_000, 1_000]);
    cutReplicationLink(lab.lab, 'dbdg', Date.now() - 20_000);
    expect((await lab.run('hostC', 'symrdf', ['-g', 'dbdg', 'query'])).stdout).toMatch(/ NR 00B0 WD .* Partitioned$/m);
    expect(await lab.run('hostC', 'symrdf', ['-g', 'dbdg', '-noprompt', 'split'])).toEqual({
      code: 1, stdout: '', stderr: '\nThe operation cannot be performed because the RDF link(s) are not ready.\n\n',
    });
    expect((await lab.run('hostC', 'symrdf', ['-g', 'dbdg', '-noprompt', 'failover'])).stdout).toContain('and lost: 3\n');
    expect(readLines('dc2')).toEqual(lines.slice(0, 2));
    expect(events(lab, 'replication').at(-1)).toMatchObject({ action: 'failover', lostRecords: 3 });
  });

  it('a restored link leaves the pairs Suspended with R2 frozen at the cut', async () => {
    setup(0);
    writeRecords('dc1', [10_000, 5_000]);
    cutReplicationLink(lab.lab, 'dbdg', Date.now() - 1_000);
    restoreReplicationLink(lab.lab, 'dbdg');
    writeRecords('dc1', [0], 3);
    expect(readRdfGroup(lab.lab, 'dbdg')).toMatchObject({ state: 'Suspended', linkDownAt: null });
    expect((await lab.run('hostC', 'symrdf', ['-g', 'dbdg', 'query'])).stdout).toMatch(/ NR 00B0 WD .* S\.\.   Suspended$/m);
    expect((await lab.run('hostC', 'symrdf', ['-g', 'dbdg', '-noprompt', 'failover'])).stdout).toContain('and lost: 1\n');
  });

  it('round-trips failover → failback, split → establish and swap', async () => {
    setup(0);
    const first = writeRecords('dc1', [1_000, 500]);
    await lab.run('hostA', 'vxdg', ['import', 'dbdg']);
    await lab.run('hostA', 'vxdg', ['deport', 'dbdg']);

    // Failover: DR runs and writes, then failback carries its writes home.
    expect((await lab.run('hostC', 'symrdf', ['-g', 'dbdg', '-noprompt', 'failover'])).stdout).toContain('and lost: 0\n');
    expect((await lab.run('hostC', 'vxdg', ['import', 'dbdg'])).code).toBe(0); // the primary had deported cleanly
    const dr = writeRecords('dc2', [0], 3, 'hostC');
    expect(await lab.run('hostC', 'symrdf', ['-g', 'dbdg', '-noprompt', 'establish'])).toEqual({ code: 1, stdout: '', stderr: INVALID_STATE });
    await lab.run('hostC', 'vxdg', ['deport', 'dbdg']);
    expect((await lab.run('hostA', 'symrdf', ['-g', 'dbdg', '-noprompt', 'failback'])).code).toBe(0);
    expect(readLines('dc1')).toEqual([...first, ...dr]);
    expect(readRdfGroup(lab.lab, 'dbdg')!.state).toBe('Synchronized');
    expect(writeRefusal(lab.env('hostA'), recordsFile('dc1'))).toBe('disk group dbdg is not imported on this host');
    expect(await lab.run('hostA', 'symrdf', ['-g', 'dbdg', '-noprompt', 'failback'])).toEqual({ code: 1, stdout: '', stderr: INVALID_STATE });

    // Split for a drill: both sides writable; establish discards what R2 wrote.
    expect((await lab.run('hostC', 'symrdf', ['-g', 'dbdg', '-noprompt', 'split'])).code).toBe(0);
    expect((await lab.run('hostC', 'vxdg', ['import', 'dbdg'])).code).toBe(0);
    writeRecords('dc2', [0], 9, 'hostC');
    await lab.run('hostC', 'vxdg', ['deport', 'dbdg']);
    expect((await lab.run('hostA', 'symrdf', ['-g', 'dbdg', '-noprompt', 'establish'])).code).toBe(0);
    await lab.run('hostA', 'symrdf', ['-g', 'dbdg', 'query']);
    expect(readLines('dc2')).toEqual(readLines('dc1'));

    // Swap: a planned move of the R1 role to dc2, then replication runs dc2 → dc1.
    expect(await lab.run('hostA', 'symrdf', ['-g', 'dbdg', '-noprompt', 'swap'])).toEqual({ code: 1, stdout: '', stderr: INVALID_STATE });
    await lab.run('hostC', 'symrdf', ['-g', 'dbdg', '-noprompt', 'failover']);
    expect((await lab.run('hostC', 'symrdf', ['-g', 'dbdg', '-noprompt', 'swap'])).code).toBe(0);
    expect(readRdfGroup(lab.lab, 'dbdg')).toMatchObject({ r1Site: 'dc2', r2Site: 'dc1', state: 'Suspended' });
    expect((await lab.run('hostC', 'symrdf', ['-g', 'dbdg', '-noprompt', 'establish'])).code).toBe(0);
    const fromDr = writeRecords('dc2', [0], 20, 'hostC');
    const query = (await lab.run('hostC', 'symrdf', ['-g', 'dbdg', 'query'])).stdout;
    expect(query).toContain("DG's Type                          : RDF1\n");
    expect(readLines('dc1').at(-1)).toBe(fromDr[0]);
    expect(writeRefusal(lab.env('hostA'), recordsFile('dc1'))).toBe('disk group dbdg is not imported on this host');
    expect((await lab.run('hostA', 'vxdg', ['import', 'dbdg'])).stderr).toMatch(/write-disabled/);
    expect(events(lab, 'replication').map((e) => `${e.action}:${e.state}`)).toEqual([
      'failover:Failed Over', 'failback:Synchronized', 'split:Split', 'establish:Synchronized',
      'failover:Failed Over', 'swap:Suspended', 'establish:Synchronized',
    ]);
  });

  it('prints the query table', async () => {
    setup(2000);
    const out = (await lab.run('hostA', 'symrdf', ['-g', 'dbdg', 'query'])).stdout;
    expect(out.replace(/: 000190\d{6}/g, ': 000190XXXXXX')).toBe(
      '\n' +
      'Device Group (DG) Name             : dbdg\n' +
      "DG's Type                          : RDF1\n" +
      "DG's Symmetrix ID                  : 000190XXXXXX\n" +
      'Remote Symmetrix ID                : 000190XXXXXX\n' +
      'RDF (RA) Group Number              : 1                  (00)\n' +
      '\n\n' +
      '       Source (R1) View                 Target (R2) View     MODES\n' +
      '--------------------------------    ------------------------ ----- ------------\n' +
      '               ST                  LI      ST\n' +
      'Standard        A                   N       A\n' +
      'Logical         T  R1 Inv   R2 Inv  K       T  R1 Inv   R2 Inv       RDF Pair\n' +
      'Device  Dev     E  Tracks   Tracks  S Dev   E  Tracks   Tracks MDA   STATE\n' +
      '-------------------------------- -- ------------------------ ----- ------------\n\n' +
      'DEV001  00A0   RW        0        0 RW 00B0 WD        0        0 A..   Consistent\n' +
      '\n' +
      'Total               -------- --------           -------- --------\n' +
      '  Track(s)                 0        0                  0        0\n' +
      '  MB(s)                  0.0      0.0                0.0      0.0\n' +
      '\nLegend for MODES:\n\n' +
      ' M(ode of Operation)   : A = Async, S = Sync, E = Semi-sync, C = Adaptive Copy\n' +
      ' D(omino)              : X = Enabled, . = Disabled\n' +
      ' A(daptive Copy)       : D = Disk Mode, W = WP Mode, . = ACp off\n\n',
    );
  });

  it('asks for confirmation without -noprompt and rejects bad invocations', async () => {
    setup(0);
    const declined = await lab.run('hostC', 'symrdf', ['-g', 'dbdg', 'failover'], 'n\n');
    expect(declined).toEqual({ code: 1, stderr: '', stdout: "\nExecute an RDF 'Failover' operation for device\ngroup 'dbdg' (y/[n]) ? \n" });
    expect(readRdfGroup(lab.lab, 'dbdg')!.state).toBe('Synchronized');
    expect((await lab.run('hostC', 'symrdf', ['-g', 'dbdg', 'failover'], 'y\n')).code).toBe(0);
    expect(readRdfGroup(lab.lab, 'dbdg')!.state).toBe('Failed Over');
    expect(await lab.run('hostC', 'symrdf', ['-g', 'nogroup', 'query'])).toEqual({
      code: 1, stdout: '', stderr: '\nThe specified device group (nogroup) was not found.\n\n',
    });
    expect((await lab.run('hostC', 'symrdf', ['query'])).stderr).toMatch(/^Usage: symrdf -g <DgName>/);
    expect((await lab.run('hostC', 'symrdf', ['-g', 'dbdg', 'explode'])).code).toBe(1);
  });
});
