// Simulated commands are short synchronous programs; a blocking sleep keeps their
// control flow as linear as the C they imitate.
const cell = new Int32Array(new SharedArrayBuffer(4));

export function sleepSync(ms: number): void {
  if (ms > 0) Atomics.wait(cell, 0, 0, ms);
}
