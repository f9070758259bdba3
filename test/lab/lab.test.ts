// The bc-dr lab end to end, through the real simulated executables as a person (or an
// agent) on each host runs them, with the checker as the judge.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { describe, expect } from 'vitest';
import { labTest as it, type LabHandle } from '../support/lab-fixture.js';
import { readObserverLog } from '../solsim/src/observer.js';
import { repoRoot } from '../solsim/src/repo-paths.js';
import { checkLab } from './checker.js';

const labCli = path.join(repoRoot(), 'dist', 'test', 'lab', 'lab-cli.js');

function labCmd(...args: string[]) {
  const r = spawnSync(process.execPath, [labCli, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function ok(r: { code: number | null; stdout: string; stderr: string }): string {
  expect(r.code, `${r.stderr}${r.stdout}`).toBe(0);
  return r.stdout;
}

function httpGet(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/' }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

function appPort(lab: LabHandle, host: string, zone: string): number {
  const conf = path.join(lab.env(host).root, 'zones', zone, 'root', 'etc', 'solsim-app.json');
  return (JSON.parse(fs.readFileSync(conf, 'utf8')) as { port: number }).port;
}

function records(lab: LabHandle, host: string, zone: string): number[] {
  const file = path.join(lab.env(host).root, 'data', zone, 'records.log');
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => Number(l.split(' ')[0]));
}

async function waitFor(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const violations = (lab: LabHandle) => checkLab(lab.dir).violations;

describe('the bc-dr lab', () => {
  it('is built as the seed describes: web01 and db01 on hostA, detached db01 twins on hostB and hostC', async ({ lab }) => {
    expect(lab.sh('hostA', 'zoneadm', ['list', '-cp']).stdout).toMatch(
      /^0:global:running:\/::native:shared\n\d+:web01:running:\/zones\/web01:[0-9a-f-]{36}:solaris8:shared\n\d+:db01:running:\/zones\/db01:[0-9a-f-]{36}:solaris8:shared\n$/,
    );
    for (const twin of ['hostB', 'hostC']) {
      expect(lab.sh(twin, 'zoneadm', ['-z', 'db01', 'list', '-p']).stdout).toMatch(/^-:db01:configured:\/zones\/db01:[0-9a-f-]*:solaris8:shared\n$/);
      expect(fs.existsSync(path.join(lab.env(twin).root, 'zones/db01/SUNWdetached.xml'))).toBe(true);
      const web = lab.sh(twin, 'zonecfg', ['-z', 'web01', 'info']);
      expect(web.code).toBe(1);
      expect(web.stderr).toContain('web01: No such zone configured');
    }
    expect(lab.sh('hostA', 'uname', ['-m']).stdout).toBe('sun4u\n');
    expect(lab.sh('hostB', 'uname', ['-m']).stdout).toBe('sun4v\n');
    expect(lab.sh('hostC', 'uname', ['-m']).stdout).toBe('sun4v\n');
    const patches = (h: string) => lab.sh(h, 'showrev', ['-p']).stdout;
    expect(new Set([patches('hostA'), patches('hostB'), patches('hostC')]).size).toBe(3);
    expect(lab.sh('hostA', 'vxdg', ['list']).stdout).toMatch(/dbdg\s+enabled[\s\S]*webdg\s+enabled/);
    expect(lab.sh('hostB', 'vxdg', ['list']).stdout).not.toMatch(/dbdg/);

    const root = path.join(lab.env('hostA').root, 'zones/web01/root');
    expect(fs.statSync(path.join(root, 'var/spool/app.fifo')).isFIFO()).toBe(true);
    expect(fs.statSync(path.join(root, 'var/run/app.sock')).isSocket()).toBe(true);
    expect(fs.statSync(path.join(root, 'usr/bin/passwd')).mode & 0o7777).toBe(0o4555);
    expect(fs.statSync(path.join(root, 'tmp')).mode & 0o7777).toBe(0o1777);
    expect(fs.statSync(path.join(root, 'etc/release')).mtime.getUTCFullYear()).toBe(2004);
    if (process.getuid?.() === 0) {
      expect(fs.statSync(path.join(root, 'dev/null')).isCharacterDevice()).toBe(true);
      expect(fs.statSync(path.join(root, 'export/home/appuser')).uid).toBe(1001);
    }

    const reply = JSON.parse(await httpGet(appPort(lab, 'hostA', 'db01'))) as { zone: string; host: string };
    expect(reply).toMatchObject({ zone: 'db01', host: 'hostA' });
    await waitFor(() => records(lab, 'hostA', 'db01').length >= 3, 'db01 records');
    expect(violations(lab)).toEqual([]);
  });

  it("walks the seed's first-time migration of web01 from hostA to hostB by hand, with real pax", async ({ lab }) => {
    await waitFor(() => records(lab, 'hostA', 'web01').length >= 2, 'web01 records');
    const a = lab.env('hostA');
    const b = lab.env('hostB');
    const archive = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pax-')), 'web01.pax');

    // Source: stop the zone gracefully, detach, unmount and deport its storage.
    ok(lab.sh('hostA', 'zlogin', ['web01', 'shutdown', '-y', '-g0', '-i0']));
    ok(lab.sh('hostA', 'zoneadm', ['-z', 'web01', 'detach']));
    ok(lab.sh('hostA', 'umount', ['/data/web01']));
    ok(lab.sh('hostA', 'vxdg', ['deport', 'webdg']));
    const pax = spawnSync('pax', ['-w', '-x', 'sv4cpio', '-f', archive, '.'], { cwd: path.join(a.root, 'zones/web01'), encoding: 'utf8' });
    expect(pax.status).toBe(0);

    // Target: zonepath 700 owned by root, storage imported and mounted, archive extracted.
    fs.mkdirSync(path.join(b.root, 'zones/web01'), { mode: 0o700 });
    fs.chmodSync(path.join(b.root, 'zones/web01'), 0o700);
    fs.mkdirSync(path.join(b.root, 'data/web01'), { recursive: true });
    ok(lab.sh('hostB', 'vxdg', ['import', 'webdg']));
    ok(lab.sh('hostB', 'mount', ['-F', 'vxfs', '/dev/vx/dsk/webdg/datavol', '/data/web01']));
    const extract = spawnSync('pax', ['-r', '-pe', '-f', archive], { cwd: path.join(b.root, 'zones/web01'), encoding: 'utf8' });
    // The socket is the transient special file the runbook warns about.
    expect(extract.stderr).toContain('app.sock');
    expect(fs.statSync(path.join(b.root, 'zones/web01/root/var/spool/app.fifo')).isFIFO()).toBe(true);
    expect(fs.statSync(path.join(b.root, 'zones/web01/root/usr/bin/passwd')).mode & 0o7777).toBe(0o4555);

    ok(lab.sh('hostB', 'zonecfg', ['-z', 'web01', 'create -a /zones/web01']));
    const attach = lab.sh('hostB', 'zoneadm', ['-z', 'web01', 'attach']);
    expect(attach.code).toBe(1);
    expect(attach.stderr).toContain('These patches installed on this system were not installed on the source system:\n\t138888-08\n');
    ok(lab.sh('hostB', 'zoneadm', ['-z', 'web01', 'attach', '-F']));

    // The host remaps and the p2v conversion are what make it bootable on sun4v.
    const wrongNic = lab.sh('hostB', 'zoneadm', ['-z', 'web01', 'boot']);
    expect(wrongNic.code).toBe(1);
    expect(wrongNic.stderr).toContain('network interface bge0 is not plumbed in the global zone');
    ok(lab.sh('hostB', 'zonecfg', ['-z', 'web01', 'select net physical=bge0; set physical=e1000g0; end']));
    const noP2v = lab.sh('hostB', 'zoneadm', ['-z', 'web01', 'boot']);
    expect(noP2v.code).toBe(1);
    expect(noP2v.stderr).toContain('s8_p2v web01');
    expect(ok(lab.sh('hostB', 's8_p2v', ['web01']))).toContain('Postprocessing successful.');
    ok(lab.sh('hostB', 'zoneadm', ['-z', 'web01', 'boot']));

    expect(lab.sh('hostB', 'zoneadm', ['-z', 'web01', 'list', '-p']).stdout).toMatch(/:web01:running:/);
    const before = records(lab, 'hostB', 'web01').length;
    await waitFor(() => records(lab, 'hostB', 'web01').length > before + 1, 'records written on hostB');
    const starts = readObserverLog(lab.dir).filter((e) => e.type === 'app.start' && e.zone === 'web01');
    expect(starts.map((e) => e.host)).toEqual(['hostA', 'hostB']);
    expect(violations(lab)).toEqual([]);
  });

  it('crash and boot-host: the twin takes over with -C, and the checker accepts it', async ({ lab }) => {
    await waitFor(() => records(lab, 'hostA', 'db01').length >= 2, 'db01 records');
    expect(labCmd('crash', lab.dir, 'hostA').stdout).toContain('hostA crashed');
    const dead = lab.sh('hostA', 'zoneadm', ['list']);
    expect(dead.code).toBe(255);
    expect(dead.stderr).toContain('powered off');
    await expect(httpGet(appPort(lab, 'hostB', 'db01'))).rejects.toThrow();

    const refused = lab.sh('hostB', 'vxdg', ['import', 'dbdg']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('Disk is in use by another host');
    ok(lab.sh('hostB', 'vxdg', ['-C', 'import', 'dbdg']));
    ok(lab.sh('hostB', 'mount', ['/data/db01']));
    ok(lab.sh('hostB', 'zoneadm', ['-z', 'db01', 'attach', '-F']));
    ok(lab.sh('hostB', 'zoneadm', ['-z', 'db01', 'boot']));
    const n = records(lab, 'hostB', 'db01').length;
    await waitFor(() => records(lab, 'hostB', 'db01').length > n + 1, 'records on hostB');
    expect(violations(lab)).toEqual([]);

    expect(labCmd('boot-host', lab.dir, 'hostA').code).toBe(0);
    expect(lab.sh('hostA', 'zoneadm', ['list', '-cp']).stdout).toMatch(/:db01:installed:/);
    expect(lab.sh('hostA', 'vxdg', ['list']).stdout).not.toMatch(/dbdg/);
    expect(lab.sh('hostA', 'mount', []).stdout).toMatch(/^\/zones on \/export\/zones /m);
  });

  it('a site disaster: DR failover at hostC loses only what replication reported', async ({ lab }) => {
    await waitFor(() => records(lab, 'hostA', 'db01').length >= 15, 'db01 records', 20_000);
    expect(labCmd('lose-site', lab.dir, 'dc1').stdout).toContain('crashed hostA, hostB');
    const failover = ok(lab.sh('hostC', 'symrdf', ['-g', 'dbdg', '-noprompt', 'failover']));
    const lost = Number(/lost: (\d+)/.exec(failover)?.[1]);
    expect(lost).toBeGreaterThan(0);
    ok(lab.sh('hostC', 'vxdg', ['-C', 'import', 'dbdg']));
    ok(lab.sh('hostC', 'mount', ['/data/db01']));
    ok(lab.sh('hostC', 'zoneadm', ['-z', 'db01', 'attach', '-F']));
    ok(lab.sh('hostC', 'zoneadm', ['-z', 'db01', 'boot']));
    await waitFor(() => readObserverLog(lab.dir).some((e) => e.type === 'app.start' && e.host === 'hostC'), 'app on hostC');
    const resumed = records(lab, 'hostC', 'db01');
    const primaryHad = (() => {
      // hostA's copy on dc1's array still holds everything written before the disaster.
      const dc1 = path.join(lab.dir, 'san');
      const files = execFileSync('find', [dc1, '-path', '*dc1*', '-name', 'records.log'], { encoding: 'utf8' }).split('\n').filter(Boolean);
      const db = files.find((f) => f.includes('dbdg'))!;
      return fs.readFileSync(db, 'utf8').split('\n').filter(Boolean).length;
    })();
    expect(resumed[0]).toBe(1);
    expect(primaryHad - lost).toBe(resumed.filter((s) => s <= primaryHad - lost).length);
    expect(violations(lab)).toEqual([]);
  });
});

describe('the checker on staged violations in a real lab', () => {
  it('catches a double boot (I1) and a -C import from a live holder (I2)', async ({ lab }) => {
    ok(lab.sh('hostB', 'zoneadm', ['-z', 'db01', 'attach', '-F']));
    ok(lab.sh('hostB', 'zoneadm', ['-z', 'db01', 'boot']));
    ok(lab.sh('hostB', 'vxdg', ['-C', 'import', 'dbdg']));
    const check = labCmd('check', lab.dir);
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/^I1 \(event \d+\): zone db01 is (ready|running) on hostB while also live on hostA$/m);
    expect(check.stdout).toMatch(/^I2 \(event \d+\): vxdg dbdg \(site dc1\) imported on hostB by clearing hostA's lock while hostA still held it$/m);
    // Storage fencing: hostA's key was preempted, so its application's next write fails.
    await waitFor(
      () => readObserverLog(lab.dir).some((e) => e.type === 'write.refused' && e.host === 'hostA' && e.zone === 'db01'),
      'hostA fenced',
    );
  });

  it('catches records lost between two runs of an application (I5)', async ({ lab }) => {
    await waitFor(() => records(lab, 'hostA', 'db01').length >= 6, 'db01 records');
    ok(lab.sh('hostA', 'zoneadm', ['-z', 'db01', 'halt']));
    const file = path.join(lab.env('hostA').root, 'data/db01/records.log');
    const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
    fs.writeFileSync(file, lines.slice(0, -3).join('\n') + '\n');
    ok(lab.sh('hostA', 'zoneadm', ['-z', 'db01', 'boot']));
    await waitFor(() => readObserverLog(lab.dir).filter((e) => e.type === 'app.start' && e.zone === 'db01').length === 2, 'restart');
    const check = labCmd('check', lab.dir, '--json');
    expect(check.code).toBe(1);
    const report = JSON.parse(check.stdout) as { violations: Array<{ invariant: string; message: string }> };
    expect(report.violations).toEqual([expect.objectContaining({ invariant: 'I5', message: expect.stringContaining('3 record(s) lost') })]);
  });
});

describe('npm run lab', () => {
  it('prints the exports that make the simulated commands act as a host', async ({ lab }) => {
    const out = labCmd('env', lab.dir, 'hostB').stdout;
    expect(out).toContain(`export SOLSIM_HOST=hostB\n`);
    expect(out).toContain(`export SOLSIM_ROOT=${path.join(lab.dir, 'hosts', 'hostB')}\n`);
    expect(out).toMatch(/export PATH=.*test\/solsim\/bin:\$PATH/);
    const bad = labCmd('env', lab.dir, 'hostZ');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('no host hostZ');
  });

  it('refuses to build over an existing lab', async ({ lab }) => {
    const r = labCmd('create', lab.dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('already exists');
  });
});
