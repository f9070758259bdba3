import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hostPath } from '../env.js';
import { readObserverLog } from '../observer.js';
import { readMnttab } from '../state/mounts.js';
import { readZoneIndex } from '../state/zone-index.js';
import { kernelZone, zoneOpLockPath } from '../state/zone-runtime.js';
import { makeSimLab, type SimLab } from '../testing/sim-lab.js';
import { configureZone, installZone, makeZonepath, zoneEvents } from './zone-test-helpers.js';

let lab: SimLab;
beforeEach(() => {
  lab = makeSimLab([
    { host: 'hostA', site: 'dc1' },
    { host: 'hostB', site: 'dc2', overrides: { patches: [{ id: '119254', rev: '47', packages: ['SUNWcsu'] }, { id: '140000', rev: '01', packages: ['SUNWcsr'] }] } },
  ]);
});
afterEach(() => lab.cleanup());

const za = (host: string, ...argv: string[]) => lab.run(host, 'zoneadm', argv);

describe('zoneadm usage', () => {
  it('prints the short usage on stderr and exits 2 without a subcommand or for an unknown one', async () => {
    const r = await za('hostA', '-z', 'z1');
    expect(r.code).toBe(2);
    expect(r.stderr.startsWith('usage:\tzoneadm help\n\tzoneadm [-z <zone>] [-u <uuid-match>] list\n\tzoneadm {-z <zone>|-u <uuid-match>} <subcommand>\n\nSubcommands:\n\nhelp\nboot [-- boot_arguments]\nhalt\n')).toBe(true);
    expect(r.stderr.endsWith('attach [-F] [-n <path>] [-u]\nmark incomplete\n\n')).toBe(true);
    await installZone(lab, 'hostA', 'z1', '/zones/z1');
    // Solaris 10 has no "zoneadm shutdown": it is an unknown subcommand
    const s = await za('hostA', '-z', 'z1', 'shutdown');
    expect(s.code).toBe(2);
    expect(s.stdout).toBe('');
    expect(s.stderr).toBe(r.stderr);
  });

  it('prints the full help on stdout for help (0) and -? (2)', async () => {
    const h = await za('hostA', 'help');
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('halt\n\tHalts specified zone, bypassing shutdown scripts and removing runtime\n\tresources of the zone.\n\n');
    const q = await za('hostA', '-?');
    expect(q.code).toBe(2);
    expect(q.stdout).toBe(h.stdout);
  });

  it('reports an unknown zone before the subcommand', async () => {
    expect(await za('hostA', '-z', 'nosuch', 'boot')).toEqual({ code: 1, stdout: '', stderr: 'zoneadm: nosuch: No such zone configured\n' });
  });

  it('prints a subcommand usage for bad options', async () => {
    await installZone(lab, 'hostA', 'z1', '/zones/z1');
    const r = await za('hostA', '-z', 'z1', 'halt', 'now');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('usage:\thalt\n\tHalts specified zone, bypassing shutdown scripts and removing runtime\n\tresources of the zone.\n');
    expect((await za('hostA', '-z', 'z1', 'detach', '-x')).code).toBe(2);
    expect((await za('hostA', '-z', 'z1', 'list', '-c')).code).toBe(2);
  });
});

