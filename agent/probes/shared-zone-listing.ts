// One `zoneadm list -cp` shared by everything the agent watches on its own schedule: the
// twin report and every held zone's zone-state check read the same listing when it is
// recent enough, instead of one zoneadm per zone per interval (each is a process; on a
// host with many zones, and in the lab where every host is a node process, those forks
// were most of an idle agent's work). A listing is shared while it runs and for
// `freshMs` after it STARTED, so no reader ever gets a state older than that.
// RunProbe (the coordinator's question after a boot) does not come here: it reads anew.
import type { Clock } from '../../shared/time/clock.js';
import type { ProbeResult } from './probe-result.js';
import { zoneStateVerdict } from './zone-state-probe.js';

export interface ListedZone {
  name: string;
  state: string;
}

export class SharedZoneListing {
  private inFlight: Promise<ListedZone[]> | null = null;
  private last: { startedMono: number; zones: ListedZone[] } | null = null;

  constructor(
    private readonly o: {
      clock: Clock;
      list: () => Promise<ListedZone[]>;
      /** How long after it started a listing may still answer (the probe interval's half). */
      freshMs: () => number;
    },
  ) {}

  get(): Promise<ListedZone[]> {
    if (this.inFlight) return this.inFlight;
    const now = this.o.clock.monoMs();
    if (this.last && now - this.last.startedMono < this.o.freshMs()) return Promise.resolve(this.last.zones);
    const listing = this.o.list().then(
      (zones) => {
        this.last = { startedMono: now, zones };
        return zones;
      },
    ).finally(() => {
      if (this.inFlight === listing) this.inFlight = null;
    });
    this.inFlight = listing;
    return listing;
  }

  /** The zone-state check from the shared listing: healthy when the zone is running. */
  async zoneState(zone: string): Promise<ProbeResult> {
    const started = this.o.clock.monoMs();
    const zones = await this.get();
    const durationMs = Math.round(this.o.clock.monoMs() - started);
    const found = zones.find((z) => z.name === zone);
    if (!found) return { healthy: false, detail: `${zone} is not configured on this host`, durationMs };
    return zoneStateVerdict(zone, found.state, durationMs);
  }
}
