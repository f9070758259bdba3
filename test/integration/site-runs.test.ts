// Site-wide runs in priority waves (README "Site-wide runs") against the real daemons of
// the `waves` lab: six zones in dc1 (three of priority 1, two of 2, one of 3), each with
// a DR twin on hostC. The order and the concurrency limit are proven from the journal
// (the runs' step rows and the site run's zone-healthy events, read through the CLI),
// and the checker (I1, I2, I5) runs after each test.
import { describe, expect } from 'vitest';
import { registerPreset } from '../lab/presets/bc-dr.js';
import { wavesPreset } from '../lab/presets/waves.js';
import { writeFaults } from '../support/crash-lab.js';
import { coordinatorTestWith, type CoordinatorLab } from '../support/coordinator-fixture.js';
import { maxOverlap, runSpans } from '../support/run-spans.js';

registerPreset(wavesPreset);
const test = coordinatorTestWith('waves');

const WAVES = [
  ['pay01', 'pay02', 'pay03'],
  ['app01', 'app02'],
  ['rep01'],
];

interface SiteLine {
  waveStarted?: { priority: number; zones: string[] };
  waveFinished?: { priority: number; succeeded?: string[]; failed?: string[] };
  finished?: { state: string; reason: string; succeeded?: string[]; failed?: string[] };
  run?: { runId: string; started?: { zone: string } };
}

interface EventsJson {
  events: { what: string; zone?: string; runId?: string; atMs: number; details?: Record<string, string> }[];
}

async function siteRun(lab: CoordinatorLab, args: string[]): Promise<{ code: number | null; lines: SiteLine[] }> {
  const r = await lab.cli(['site', ...args, '--json'], { timeoutMs: 900_000 });
  const lines = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as SiteLine);
  return { code: r.code, lines };
}

async function siteEvents(lab: CoordinatorLab, what: string): Promise<EventsJson['events']> {
  const { json } = await lab.cliJson<EventsJson>(['events', '--limit', '10000']);
  return json.events.filter((e) => e.what === what);
}

describe('site-wide runs', () => {
  test(
    'refuses a DR failover of an undeclared site; a DR switchover of dc1 moves every zone in priority waves, never more than 2 runs at once',
    async ({ lab }) => {
      const refused = await lab.cli(['site', 'failover', '--from', 'dc1', '--json']);
      expect(refused.code, refused.stdout + refused.stderr).toBe(3);
      expect(refused.stdout).toContain('declare-disaster --site dc1');
      const tooMany = await lab.cli(['site', 'switchover', '--from', 'dc1', '--concurrency', '9']);
      expect(tooMany.code).toBe(2);
      expect(tooMany.stderr).toContain("above the coordinator's limit of 8");

      const { code, lines } = await siteRun(lab, ['switchover', '--from', 'dc1', '--concurrency', '2', '--reason', 'wave test']);
      const finished = lines.find((l) => l.finished)?.finished;
      expect(finished?.state, finished?.reason).toBe('succeeded');
      expect(code).toBe(0);
      expect(lines.flatMap((l) => (l.waveStarted ? [l.waveStarted] : []))).toEqual(WAVES.map((zones, i) => ({ priority: i + 1, zones: [...zones].sort() })));
      expect([...(finished?.succeeded ?? [])].sort()).toEqual(WAVES.flat().sort());

      // Every zone's run went to hostC and succeeded.
      const spans = await runSpans(lab.dir);
      const runOf = (zone: string) => spans.get(zone)!.find((s) => s.kind === 'dr-switchover')!;
      for (const zone of WAVES.flat()) expect(runOf(zone).state, zone).toBe('succeeded');
      const status = await lab.cliJson<{ zones: { zone: string; liveHost: string }[] }>(['status']);
      for (const zone of WAVES.flat()) expect(status.json.zones.find((z) => z.zone === zone)?.liveHost, zone).toBe('hostC');

      // Waves: no zone of wave k+1 started its first step before every zone of wave k
      // had finished its run and passed its checks on hostC (zone-healthy events).
      const healthy = new Map((await siteEvents(lab, 'site-run.zone-healthy')).map((e) => [e.zone!, e.atMs]));
      expect([...healthy.keys()].sort()).toEqual(WAVES.flat().sort());
      for (let k = 0; k + 1 < WAVES.length; k++) {
        const gate = Math.max(...WAVES[k]!.map((z) => healthy.get(z)!));
        for (const later of WAVES[k + 1]!) expect(runOf(later).from, `${later} started before wave ${k + 1} was healthy`).toBeGreaterThanOrEqual(gate);
        for (const z of WAVES[k]!) expect(healthy.get(z)!).toBeGreaterThanOrEqual(runOf(z).to);
      }
      // The concurrency limit: never more than 2 runs in progress; wave 1's three zones used both slots.
      const all = WAVES.flat().map(runOf);
      expect(maxOverlap(all)).toBeLessThanOrEqual(2);
      expect(maxOverlap(WAVES[0]!.map(runOf))).toBe(2);
    },
    1_200_000,
  );

  test(
    'a zone whose run fails stops the next waves; --continue-on-failure goes on',
    async ({ lab }) => {
      // app01 (wave 2) cannot attach on hostC: its preflight's `zoneadm attach -n` fails,
      // so its run fails with nothing changed and it stays on dc1.
      writeFaults(lab.dir, 'hostC', [{ command: 'zoneadm', args: ['-z', 'app01', 'attach'], action: 'fail', exitCode: 1, stderr: 'zoneadm: zone app01: attach failed (injected)\n' }]);
      const first = await siteRun(lab, ['switchover', '--from', 'dc1', '--concurrency', '3']);
      const end = first.lines.find((l) => l.finished)?.finished;
      expect(first.code).toBe(1);
      expect(end?.state).toBe('failed');
      expect(end?.failed).toEqual(['app01']);
      expect(end?.reason).toContain('rep01');
      expect(first.lines.flatMap((l) => (l.waveStarted ? [l.waveStarted.priority] : []))).toEqual([1, 2]);
      const spans = await runSpans(lab.dir);
      expect(spans.get('rep01')).toBeUndefined();
      expect(spans.get('app01')![0]!.state).toBe('failed');

      // Going on past the failure: app01 fails again (dc1 is still its home), rep01's wave runs.
      const second = await siteRun(lab, ['switchover', '--from', 'dc1', '--concurrency', '3', '--continue-on-failure']);
      const end2 = second.lines.find((l) => l.finished)?.finished;
      expect(second.code).toBe(1);
      expect(end2?.failed).toEqual(['app01']);
      expect(end2?.succeeded).toEqual(['rep01']);
      const failed = await siteEvents(lab, 'site-run.zone-failed');
      expect(failed.map((e) => e.zone)).toEqual(['app01', 'app01']);
    },
    1_200_000,
  );
});