describe('zoneadm list', () => {
  it('lists the global zone first, then kernel zones, then the index', async () => {
    await installZone(lab, 'hostA', 's8zone', '/zones/s8zone', '', 'create -t SUNWsolaris8');
    await configureZone(lab, 'hostA', 'newzone', '/zones/newzone', 'set ip-type=exclusive');
    const uuid = readZoneIndex(lab.env('hostA')).find((e) => e.name === 's8zone')!.uuid;
    expect(uuid).toMatch(/^[0-9a-f-]{36}$/);

    expect((await za('hostA', 'list')).stdout).toBe('global\n');
    expect((await za('hostA', 'list', '-p')).stdout).toBe('0:global:running:/::native:shared\n');
    expect((await za('hostA', 'list', '-ip')).stdout).toBe(`0:global:running:/::native:shared\n-:s8zone:installed:/zones/s8zone:${uuid}:solaris8:shared\n`);
    expect((await za('hostA', 'list', '-cp')).stdout).toBe(
      `0:global:running:/::native:shared\n-:s8zone:installed:/zones/s8zone:${uuid}:solaris8:shared\n-:newzone:configured:/zones/newzone::native:excl\n`,
    );
    expect((await za('hostA', 'list', '-cv')).stdout).toBe(
      '  ID NAME             STATUS     PATH                           BRAND    IP    \n' +
        '   0 global           running    /                              native   shared\n' +
        '   - s8zone           installed  /zones/s8zone                  solaris8 shared\n' +
        '   - newzone          configured /zones/newzone                 native   excl  \n',
    );
    expect(await za('hostA', 'list', '-pv')).toEqual({ code: 1, stdout: '', stderr: 'zoneadm: list -p and -v are mutually exclusive.\n' });
    expect((await za('hostA', '-z', 'newzone', 'list', '-p')).stdout).toBe('-:newzone:configured:/zones/newzone::native:excl\n');
    expect((await za('hostA', '-z', 'newzone', 'list', '-pv')).stderr).toBe("zoneadm: zone 'newzone': list -p and -v are mutually exclusive.\n");

    await lab.run('hostA', 's8_p2v', ['s8zone']);
    expect((await za('hostA', '-z', 's8zone', 'boot')).code).toBe(0);
    expect((await za('hostA', 'list', '-p')).stdout).toBe(`0:global:running:/::native:shared\n1:s8zone:running:/zones/s8zone:${uuid}:solaris8:shared\n`);
    expect((await za('hostA', '-z', '1', 'list')).stdout).toBe('s8zone\n');
  });

  it('escapes colons in the zonepath and quotes it in the index', async () => {
    await configureZone(lab, 'hostA', 'c1', '/zones/a:b');
    expect((await za('hostA', '-z', 'c1', 'list', '-p')).stdout).toBe('-:c1:configured:/zones/a\\:b::native:shared\n');
    expect(fs.readFileSync(path.join(lab.env('hostA').root, 'etc/zones/index'), 'utf8')).toContain('c1:configured:"/zones/a:b":\n');
  });
});

