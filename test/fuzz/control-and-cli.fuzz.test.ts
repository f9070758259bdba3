// Bad input for every Control RPC and every operator command of the CLI, against a real
// coordinator and agents on a bc-dr lab: hostile zone, host, site, path and who strings,
// out-of-range numbers, missing fields. Each must end in a clear error (the CLI: exit 1
// or 2 with one readable message), change nothing on any host (observer log, agents'
// fences and op records) and nothing in the coordinator's store (every table but the
// audit log, where refusals may be recorded; those entries are counted).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as controlGen from '../../shared/gen/twinzone/v1/control.js';
import { createLab } from '../lab/create-lab.js';
import { labUpWithCoordinator, type StartedCoordinator } from '../lab/processes.js';
import { runCli } from '../campaign/cli.js';
import { GenericClient, serviceMethods, type MethodDef } from './grpc-generic.js';
import { LAB_OPERATOR, labCredentials } from '../lab/lab-tls.js';
import { tlsTargetOptions } from '../../shared/grpc/tls-credentials.js';
import { endFuzzLab } from './fuzz-lab.js';
import { fillHostile, hostileNumber, hostileString, isClearError, recordCounts } from './hostile-inputs.js';
import { countEvents, snapshotLab } from './lab-snapshot.js';

const RUNS_PER_METHOD = Number(process.env.TWINZONE_FUZZ_RUNS ?? 6);
const CLI_RUNS = Number(process.env.TWINZONE_FUZZ_CLI_RUNS ?? 2);
const REFUSALS = new Set(['INVALID_ARGUMENT', 'NOT_FOUND', 'FAILED_PRECONDITION', 'OUT_OF_RANGE', 'RESOURCE_EXHAUSTED']);

let dir: string;
let coordinator: StartedCoordinator;
let client: GenericClient;
let ok = true;
const counts = { controlRequests: 0, controlRefused: 0, controlReadOnlyAccepted: 0, cliInvocations: 0, cliRefused: 0, auditEventsForRefusals: 0 };

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinzone-fuzz-control-'));
  await createLab(dir, 'bc-dr');
  ({ coordinator } = await labUpWithCoordinator(dir));
  client = new GenericClient(coordinator.address, labCredentials(dir, LAB_OPERATOR, { role: 'coordinator' }), tlsTargetOptions({ role: 'coordinator' }));
}, 180_000);

afterAll(async () => {
  client?.close();
  recordCounts('control-and-cli', counts);
  await endFuzzLab(dir, ok);
});

const methods = serviceMethods(controlGen.ControlService, controlGen);

/** Reads that filter by what they are given: a hostile filter may match nothing and answer empty. */
const FILTERING_READS = new Set(['getHistory', 'listEvents', 'getStatus']);

function guard<T>(fn: () => Promise<T>): Promise<T> {
  return fn().catch((err) => {
    ok = false;
    throw err;
  });
}

describe('hostile input to every Control RPC', () => {
  it.each(methods.map((m) => [m.name, m] as const))('%s: refused with a clear error, nothing changes', (_n, m) =>
    guard(async () => {
      const before = snapshotLab(dir, coordinator.db);
      const eventsBefore = countEvents(coordinator.db);
      await fc.assert(
        fc.asyncProperty(fc.array(hostileString, { minLength: 12, maxLength: 12 }), fc.array(hostileNumber, { minLength: 6, maxLength: 6 }), fc.boolean(), async (strings, numbers, withNumbers) => {
          let i = 0;
          let j = 0;
          const { request, fields } = fillHostile(m.base, () => strings[i++ % strings.length]!, () => numbers[j++ % numbers.length]!, withNumbers);
          const outcome = await client.call(m.def, request, 30_000);
          counts.controlRequests += 1;
          if (outcome.ok) {
            expect(FILTERING_READS.has(m.name), `${m.name} accepted hostile ${fields.join(', ')}: ${JSON.stringify(request).slice(0, 300)}`).toBe(true);
            counts.controlReadOnlyAccepted += 1;
            return;
          }
          if (outcome.clientSide) return;
          counts.controlRefused += 1;
          expect(REFUSALS.has(outcome.codeName), `${m.name}: ${outcome.codeName} ${outcome.message}`).toBe(true);
          expect(isClearError(outcome.message), outcome.message).toBe(true);
        }),
        { numRuns: RUNS_PER_METHOD, seed: 6 },
      );
      counts.auditEventsForRefusals += countEvents(coordinator.db) - eventsBefore;
      expect(snapshotLab(dir, coordinator.db)).toEqual(before);
    }),
  120_000);
});

/** Every operator command, with the places a hostile word goes (Z zone, H host, S site, P path, W who, N number). */
const CLI_SHAPES: string[][] = [
  ['status', 'Z'],
  ['plan', 'switchover', 'Z', '--to', 'H'],
  ['switchover', 'Z', '--to', 'H'],
  ['failover', 'Z', '--to', 'H'],
  ['migrate', 'Z', '--to', 'H', '--via-file', 'P'],
  ['fallback', 'Z', '--to', 'H'],
  ['dr', 'switchover', 'Z', '--site', 'S'],
  ['dr', 'failover', 'Z', '--site', 'S'],
  ['declare-disaster', '--site', 'S'],
  ['confirm-down', 'H'],
  ['deltas', 'Z', '--from', 'H', '--to', 'H'],
  ['deltas', 'accept', 'Z', '--from', 'H', '--to', 'H', '--all'],
  ['lease', 'show', 'Z'],
  ['history', 'Z', '--limit', 'N'],
  ['events', '--zone', 'Z', '--who', 'W'],
  ['hosts', '--bogus', 'Z'],
];

describe('hostile input to every CLI command', () => {
  it.each(CLI_SHAPES.map((s) => [s.join(' '), s] as const))('twinzone %s', (_n, shape) =>
    guard(async () => {
      const before = snapshotLab(dir, coordinator.db);
      await fc.assert(
        fc.asyncProperty(hostileString.filter((s) => !s.includes('\u0000') && s.length < 2000), fc.constantFrom('-1', '1e400', '99999999999999999999', 'NaN', '0x10'), fc.boolean(), async (word, number, json) => {
          const args = shape.map((a) => (a === 'N' ? number : /^[ZHSPW]$/.test(a) ? word : a));
          const r = await runCli({ coordinator: coordinator.address, lab: dir }, json ? [...args, '--json'] : args, 60_000);
          counts.cliInvocations += 1;
          // history and events filter: a hostile filter may rightly find nothing (exit 0).
          const filtering = (shape[0] === 'history' && number === '0x10') || shape[0] === 'events';
          if (r.code === 0 && filtering) return;
          // 1 failed, 2 bad input, 3 refused for safety (README "Operations": exit codes).
          expect([1, 2, 3], `twinzone ${args.join(' ')} exited ${r.code}:\n${r.output}`).toContain(r.code);
          counts.cliRefused += 1;
          expect(isClearError(r.output), r.output).toBe(true);
        }),
        { numRuns: CLI_RUNS, seed: 6 },
      );
      expect(snapshotLab(dir, coordinator.db)).toEqual(before);
    }),
  180_000);

  it('NUL bytes cannot reach the CLI at all (an argument vector cannot carry them)', async () => {
    await expect(runCli({ coordinator: coordinator.address, lab: dir }, ['status', 'a\u0000b'], 5_000)).rejects.toThrow(/null bytes/);
  });
});
