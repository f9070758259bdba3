// CI's short fault campaign: a fixed seed, a few operations, every one under faults;
// any invariant violation, or a lab that does not converge, fails `npm test`. The full
// campaign is `npm run campaign -- --runs 200 --seed S`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { runCampaign } from './campaign.js';
import { failureDump, reportMarkdown } from './report.js';

const SEED = 20261207;
const RUNS = Number(process.env.TWINZONE_CAMPAIGN_RUNS ?? 3);

it(`a short fault campaign (seed ${SEED}, ${RUNS} operations under faults) ends with 0 violations and a converged lab`, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinzone-campaign-ci-'));
  const report = await runCampaign({ runs: RUNS, seed: SEED, dir: path.join(dir, 'lab'), faultRate: 1, leaseTtlMs: 10_000, log: (l) => console.log(l) });
  console.log(reportMarkdown(report));
  const failed = report.violations.length > 0 || report.history.some((o) => o.converged === false);
  if (failed) console.error(failureDump(report));
  expect(report.violations.map((v) => `${v.invariant}: ${v.message}`)).toEqual([]);
  expect(report.history.filter((o) => o.converged === false).map((o) => o.index)).toEqual([]);
  expect(report.operations.attempted).toBe(RUNS);
  if (!failed) fs.rmSync(dir, { recursive: true, force: true });
}, 900_000);
