// Cross-process mutual exclusion with lock files, as the real commands serialise on
// /etc/zones/index, the disk group configuration and so on. A lock left by a process
// that died (a crashed host, a SIGKILL) is taken over once its owner is gone.
import fs from 'node:fs';
import path from 'node:path';
import { sleepSync } from './sync-sleep.js';

const WAIT_LIMIT_MS = 30_000;
const EMPTY_LOCK_GRACE_MS = 2_000;

function ownerAlive(lockFile: string): boolean {
  let pid: number;
  let text: string;
  try {
    text = fs.readFileSync(lockFile, 'utf8').trim();
  } catch {
    return true; // being written right now; treat as held
  }
  if (text === '') {
    // Created (open 'wx') but the pid not written yet: held, unless the creator died in
    // between long ago.
    try {
      return Date.now() - fs.statSync(lockFile).mtimeMs < EMPTY_LOCK_GRACE_MS;
    } catch {
      return true;
    }
  }
  pid = Number(text);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const held = new Map<string, number>();

export function acquireLock(lockFile: string): void {
  const depth = held.get(lockFile) ?? 0;
  if (depth > 0) {
    held.set(lockFile, depth + 1); // re-entrant within one process
    return;
  }
  fs.mkdirSync(path.dirname(lockFile), { recursive: true });
  const started = Date.now();
  let delay = 1;
  for (;;) {
    try {
      const fd = fs.openSync(lockFile, 'wx');
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      held.set(lockFile, 1);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (!ownerAlive(lockFile)) {
      // Rename first so that two waiters cannot both remove a fresh lock.
      const stale = `${lockFile}.stale.${process.pid}`;
      try {
        fs.renameSync(lockFile, stale);
        fs.rmSync(stale, { force: true });
      } catch {
        /* someone else took it over */
      }
      continue;
    }
    if (Date.now() - started > WAIT_LIMIT_MS) {
      throw new Error(`solsim: timed out waiting for lock ${lockFile}`);
    }
    sleepSync(delay);
    delay = Math.min(delay * 2, 25);
  }
}

export function releaseLock(lockFile: string): void {
  const depth = held.get(lockFile) ?? 0;
  if (depth > 1) {
    held.set(lockFile, depth - 1);
    return;
  }
  held.delete(lockFile);
  fs.rmSync(lockFile, { force: true });
}

export function withLock<T>(lockFile: string, fn: () => T): T {
  acquireLock(lockFile);
  try {
    return fn();
  } finally {
    releaseLock(lockFile);
  }
}
