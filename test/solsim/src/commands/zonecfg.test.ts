import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hostPath } from '../env.js';
import { readZoneIndex } from '../state/zone-index.js';
import { makeSimLab, type SimLab } from '../testing/sim-lab.js';
import { installZone, makeZonepath } from './zone-test-helpers.js';

let lab: SimLab;
beforeEach(() => {
  lab = makeSimLab([{ host: 'hostA', site: 'dc1' }]);
});
afterEach(() => lab.cleanup());

const zc = (...argv: string[]) => lab.run('hostA', 'zonecfg', argv);

const S8_SCRIPT = [
  'create -t SUNWsolaris8',
  'set zonepath=/zones/s8zone',
  'set autoboot=false',
  'add fs',
  'set dir=/data',
  'set special=/dev/md/zset1/dsk/d110',
  'set raw=/dev/md/zset1/rdsk/d110',
  'set type=ufs',
  'add options logging',
  'end',
  'add net',
  'set address=10.1.2.3/24',
  'set physical=bge0',
  'end',
  'add device',
  'set match=/dev/rdsk/c2t1d0s0',
  'end',
  'add attr',
  'set name=machine',
  'set type=string',
  'set value=sun4u',
  'end',
].join('\n');

describe('zonecfg invocation and name rules', () => {
  it('rejects a bogus zone name with the syntax help and exit 2', async () => {
    const r = await zc('-z', '1bad!', 'info');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      '1bad!: Bogus zone name\n\n<zone> := [A-Za-z0-9][A-Za-z0-9_.-]*\n' +
        "\t(except the reserved words 'global' and anything starting with 'SUNW')\n" +
        '\tName must be less than 64 characters.\n',
    );
    expect((await zc('-z', 'a'.repeat(64), 'info')).code).toBe(2);
    expect((await zc('-z', 'a'.repeat(63), 'info')).code).toBe(1);
  });

  it('prints the usage without -z (exit 2)', async () => {
    const r = await zc('info');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'usage:\tzonecfg help\n\tzonecfg -z <zone>\t\t\t(interactive)\n\tzonecfg -z <zone> <command>\n\tzonecfg -z <zone> -f <command-file>\n',
    );
  });

  it('refuses a relative -R with exit 2 and an absolute one as not simulated (exit 1)', async () => {
    expect(await zc('-R', 'alt', '-z', 'z1', 'info')).toEqual({ code: 2, stdout: '', stderr: 'root path must be absolute: alt\n' });
    expect(await zc('-R', '/a/root', '-z', 'z1', 'info')).toEqual({
      code: 1, stdout: '', stderr: '/a/root: zonecfg -R is not supported by the simulator\n',
    });
    // the usage checks of the other options still come first
    expect((await zc('-R', '/a/root', '-z', '1bad!', 'info')).code).toBe(2);
    expect((await zc('-R', '/a/root', 'info')).code).toBe(2);
  });

  it('reports an unknown zone without a program prefix', async () => {
    const r = await zc('-z', 'nosuch', 'export');
    expect(r).toEqual({ code: 1, stdout: '', stderr: 'nosuch: No such zone configured\n' });
  });

  it('treats SUNW names as read-only templates', async () => {
    const r = await zc('-z', 'SUNWfoo', 'create');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('SUNWfoo: zones beginning with SUNW are read-only.\n');
  });

  it('gives a syntax error for an unknown command word', async () => {
    const r = await zc('-z', 'z1', 'frobnicate');
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n').slice(0, 3)).toEqual(["syntax error at 'f'", 'Commands:', '']);
  });
});

