// `npm run lab -- <command>`: create, inspect, break and check simulated labs by hand.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkLab, formatViolation } from './checker.js';
import { createLab, LabError, labEnv, labStatusAsync, stopLabAsync, SOLSIM_BIN } from './create-lab.js';
import { bootHost, crashHost, HostPowerError, loseSite } from './host-power.js';
import { presets } from './presets/bc-dr.js';
import { runDemo } from './demo.js';
import { writeLabInventory } from './inventory.js';
import { labCliEnv } from './lab-tls.js';
import { labAgentsDown, labUp, labUpWithCoordinator, startAgent, stopCoordinator } from './processes.js';
import { processAlive } from '../solsim/src/app/app-control.js';
import { readLabConfig } from '../solsim/src/state/lab-config.js';

const HELP = `usage: npm run lab -- <command> [arguments]

  create DIR [--preset NAME] [--json]   build a lab (presets: ${Object.keys(presets).join(', ')}; default bc-dr)
  status DIR [--json]                   each host's zones (zoneadm list -cv) and imported groups
  env DIR HOST                          shell exports that make the simulated commands act as HOST
  crash DIR HOST                        power loss of HOST: zone applications die, imports and mounts vanish
  boot-host DIR HOST                    power HOST on again: nothing imported, nothing running
  lose-site DIR SITE                    site disaster: every host of SITE crashes and its replication links go down
  check DIR [--json]                    check invariants I1, I2 and I5 over the lab's history; exit 1 on violations
  up DIR                                start a twinzone agent per powered host, then the coordinator
                                        (addresses in DIR/lab.json; coordinator files in DIR/coordinator)
  down DIR                              stop the coordinator and the agents, and halt every running zone
  inventory DIR                         write the coordinator's inventory for the lab (after up); prints its path
  demo                                  the end-to-end demo on a lab in a temporary directory
`;

function takeFlag(args: string[], flag: string): boolean {
  const i = args.indexOf(flag);
  if (i < 0) return false;
  args.splice(i, 1);
  return true;
}

function takeOption(args: string[], option: string): string | undefined {
  const i = args.indexOf(option);
  if (i < 0) return undefined;
  const value = args[i + 1];
  if (value === undefined || value.startsWith('--')) throw new LabError(`${option} needs a value`);
  args.splice(i, 2);
  return value;
}

function requireArgs(args: string[], names: string[]): string[] {
  if (args.length !== names.length) {
    throw new LabError(`expected ${names.join(' ')}, got ${args.length ? args.join(' ') : 'nothing'}`);
  }
  return args;
}

async function printStatus(dir: string, json: boolean): Promise<void> {
  const status = await labStatusAsync(dir);
  if (json) {
    process.stdout.write(JSON.stringify(status, null, 2) + '\n');
    return;
  }
  for (const host of status.hosts) {
    process.stdout.write(`== ${host.host} (site ${host.site}${host.poweredOff ? ', POWERED OFF' : ''})\n`);
    if (!host.poweredOff) process.stdout.write(host.zoneList + (host.imports.length ? `imported: ${host.imports.join(', ')}\n` : ''));
  }
}