describe('zoneadm state machine', () => {
  it('boots, readies, halts and reboots with one observer event per state change', async () => {
    await installZone(lab, 'hostA', 'z1', '/zones/z1');
    expect(zoneEvents(lab)).toEqual(['hostA:z1:configured->installed']);

    expect(await za('hostA', '-z', 'z1', 'halt')).toEqual({ code: 0, stdout: '', stderr: "zoneadm: zone 'z1': zone is already halted\n" });
    expect(await za('hostA', '-z', 'z1', 'ready')).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(kernelZone(lab.env('hostA'), 'z1')).toEqual({ state: 'ready', zoneid: 1, appPid: null });
    expect(await za('hostA', '-z', 'z1', 'ready')).toEqual({ code: 0, stdout: '', stderr: "zoneadm: zone 'z1': zone is already ready\n" });
    expect(await za('hostA', '-z', 'z1', 'reboot')).toEqual({ code: 1, stdout: '', stderr: "zoneadm: zone 'z1': reboot operation is invalid for zones in state 'ready'\n" });
    expect(await za('hostA', '-z', 'z1', 'boot')).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await za('hostA', '-z', 'z1', 'boot')).toEqual({ code: 0, stdout: '', stderr: "zoneadm: zone 'z1': zone is already booted\n" });
    expect((await za('hostA', '-z', 'z1', 'reboot')).code).toBe(0);
    expect(kernelZone(lab.env('hostA'), 'z1')?.state).toBe('running');
    expect(await za('hostA', '-z', 'z1', 'halt')).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(kernelZone(lab.env('hostA'), 'z1')).toBeUndefined();
    expect(await za('hostA', '-z', 'z1', 'reboot')).toEqual({ code: 1, stdout: '', stderr: "zoneadm: zone 'z1': not running\n" });

    expect(zoneEvents(lab)).toEqual([
      'hostA:z1:configured->installed',
      'hostA:z1:installed->ready',
      'hostA:z1:ready->running',
      'hostA:z1:running->shutting_down',
      'hostA:z1:shutting_down->installed',
      'hostA:z1:installed->ready',
      'hostA:z1:ready->running',
      'hostA:z1:running->shutting_down',
      'hostA:z1:shutting_down->installed',
    ]);
  });

  it('refuses to manage configured zones', async () => {
    await configureZone(lab, 'hostA', 'z1', '/zones/z1');
    expect(await za('hostA', '-z', 'z1', 'boot')).toEqual({ code: 1, stdout: '', stderr: "zoneadm: zone 'z1': must be installed before boot.\n" });
    expect(await za('hostA', '-z', 'z1', 'ready')).toEqual({ code: 1, stdout: '', stderr: "zoneadm: zone 'z1': must be installed before ready.\n" });
    expect(await za('hostA', '-z', 'z1', 'detach')).toEqual({ code: 1, stdout: '', stderr: "zoneadm: zone 'z1': must be installed before detach.\n" });
    expect(await za('hostA', '-z', 'z1', 'halt')).toEqual({
      code: 1,
      stdout: '',
      stderr: "cannot manage a zone which is in state 'configured'\nzoneadm: zone 'z1': could not start zoneadmd\n",
    });
    expect(await za('hostA', 'boot')).toEqual({ code: 1, stdout: '', stderr: 'zoneadm: no zone specified\n' });
    expect(await za('hostA', '-z', 'global', 'halt')).toEqual({ code: 1, stdout: '', stderr: "zoneadm: zone 'global': halt operation is invalid for the global zone.\n" });
  });

  it('refuses detach and attach of running zones', async () => {
    await installZone(lab, 'hostA', 'z1', '/zones/z1');
    await za('hostA', '-z', 'z1', 'boot');
    expect(await za('hostA', '-z', 'z1', 'detach')).toEqual({ code: 1, stdout: '', stderr: "zoneadm: zone 'z1': detach operation is invalid for running zones.\n" });
    expect((await za('hostA', '-z', 'z1', 'attach')).stderr).toBe("zoneadm: zone 'z1': attach operation is invalid for running zones.\n");
    await za('hostA', '-z', 'z1', 'halt');
    expect(await za('hostA', '-z', 'z1', 'attach')).toEqual({ code: 1, stdout: '', stderr: "zoneadm: zone 'z1': is already installed.\n" });
  });

  it('mounts lofs resources below the zone root on boot and removes them on halt', async () => {
    fs.mkdirSync(hostPath(lab.env('hostA'), '/data/z1'), { recursive: true });
    fs.writeFileSync(hostPath(lab.env('hostA'), '/data/z1/marker'), 'x');
    await installZone(lab, 'hostA', 'z1', '/zones/z1', 'add fs; set dir=/data; set special=/data/z1; set type=lofs; end');
    expect((await za('hostA', '-z', 'z1', 'boot')).code).toBe(0);
    const m = readMnttab(lab.env('hostA')).find((e) => e.mountPoint === '/zones/z1/root/data');
    expect(m).toMatchObject({ special: '/data/z1', fstype: 'lofs' });
    expect(fs.readFileSync(hostPath(lab.env('hostA'), '/zones/z1/root/data/marker'), 'utf8')).toBe('x');
    expect((await za('hostA', '-z', 'z1', 'halt')).code).toBe(0);
    expect(readMnttab(lab.env('hostA')).some((e) => e.mountPoint.startsWith('/zones/z1/'))).toBe(false);
  });

  it('logs the zone fs mounts of ready/boot and the unmounts of halt like mount/umount do', async () => {
    fs.mkdirSync(hostPath(lab.env('hostA'), '/data/z1'), { recursive: true });
    await installZone(lab, 'hostA', 'z1', '/zones/z1', 'add fs; set dir=/data; set special=/data/z1; set type=lofs; end');
    const mountEvents = () => readObserverLog(lab.lab)
      .filter((e) => e.type === 'mount' || e.type === 'umount' || e.type === 'zone.state')
      .map((e) => (e.type === 'zone.state' ? `${e.from}->${e.to}` : `${e.type} ${e.special} ${e.mountPoint}${e.type === 'mount' ? ' ' + e.fstype : ''}`))
      .slice(1);
    expect((await za('hostA', '-z', 'z1', 'ready')).code).toBe(0);
    expect((await za('hostA', '-z', 'z1', 'halt')).code).toBe(0);
    expect((await za('hostA', '-z', 'z1', 'boot')).code).toBe(0);
    expect((await za('hostA', '-z', 'z1', 'halt')).code).toBe(0);
    expect(mountEvents()).toEqual([
      'mount /data/z1 /zones/z1/root/data lofs', 'installed->ready',
      'umount /data/z1 /zones/z1/root/data', 'ready->installed',
      'mount /data/z1 /zones/z1/root/data lofs', 'installed->ready', 'ready->running',
      'running->shutting_down', 'umount /data/z1 /zones/z1/root/data', 'shutting_down->installed',
    ]);
  });

  it('marks a zone incomplete and uninstalls it with -F', async () => {
    await installZone(lab, 'hostA', 'z1', '/zones/z1');
    const bad = await za('hostA', '-z', 'z1', 'mark', 'bogus');
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/^usage:\tmark incomplete\n\tSet the state of the zone\.  .*'incomplete'\.\n$/s);
    expect((await za('hostA', '-z', 'z1', 'mark')).stderr).toBe(bad.stderr);
    expect((await za('hostA', '-z', 'z1', 'mark', 'incomplete')).code).toBe(0);
    expect((await za('hostA', '-z', 'z1', 'boot')).stderr).toBe("zoneadm: zone 'z1': must be installed before boot.\n");
    expect((await za('hostA', '-z', 'z1', 'verify')).stderr).toBe("zoneadm: zone 'z1': zone is incomplete; uninstall required.\n");
    expect((await za('hostA', '-z', 'z1', 'uninstall')).stderr).toBe("zoneadm: zone 'z1': Input not from terminal and -F not specified: uninstall not done.\n");
    expect((await za('hostA', '-z', 'z1', 'uninstall', '-F')).code).toBe(0);
    expect(readZoneIndex(lab.env('hostA'))[0]!.state).toBe('configured');
    expect(fs.existsSync(hostPath(lab.env('hostA'), '/zones/z1/root'))).toBe(false);
    expect(zoneEvents(lab, 'z1').slice(1)).toEqual(['hostA:z1:installed->incomplete', 'hostA:z1:incomplete->configured']);
  });

  it('refuses while another zoneadm holds the zone lock', async () => {
    await installZone(lab, 'hostA', 'z1', '/zones/z1');
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'], { stdio: 'ignore' });
    try {
      const lock = zoneOpLockPath(lab.env('hostA'), 'z1');
      fs.mkdirSync(path.dirname(lock), { recursive: true });
      fs.writeFileSync(lock, String(holder.pid));
      expect(await za('hostA', '-z', 'z1', 'boot')).toEqual({
        code: 1,
        stdout: '',
        stderr: "zoneadm: zone 'z1': another zoneadm may have an operation in progress.\n",
      });
      expect((await za('hostA', '-z', 'z1', 'detach')).stderr).toBe("zoneadm: zone 'z1': another zoneadm may have an operation in progress.\n");
      holder.kill('SIGKILL');
      await new Promise((resolve) => holder.once('exit', resolve));
      // a lock whose holder died is taken over
      expect((await za('hostA', '-z', 'z1', 'boot')).code).toBe(0);
    } finally {
      holder.kill('SIGKILL');
    }
  });
});

