// The fence's files: one per zone in the agent's state directory, holding the highest
// fencing epoch this host has seen. Shared by the agent (EpochStore) and the watchdog
// process, which retires an epoch on its own when it fences for a killed or hung agent;
// node built-ins only, as the watchdog must stay dependency-free.
import path from 'node:path';
import { readFileIfExists, writeFileDurable } from '../../shared/fs/atomic-file.js';

export function epochFile(dir: string, zone: string): string {
  // Zone names are validated (letters, digits, "_", ".", "-") before they get here.
  return path.join(dir, `${zone}.epoch`);
}

/** The recorded epoch; 0 when none (or unreadable: never above the truth). */
export function readEpoch(dir: string, zone: string): number {
  const text = readFileIfExists(epochFile(dir, zone));
  const value = text === null ? 0 : Number(text.trim());
  return Number.isSafeInteger(value) && value >= 0 ? value : 0;
}

/** Records EPOCH durably when it is above the recorded one; returns the epoch now recorded. */
export function raiseEpoch(dir: string, zone: string, epoch: number): number {
  const seen = readEpoch(dir, zone);
  if (epoch <= seen) return seen;
  writeFileDurable(epochFile(dir, zone), `${epoch}\n`);
  return epoch;
}
