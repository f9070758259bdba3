// The service files in deploy/: the systemd units pass `systemd-analyze verify`, the SMF
// manifests are well-formed XML with what svccfg needs (xmllint; the service_bundle DTD
// itself ships only with Solaris), the SMF method script parses, and the example
// configuration files load with the daemons' own loaders.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAgentConfig } from '../../agent/agent-config.js';
import { loadCoordinatorConfig } from '../../coordinator/coordinator-config.js';
import { repoRoot } from '../solsim/src/repo-paths.js';

const deploy = (...p: string[]) => path.join(repoRoot(), 'deploy', ...p);
const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'utf8' });

describe.each(['agent', 'coordinator'])('the %s as a service', (daemon) => {
  it('has a systemd unit that systemd-analyze verify accepts', () => {
    const unit = deploy('systemd', `twinzone-${daemon}.service`);
    const r = run('systemd-analyze', ['verify', unit]);
    expect(r.error, 'systemd-analyze is part of systemd (Debian package systemd)').toBeUndefined();
    expect(r.stderr.trim(), r.stderr).toBe('');
    expect(r.status).toBe(0);
    const text = fs.readFileSync(unit, 'utf8');
    expect(text).toMatch(new RegExp(`^ExecStart=/usr/bin/node \\S+/twinzone\\.js ${daemon} run --config /etc/twinzone/${daemon}\\.yaml`, 'm'));
    expect(text).toMatch(/^Restart=on-failure$/m);
    expect(text).toMatch(/^RestartPreventExitStatus=2$/m);
    expect(text).toMatch(/^KillSignal=SIGTERM$/m);
    expect(text).toMatch(/^After=.*network-online\.target.*local-fs\.target/m);
  });

  it('has an SMF manifest with its dependencies, methods and restart on exit', () => {
    const manifest = deploy('smf', `twinzone-${daemon}.xml`);
    const wellFormed = run('xmllint', ['--noout', manifest]);
    expect(wellFormed.error, 'xmllint is in the Debian package libxml2-utils (.ci/debian-packages.sh)').toBeUndefined();
    expect(wellFormed.stderr).toBe('');
    const count = (xpath: string) => Number(run('xmllint', ['--xpath', `count(${xpath})`, manifest]).stdout.trim());
    const svc = `/service_bundle[@type='manifest']/service[@name='application/twinzone/${daemon}'][@type='service']`;
    expect(fs.readFileSync(manifest, 'utf8')).toContain('<!DOCTYPE service_bundle SYSTEM "/usr/share/lib/xml/dtd/service_bundle.dtd.1">');
    expect(count(svc)).toBe(1);
    expect(count(`${svc}/dependency[@grouping='require_all'][@type='service']/service_fmri[@value='svc:/milestone/network:default']`)).toBe(1);
    expect(count(`${svc}/dependency[@grouping='require_all'][@type='service']/service_fmri[@value='svc:/system/filesystem/local:default']`)).toBe(1);
    expect(count(`${svc}/exec_method[@type='method'][@name='start'][@exec='/lib/svc/method/twinzone start'][@timeout_seconds]`)).toBe(1);
    expect(count(`${svc}/exec_method[@type='method'][@name='stop'][@exec=':kill -TERM'][@timeout_seconds]`)).toBe(1);
    // "child": svc.startd keeps the service online while the daemon runs and restarts it when it exits.
    expect(count(`${svc}/property_group[@name='startd'][@type='framework']/propval[@name='duration'][@value='child']`)).toBe(1);
    expect(count(`${svc}/property_group[@name='config']/propval[@name='file'][@value='/etc/twinzone/${daemon}.yaml']`)).toBe(1);
    // The DTD's element order inside <service>: dependencies before methods before property groups.
    const order = run('xmllint', ['--xpath', `${svc}/*`, manifest]).stdout.match(/<(\w+)/g)!.map((t) => t.slice(1));
    const rank = ['create_default_instance', 'single_instance', 'dependency', 'exec_method', 'property_group', 'stability', 'template'];
    const ranks = order.filter((t) => rank.includes(t)).map((t) => rank.indexOf(t));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  });
});

describe('the SMF method script', () => {
  it('is an executable Bourne shell script that parses', () => {
    const script = deploy('smf', 'twinzone-method');
    expect(fs.statSync(script).mode & 0o111).not.toBe(0);
    expect(fs.readFileSync(script, 'utf8').startsWith('#!/sbin/sh\n')).toBe(true);
    const r = run('sh', ['-n', script]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

describe('the example configuration files', () => {
  it('load with the daemons\' loaders', () => {
    expect(loadAgentConfig(deploy('agent.example.yaml'))).toMatchObject({ host: 'hostA', listen: '0.0.0.0:7420', metrics: '0.0.0.0:9420', coordinator: 'coord1:7430' });
    expect(loadCoordinatorConfig(deploy('coordinator.example.yaml'))).toMatchObject({ inventory: deploy('inventory.yaml'), metrics: '0.0.0.0:9430', http: '0.0.0.0:9430' });
  });
});