describe('zonecfg create, commit, export and info', () => {
  it('creates a solaris8 zone from a command string and exports it in zonecfg order', async () => {
    const r = await zc('-z', 's8zone', S8_SCRIPT.replace(/\n/g, '; '));
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(readZoneIndex(lab.env('hostA'))).toEqual([{ name: 's8zone', state: 'configured', zonepath: '/zones/s8zone', uuid: '' }]);
    const index = fs.readFileSync(path.join(lab.env('hostA').root, 'etc/zones/index'), 'utf8');
    expect(index).toContain('# DO NOT EDIT');
    expect(index.split('\n').slice(-3)).toEqual(['global:installed:/', 's8zone:configured:/zones/s8zone:', '']);

    const exp = await zc('-z', 's8zone', 'export');
    expect(exp.code).toBe(0);
    expect(exp.stdout).toBe(
      [
        'create -b',
        'set zonepath=/zones/s8zone',
        'set brand=solaris8',
        'set autoboot=false',
        'set ip-type=shared',
        'add fs',
        'set dir=/data',
        'set special=/dev/md/zset1/dsk/d110',
        'set raw=/dev/md/zset1/rdsk/d110',
        'set type=ufs',
        'add options logging',
        'end',
        'add net',
        'set address=10.1.2.3/24',
        'set physical=bge0',
        'end',
        'add device',
        'set match=/dev/rdsk/c2t1d0s0',
        'end',
        'add attr',
        'set name=machine',
        'set type=string',
        'set value=sun4u',
        'end',
        '',
      ].join('\n'),
    );
  });

  it('prints info in the zonecfg layout, including unset properties', async () => {
    await zc('-z', 's8zone', S8_SCRIPT.replace(/\n/g, '; '));
    const r = await zc('-z', 's8zone', 'info');
    expect(r.stdout).toBe(
      [
        'zonename: s8zone',
        'zonepath: /zones/s8zone',
        'brand: solaris8',
        'autoboot: false',
        'bootargs: ',
        'pool: ',
        'limitpriv: ',
        'scheduling-class: ',
        'ip-type: shared',
        'fs:',
        '\tdir: /data',
        '\tspecial: /dev/md/zset1/dsk/d110',
        '\traw: /dev/md/zset1/rdsk/d110',
        '\ttype: ufs',
        '\toptions: [logging]',
        'net:',
        '\taddress: 10.1.2.3/24',
        '\tphysical: bge0',
        '\tdefrouter not specified',
        'device:',
        '\tmatch: /dev/rdsk/c2t1d0s0',
        'attr:',
        '\tname: machine',
        '\ttype: string',
        '\tvalue: sun4u',
        '',
      ].join('\n'),
    );
    expect((await zc('-z', 's8zone', 'info net')).stdout).toBe('net:\n\taddress: 10.1.2.3/24\n\tphysical: bge0\n\tdefrouter not specified\n');
    expect((await zc('-z', 's8zone', 'info fs dir=/nope')).stdout).toBe('No such fs resource.\n');
  });

  it('quotes values with blanks and options with "=" on export', async () => {
    const r = await zc('-z', 'q1', 'create -b; set zonepath=/zones/q1; add fs; set dir=/d; set special=/export/d; set type=lofs; add options [ro,"retry=5"]; end; add attr; set name=comment; set type=string; set value="my zone"; end');
    expect(r.code).toBe(0);
    const out = (await zc('-z', 'q1', 'export')).stdout;
    expect(out).toContain('add options ro\nadd options "retry=5"\nend\n');
    expect(out).toContain('set value="my zone"\n');
    expect((await zc('-z', 'q1', 'info fs')).stdout).toContain('\toptions: [ro,"retry=5"]\n');
  });

  it('uses the SUNWdefault template for a plain create', async () => {
    await zc('-z', 'n1', 'create; set zonepath=/zones/n1');
    const out = (await zc('-z', 'n1', 'export')).stdout;
    expect(out).toContain('add inherit-pkg-dir\nset dir=/lib\nend\nadd inherit-pkg-dir\nset dir=/platform\nend\n');
    expect(out).not.toContain('set brand=');
  });

  it('refuses to commit without a zonepath and says the configuration was not saved', async () => {
    const r = await zc('-z', 'z1', 'create -b');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'zonepath cannot be empty.\nZone z1 failed to verify\nz1: Required resource missing\n'.repeat(1) + 'Configuration not saved.\n',
    );
    expect(readZoneIndex(lab.env('hostA'))).toEqual([]);
  });

  it('checks required resource properties at end', async () => {
    const r = await zc('-z', 'z1', 'create -b; set zonepath=/zones/z1; add fs; set special=/x; set type=lofs; end; cancel');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('dir not specified\n');
  });

  it('refuses create of an existing zone without -F when input is not a terminal', async () => {
    await zc('-z', 'z1', 'create -b; set zonepath=/zones/z1');
    const r = await zc('-z', 'z1', 'create -b');
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr: 'Zone exists, input not from terminal and -F not specified:\ncreate command ignored, exiting.\n',
    });
    const f = await zc('-z', 'z1', 'create -F -b; set zonepath=/zones/z1b');
    expect(f).toEqual({ code: 0, stdout: 'Zone z1 already exists; overwriting.\n', stderr: '' });
    expect(readZoneIndex(lab.env('hostA'))[0]!.zonepath).toBe('/zones/z1b');
  });

  it('selects a net resource to remap its interface', async () => {
    await zc('-z', 's8zone', S8_SCRIPT.replace(/\n/g, '; '));
    const r = await zc('-z', 's8zone', 'select net physical=bge0; set physical=e1000g0; end');
    expect(r.code).toBe(0);
    expect((await zc('-z', 's8zone', 'info net')).stdout).toContain('\tphysical: e1000g0\n');
    const miss = await zc('-z', 's8zone', 'select net physical=bge0');
    expect(miss.code).toBe(1);
    expect(miss.stderr).toBe('select net: No such resource with that id\n');
  });

  it('removes a qualified resource and refuses an ambiguous unqualified remove', async () => {
    await zc('-z', 'z1', 'create -b; set zonepath=/zones/z1; add device; set match=/dev/a; end; add device; set match=/dev/b; end');
    const amb = await zc('-z', 'z1', 'remove device');
    expect(amb.code).toBe(1);
    expect(amb.stderr).toContain('There are multiple instances of this resource.');
    expect((await zc('-z', 'z1', 'remove device match=/dev/a')).code).toBe(0);
    expect((await zc('-z', 'z1', 'info device')).stdout).toBe('device:\n\tmatch: /dev/b\n');
  });

  it('runs a command file and prefixes errors with the line', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zcfg-'));
    const file = path.join(dir, 's8.cfg');
    fs.writeFileSync(file, S8_SCRIPT + '\n');
    expect((await zc('-z', 's8zone', '-f', file)).code).toBe(0);
    fs.writeFileSync(file, 'create -b\nset zonepath=relative\nset autoboot=true\n');
    const bad = await zc('-z', 'z2', '-f', file);
    expect(bad.code).toBe(1);
    // the error ends the file, then the pending create is committed on the way out (cleanup())
    expect(bad.stderr).toBe(
      `On line 2 of ${file}:\nrelative is not an absolute path.\n` +
        'zonepath cannot be empty.\nZone z2 failed to verify\nz2: Required resource missing\nConfiguration not saved.\n',
    );
    expect(readZoneIndex(lab.env('hostA')).map((e) => e.name)).toEqual(['s8zone']);
    const missing = await zc('-z', 'z2', '-f', path.join(dir, 'nope'));
    expect(missing).toEqual({ code: 1, stdout: '', stderr: `could not open file ${path.join(dir, 'nope')}: No such file or directory\n` });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads a command file from stdin with -f -', async () => {
    const r = await lab.run('hostA', 'zonecfg', ['-z', 'z3', '-f', '-'], 'create -b\nset zonepath=/zones/z3\nset autoboot=maybe\n');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("On line 3:\nautoboot value must be 'true' or 'false'.\n");
    expect(readZoneIndex(lab.env('hostA')).map((e) => e.name)).toEqual(['z3']);
  });
});