describe('zoneadm verify', () => {
  it('requires a root-owned zonepath of mode 700', async () => {
    await configureZone(lab, 'hostA', 'z1', '/zones/z1');
    makeZonepath(lab, 'hostA', '/zones/z1', 0o755);
    const r = await za('hostA', '-z', 'z1', 'attach', '-F');
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr:
        '/zones/z1 must not be group readable.\n/zones/z1 must not be group executable.\n' +
        '/zones/z1 must not be world readable.\n/zones/z1 must not be world executable.\n' +
        'could not verify zonepath /zones/z1 because of the above errors.\nzoneadm: zone z1 failed to verify\n',
    });
    expect(readZoneIndex(lab.env('hostA'))[0]!.state).toBe('configured');
  });

  it('fails boot for a missing zonepath, a missing lofs special and an unplumbed interface', async () => {
    await installZone(lab, 'hostA', 'z1', '/zones/z1');
    const cfg = await lab.run('hostA', 'zonecfg', ['-z', 'z1', 'add fs; set dir=/data; set special=/data/none; set type=lofs; end; add net; set address=10.0.0.5/24; set physical=e1000g0; end']);
    expect(cfg.code).toBe(0);
    expect(await za('hostA', '-z', 'z1', 'boot')).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'could not verify net physical=e1000g0\n\tnetwork interface e1000g0 is not plumbed in the global zone\n' +
        'could not verify fs /data: could not access /data/none: No such file or directory\n' +
        'zoneadm: zone z1 failed to verify\n',
    });
    fs.rmSync(hostPath(lab.env('hostA'), '/zones/z1'), { recursive: true });
    expect((await za('hostA', '-z', 'z1', 'ready')).stderr.split('\n').slice(0, 2)).toEqual([
      'zoneadm: /zones/z1: No such file or directory',
      'could not verify zonepath /zones/z1 because of the above errors.',
    ]);
    expect(zoneEvents(lab, 'z1')).toEqual(['hostA:z1:configured->installed']);
  });

  it('only warns about a missing zonepath in verify', async () => {
    await configureZone(lab, 'hostA', 'z1', '/zones/z1');
    const r = await za('hostA', '-z', 'z1', 'verify');
    expect(r.code).toBe(0);
    expect(r.stderr.startsWith('WARNING: /zones/z1 does not exist, so it could not be verified.\n')).toBe(true);
  });
});

