// A Clock that moves only when a test says so (Temporal's time-skipping idea, without a
// server): lease and timeout logic is tested at exact instants, never against wall time.
import type { Clock } from '../../shared/time/clock.js';

export class FakeClock implements Clock {
  private wallMs: number;
  private mono: number;

  constructor(startMs = Date.UTC(2025, 0, 1, 12, 0, 0)) {
    this.wallMs = startMs;
    this.mono = 1_000;
  }

  nowMs(): number {
    return this.wallMs;
  }

  monoMs(): number {
    return this.mono;
  }

  /** Both clocks move forward together, as they do on a healthy host. */
  advance(ms: number): void {
    if (ms < 0) throw new Error('FakeClock.advance: time does not run backwards; use stepWall');
    this.wallMs += ms;
    this.mono += ms;
  }

  /** Steps only the wall clock (an NTP correction): the monotonic clock is unaffected. */
  stepWall(ms: number): void {
    this.wallMs += ms;
  }
}
