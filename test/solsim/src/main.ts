// Entry for the executables in test/solsim/bin: each is a two-line script that calls
// main() with its own name, so the process looks like the Solaris command to a caller.
import fs from 'node:fs';
import { SimExit, type SimCommand, type SimContext } from './command.js';
import { simEnvFrom, SimEnvError } from './env.js';
import { corruptOutput, takeFault } from './faults.js';
import { isPoweredOff } from './state/power.js';
import { sleepSync } from './sync-sleep.js';
import { loadCommand } from './commands/load-command.js';

export async function main(name: string): Promise<void> {
  const argv = process.argv.slice(2);
  let env;
  try {
    env = simEnvFrom();
  } catch (err) {
    if (err instanceof SimEnvError) {
      process.stderr.write(err.message + '\n');
      process.exitCode = 1;
      return;
    }
    throw err;
  }
  const command: SimCommand | undefined = await loadCommand(name);
  if (!command) {
    process.stderr.write(`solsim: no simulated command named ${name}\n`);
    process.exitCode = 1;
    return;
  }

  if (isPoweredOff(env)) {
    // Nothing runs on a host without power; a caller sees what a dead host gives: nothing.
    process.stderr.write(`solsim: host ${env.host} is powered off (npm run lab -- boot-host ${env.lab} ${env.host})\n`);
    process.exitCode = 255;
    return;
  }

  const fault = takeFault(env.root, name, argv);
  if (fault.kind === 'fail') {
    process.stdout.write(fault.stdout);
    process.stderr.write(fault.stderr.endsWith('\n') || fault.stderr === '' ? fault.stderr : fault.stderr + '\n');
    process.exitCode = fault.exitCode;
    return;
  }
  if (fault.kind === 'hang') {
    // A hung command: it never returns on its own; the caller's timeout must kill it.
    setInterval(() => undefined, 1 << 30);
    return;
  }
  if (fault.kind === 'delay') sleepSync(fault.ms);

  // A corrupt fault runs the command for real and mangles its standard output at the end.
  let captured = '';
  const corrupt = fault.kind === 'corrupt' ? fault.corruption : null;
  const ctx: SimContext = {
    env,
    argv,
    name,
    out: (t) => {
      if (corrupt) captured += t;
      else process.stdout.write(t);
    },
    err: (t) => {
      process.stderr.write(t);
    },
    readStdin: () => fs.readFileSync(0, 'utf8'),
  };
  try {
    process.exitCode = await command(ctx);
  } catch (err) {
    if (err instanceof SimExit) {
      process.exitCode = err.code;
      return;
    }
    process.stderr.write(`${name}: internal simulator error: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 99;
  } finally {
    if (corrupt) process.stdout.write(corruptOutput(captured, corrupt));
  }
}
