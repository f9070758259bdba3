// `npm run demo`: the product end to end on a simulated lab, printed step by step. It
// builds the bc-dr lab in a temporary directory, starts a real agent per host and the
// coordinator, and drives them with the twinzone CLI as an operator would: the seed's
// first-time migration of web01 (deltas shown, accepted, forced attach), a return to
// hostA, a DR switchover of db01 to dc2 and back, and a disaster failover of db01 after
// site dc1 is lost, with the records the replica lost. It ends with the invariant
// checker's verdict and exits non-zero if any run or the checker failed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkLab, formatViolation } from './checker.js';
import { createLab, destroyLab } from './create-lab.js';
import { loseSite } from './host-power.js';
import { labUpWithCoordinator, TWINZONE_CLI } from './processes.js';
import { labCliEnv } from './lab-tls.js';

interface Expectation {
  /** The exit code this step should end with (a run stopping on deltas is refused for now: 3). */
  exit: number;
}

export async function runDemo(out: (s: string) => void = (s) => process.stdout.write(s)): Promise<number> {
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinzone-demo-'));
  let failures = 0;
  out(`twinzone demo — lab in ${dir}\n\n== Building the bc-dr lab: dc1 (hostA sun4u, hostB sun4v, shared SAN), dc2 (hostC, replicated storage)\n`);
  await createLab(dir, 'bc-dr');
  const { agents, coordinator } = await labUpWithCoordinator(dir);
  for (const a of agents) out(`   agent on ${a.host} at ${a.address}\n`);
  out(`   coordinator at ${coordinator.address} (database ${coordinator.db})\n`);

  const twinzone = (title: string, args: string[], expect: Expectation = { exit: 0 }): void => {
    out(`\n[${elapsed()}] $ twinzone ${args.join(' ')}    # ${title}\n`);
    const r = spawnSync(process.execPath, [TWINZONE_CLI(), ...args], {
      // The demo's operator certificate, from the lab's CA (mutual TLS, as in production).
      env: { ...process.env, TWINZONE_COORDINATOR: coordinator.address, ...labCliEnv(dir) },
      encoding: 'utf8',
    });
    out((r.stdout ?? '') + (r.stderr ?? ''));
    if (r.status !== expect.exit) {
      failures += 1;
      out(`!! expected exit ${expect.exit}, got ${r.status}\n`);
    }
  };

  try {
    twinzone('where everything runs', ['status']);

    out(`\n== 1. First-time migration of web01 from hostA (sun4u) to hostB (sun4v), the archive streamed agent to agent\n`);
    twinzone('the run stops on the patch deltas between the hosts', ['migrate', 'web01', '--to', 'hostB'], { exit: 3 });
    twinzone('the deltas, for review', ['deltas', 'web01', '--from', 'hostA', '--to', 'hostB']);
    twinzone('accepted (recorded with who and when)', ['deltas', 'accept', 'web01', '--from', 'hostA', '--to', 'hostB', '--all']);
    twinzone('the same run continues: forced attach, s8_p2v, boot', ['migrate', 'web01', '--to', 'hostB']);

    out(`\n== 2. Back to hostA\n`);
    twinzone('return web01 to the host it came from', ['fallback', 'web01']);

    out(`\n== 3. DR switchover of db01 to dc2 (quiesce, replica synced, failover and swap), and back\n`);
    twinzone('planned move to the DR site', ['dr', 'switchover', 'db01', '--site', 'dc2']);
    twinzone('and back to dc1', ['dr', 'switchover', 'db01', '--site', 'dc1', '--to', 'hostA']);

    out(`\n== 4. Disaster: site dc1 is lost (hostA and hostB lose power; the replication links go down)\n`);
    const lost = loseSite(dir, 'dc1');
    out(`   crashed ${lost.crashed.join(', ')}; replication links cut: ${lost.linksCut.join(', ')}\n`);
    twinzone('an operator declares the disaster', ['declare-disaster', '--site', 'dc1']);
    twinzone('and confirms the dead holder down (no wait for its lease to expire)', ['confirm-down', 'hostA']);
    twinzone('DR failover: the replica is promoted, the records it never received are reported', ['dr', 'failover', 'db01', '--site', 'dc2', '--to', 'hostC']);
    twinzone('where everything runs now', ['status']);

    out(`\n== The checker (I1 one live twin, I2 one importer per disk group, I5 no record lost beyond the reported RPO)\n`);
    const report = checkLab(dir);
    for (const v of report.violations) out(`   ${formatViolation(v)}\n`);
    out(`   ${report.violations.length} violation(s) in ${report.events} observed event(s) and ${report.recordFiles} record file(s)\n`);
    if (report.violations.length > 0) failures += 1;
  } finally {
    await destroyLab(dir);
  }
  out(`\n${failures === 0 ? 'demo finished' : `demo finished with ${failures} failure(s)`} in ${elapsed()}\n`);
  return failures === 0 ? 0 : 1;
}