describe('zonecfg on installed zones, delete and create -a', () => {
  it('refuses set zonepath on an installed zone', async () => {
    await installZone(lab, 'hostA', 'z1', '/zones/z1');
    const r = await zc('-z', 'z1', 'set zonepath=/zones/other');
    expect(r.stderr).toBe('Zone z1 already installed; set zonepath not allowed.\n');
    expect(readZoneIndex(lab.env('hostA'))[0]!.zonepath).toBe('/zones/z1');
  });

  it('deletes only with -F when not on a terminal', async () => {
    await installZone(lab, 'hostA', 'z1', '/zones/z1');
    const r = await zc('-z', 'z1', 'delete');
    expect(r).toEqual({ code: 1, stdout: '', stderr: 'Input not from terminal and -F not specified:\ndelete command ignored, exiting.\n' });
    expect((await zc('-z', 'z1', 'delete -F')).code).toBe(0);
    expect(readZoneIndex(lab.env('hostA'))).toEqual([]);
    expect(fs.existsSync(path.join(lab.env('hostA').root, 'etc/zones/z1.xml'))).toBe(false);
    expect((await zc('-z', 'z1', 'delete -F')).stderr).toBe('z1: No such zone configured\n');
  });

  it('creates a configuration from a detached zonepath, without the inventory', async () => {
    await installZone(lab, 'hostA', 's8zone', '/zones/s8zone', S8_SCRIPT.split('\n').slice(2).join('; '), 'create -t SUNWsolaris8');
    const before = (await zc('-z', 's8zone', 'export')).stdout;
    expect((await lab.run('hostA', 'zoneadm', ['-z', 's8zone', 'detach'])).code).toBe(0);
    expect((await zc('-z', 's8zone', 'delete -F')).code).toBe(0);
    const r = await zc('-z', 's8zone', 'create -a /zones/s8zone');
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    expect((await zc('-z', 's8zone', 'export')).stdout).toBe(before);
    const xml = fs.readFileSync(path.join(lab.env('hostA').root, 'etc/zones/s8zone.xml'), 'utf8');
    expect(xml).not.toContain('<package');
    expect(xml).toContain('brand="solaris8"');
  });

  it('says "invalid path to detached zone" for a zonepath without a manifest', async () => {
    makeZonepath(lab, 'hostA', '/zones/empty');
    const r = await zc('-z', 'z9', 'create -a /zones/empty');
    expect(r.stderr).toBe('invalid path to detached zone\n');
    expect(fs.existsSync(hostPath(lab.env('hostA'), '/zones/empty'))).toBe(true);
    expect(readZoneIndex(lab.env('hostA'))).toEqual([]);
  });
});
