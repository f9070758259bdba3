// The end of a bad-input suite's lab: every daemon and zone application the suite started
// is stopped whether the suite passed or not (a failed case must not leave agents, their
// watchdogs, a coordinator or zone applications running on a shared machine); the
// directory is removed when the suite passed, else kept and printed for inspection.
import fs from 'node:fs';
import path from 'node:path';
import { stopLabAsync } from '../lab/create-lab.js';
import { labAgentsDown, stopCoordinator } from '../lab/processes.js';

export async function endFuzzLab(dir: string | undefined, passed: boolean): Promise<void> {
  if (!dir) return;
  if (fs.existsSync(path.join(dir, 'lab.json'))) {
    // Each step on its own: one that fails must not leave the others' processes behind.
    const problems: unknown[] = [];
    for (const step of [() => stopCoordinator(dir), () => labAgentsDown(dir), () => stopLabAsync(dir)]) {
      await step().catch((err: unknown) => problems.push(err));
    }
    for (const err of problems) console.error(`fuzz lab ${dir}: stopping it: ${String(err)}`);
  }
  if (passed) fs.rmSync(dir, { recursive: true, force: true });
  else console.error(`lab kept for inspection (its processes stopped): ${dir}`);
}
