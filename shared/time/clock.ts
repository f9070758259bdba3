// Time comes through a Clock so lease and timeout logic can be tested with a fake one.
export interface Clock {
  /** Wall clock, ms since the epoch (for records and display). */
  nowMs(): number;
  /** Monotonic ms (for deadlines: immune to clock steps). */
  monoMs(): number;
}

export const systemClock: Clock = {
  nowMs: () => Date.now(),
  monoMs: () => performance.now(),
};