async function run(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  const json = takeFlag(args, '--json');
  switch (command) {
    case 'create': {
      const presetName = takeOption(args, '--preset') ?? 'bc-dr';
      const [dir] = requireArgs(args, ['DIR']);
      const lab = await createLab(dir!, presetName, (line: string) => {
        if (!json) process.stdout.write(`  ${line}\n`);
      });
      if (json) process.stdout.write(JSON.stringify(await labStatusAsync(lab), null, 2) + '\n');
      else {
        process.stdout.write(`\nlab ${lab} ready (preset ${presetName})\n\n`);
        await printStatus(lab, false);
        process.stdout.write(`\nAct as a host: eval "$(npm run -s lab -- env ${dir} hostA)"\n`);
      }
      return 0;
    }
    case 'status': {
      const [dir] = requireArgs(args, ['DIR']);
      await printStatus(dir!, json);
      return 0;
    }
    case 'env': {
      const [dir, host] = requireArgs(args, ['DIR', 'HOST']);
      const env = labEnv(dir!, host!);
      process.stdout.write(
        `export SOLSIM_ROOT=${env.root}\nexport SOLSIM_LAB=${env.lab}\nexport SOLSIM_HOST=${env.host}\n` +
          `export PATH=${SOLSIM_BIN}:$PATH\n` +
          // The lab operator's certificate, for the twinzone CLI in that shell.
          Object.entries(labCliEnv(env.lab)).map(([k, v]) => `export ${k}=${v}\n`).join(''),
      );
      return 0;
    }
    case 'crash':
    case 'boot-host': {
      const [dir, host] = requireArgs(args, ['DIR', 'HOST']);
      const env = labEnv(dir!, host!);
      if (command === 'crash') crashHost(env);
      else {
        bootHost(env);
        // A booted host starts its agent as a service would, if the lab is up.
        const lab = readLabConfig(env.lab);
        if (Object.values(lab.hosts).some((h) => h.agent)) await startAgent(env.lab, host!, { coordinator: lab.coordinator?.address });
      }
      process.stdout.write(`${host} ${command === 'crash' ? 'crashed (power lost)' : 'booted'}\n`);
      return 0;
    }
    case 'lose-site': {
      const [dir, site] = requireArgs(args, ['DIR', 'SITE']);
      const { crashed, linksCut } = loseSite(path.resolve(dir!), site!);
      process.stdout.write(`site ${site} lost: crashed ${crashed.join(', ') || 'nothing'}; replication links cut: ${linksCut.join(', ') || 'none'}\n`);
      return 0;
    }
    case 'check': {
      const [dir] = requireArgs(args, ['DIR']);
      const report = checkLab(path.resolve(dir!));
      if (json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
      else {
        for (const v of report.violations) process.stdout.write(formatViolation(v) + '\n');
        process.stdout.write(
          `${report.violations.length} violation(s) in ${report.events} observed event(s) and ${report.recordFiles} record file(s)\n`,
        );
      }
      return report.violations.length === 0 ? 0 : 1;
    }
    case 'up': {
      const [dir] = requireArgs(args, ['DIR']);
      const running = readLabConfig(path.resolve(dir!)).coordinator;
      if (running && processAlive(running.pid)) {
        const started = await labUp(dir!, { coordinator: running.address });
        for (const a of started) process.stdout.write(`${a.host}: agent ${a.address} (pid ${a.pid}, log ${a.log})\n`);
        if (started.length === 0) process.stdout.write('every agent was already running\n');
        process.stdout.write(`coordinator already running at ${running.address}\n`);
        return 0;
      }
      const { agents, coordinator: c } = await labUpWithCoordinator(dir!);
      for (const a of agents) process.stdout.write(`${a.host}: agent ${a.address} (pid ${a.pid}, log ${a.log})\n`);
      if (agents.length === 0) process.stdout.write('every agent was already running\n');
      process.stdout.write(`coordinator: ${c.address} (pid ${c.pid}, log ${c.log}, db ${c.db})\n`);
      const tlsEnv = Object.entries(labCliEnv(dir!)).map(([k, v]) => `${k}=${v}`).join(' ');
      process.stdout.write(`Talk to it: TWINZONE_COORDINATOR=${c.address} ${tlsEnv} node dist/coordinator/cli/twinzone.js status\n`);
      return 0;
    }
    case 'down': {
      const [dir] = requireArgs(args, ['DIR']);
      // The coordinator first: it would otherwise see its agents vanish mid-call.
      if (await stopCoordinator(dir!)) process.stdout.write('coordinator stopped\n');
      for (const host of await labAgentsDown(dir!)) process.stdout.write(`${host}: agent stopped\n`);
      for (const line of await stopLabAsync(dir!)) process.stdout.write(line + '\n');
      return 0;
    }
    case 'inventory': {
      const [dir] = requireArgs(args, ['DIR']);
      process.stdout.write(writeLabInventory(dir!) + '\n');
      return 0;
    }
    case 'demo': {
      requireArgs(args, []);
      return runDemo();
    }
    case undefined:
    case 'help':
    case '--help':
      process.stdout.write(HELP);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`lab: unknown command '${command}'\n${HELP}`);
      return 2;
  }
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof LabError || err instanceof HostPowerError) {
      process.stderr.write(`lab: ${err.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw err;
  },
);