describe('zoneadm detach and attach', () => {
  const S8 = 'add net; set address=10.1.2.3/24; set physical=bge0; end; add attr; set name=machine; set type=string; set value=sun4u; end';

  it('refuses detach while file systems are mounted below the zonepath', async () => {
    fs.mkdirSync(hostPath(lab.env('hostA'), '/data/z1'), { recursive: true });
    await installZone(lab, 'hostA', 'z1', '/zones/z1', 'add fs; set dir=/data; set special=/data/z1; set type=lofs; end');
    await za('hostA', '-z', 'z1', 'ready');
    await za('hostA', '-z', 'z1', 'halt');
    fs.mkdirSync(hostPath(lab.env('hostA'), '/zones/z1/root/data'), { recursive: true });
    const { addMount } = await import('../state/mounts.js');
    addMount(lab.env('hostA'), { special: '/data/z1', mountPoint: '/zones/z1/root/data', fstype: 'lofs', source: hostPath(lab.env('hostA'), '/data/z1') });
    expect(await za('hostA', '-z', 'z1', 'detach')).toEqual({
      code: 1,
      stdout: '',
      stderr:
        "zoneadm: zone 'z1': These file systems are mounted on subdirectories of /zones/z1.\n\n" +
        "zoneadm: zone 'z1':   /zones/z1/root/data\n\n",
    });
  });

  it('writes the manifest on detach, prints it with -n, and moves the zone to configured', async () => {
    await installZone(lab, 'hostA', 's8zone', '/zones/s8zone', S8, 'create -t SUNWsolaris8');
    const dry = await za('hostA', '-z', 's8zone', 'detach', '-n');
    expect(dry.code).toBe(0);
    expect(dry.stdout.split('\n').slice(0, 6)).toEqual([
      '<?xml version="1.0"?>',
      '<!DOCTYPE zone PUBLIC "-//Sun Microsystems Inc//DTD Zones//EN" "file:///usr/share/lib/xml/dtd/zonecfg.dtd.1">',
      '<!--',
      '    DO NOT EDIT THIS FILE.  Use zonecfg(1M) and zoneadm(1M) attach.',
      '-->',
      '<zone name="s8zone" zonepath="/zones/s8zone" autoboot="false" brand="solaris8" ip-type="shared">',
    ]);
    expect(dry.stdout).toContain('  <package name="SUNWcsr" version="11.10.0,REV=2005.01.21.15.53"/>\n  <patch id="119254-50"/>\n');
    expect(readZoneIndex(lab.env('hostA'))[0]!.state).toBe('installed');

    expect(await za('hostA', '-z', 's8zone', 'detach')).toEqual({ code: 0, stdout: '', stderr: '' });
    const file = hostPath(lab.env('hostA'), '/zones/s8zone/SUNWdetached.xml');
    expect(fs.readFileSync(file, 'utf8')).toBe(dry.stdout);
    expect(fs.statSync(file).mode & 0o777).toBe(0o644);
    expect(readZoneIndex(lab.env('hostA'))[0]!.state).toBe('configured');
    expect(zoneEvents(lab, 's8zone')).toEqual(['hostA:s8zone:configured->installed', 'hostA:s8zone:installed->configured']);
  });

  it('moves a zone between hosts: the patch report blocks a plain attach, -F attaches and keeps SUNWattached.xml', async () => {
    await installZone(lab, 'hostA', 's8zone', '/zones/s8zone', S8, 'create -t SUNWsolaris8');
    expect((await za('hostA', '-z', 's8zone', 'detach')).code).toBe(0);
    // the zonepath moves with its storage: copy the image to the other host
    fs.cpSync(hostPath(lab.env('hostA'), '/zones/s8zone'), hostPath(lab.env('hostB'), '/zones/s8zone'), { recursive: true });
    expect((await lab.run('hostB', 'zonecfg', ['-z', 's8zone', 'create -a /zones/s8zone'])).code).toBe(0);

    const plain = await za('hostB', '-z', 's8zone', 'attach');
    expect(plain).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'These patches installed on the source system are inconsistent with this system:\n' +
        '\t119254: version mismatch\n\t\t(50) (47)\n' +
        '\t137137-09: not installed\n' +
        'These patches installed on this system were not installed on the source system:\n' +
        '\t140000-01\n',
    });
    expect(readZoneIndex(lab.env('hostB'))[0]!.state).toBe('configured');

    const dry = await za('hostB', 'attach', '-n', hostPath(lab.env('hostB'), '/zones/s8zone/SUNWdetached.xml'));
    expect(dry.code).toBe(1);
    expect(dry.stderr).toBe(plain.stderr);

    expect(await za('hostB', '-z', 's8zone', 'attach', '-F')).toEqual({ code: 0, stdout: '', stderr: '' });
    const zp = hostPath(lab.env('hostB'), '/zones/s8zone');
    expect(fs.existsSync(path.join(zp, 'SUNWdetached.xml'))).toBe(false);
    expect(fs.existsSync(path.join(zp, 'SUNWattached.xml'))).toBe(true);
    expect(readZoneIndex(lab.env('hostB'))[0]!.state).toBe('installed');
    expect(zoneEvents(lab)).toEqual([
      'hostA:s8zone:configured->installed',
      'hostA:s8zone:installed->configured',
      'hostB:s8zone:configured->installed',
    ]);
  });

  it('attaches without -F when the inventories match and deletes the manifest', async () => {
    await installZone(lab, 'hostA', 'n1', '/zones/n1');
    await za('hostA', '-z', 'n1', 'detach');
    const out = await za('hostA', '-z', 'n1', 'attach');
    expect(out).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(fs.existsSync(hostPath(lab.env('hostA'), '/zones/n1/SUNWdetached.xml'))).toBe(false);
  });

  it('says "Not a detached zone." for a branded zone without a manifest, and checks the brand', async () => {
    await configureZone(lab, 'hostA', 's8zone', '/zones/s8zone', '', 'create -t SUNWsolaris8');
    makeZonepath(lab, 'hostA', '/zones/s8zone');
    expect(await za('hostA', '-z', 's8zone', 'attach')).toEqual({ code: 1, stdout: '', stderr: "zoneadm: zone 's8zone': Not a detached zone.\n" });

    await installZone(lab, 'hostA', 'n1', '/zones/n1');
    await za('hostA', '-z', 'n1', 'detach');
    await lab.run('hostA', 'zonecfg', ['-z', 'n1', 'delete -F']);
    await configureZone(lab, 'hostA', 'n1', '/zones/n1', '', 'create -t SUNWsolaris8');
    expect((await za('hostA', '-z', 'n1', 'attach')).stderr).toBe("zoneadm: zone 'n1': Trying to attach a 'native' zone to a 'solaris8' configuration.\n");
  });
});
