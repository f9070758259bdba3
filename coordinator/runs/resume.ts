// What happens after a crash (STYLE §5 "Resume"), at startup before the Control service
// accepts work: every run not in a final state is driven again from its journal. The
// per-run replay (ask agents about in-doubt op ids, then continue forward or roll back
// as the run's state and blocked event say) is RunDriver.drive; this module picks the
// runs and makes a repeated call harmless.
import type { RunStore } from '../store/run-store.js';

/** Unfinished runs, oldest first, that are not being driven already (resumeAll is idempotent). */
export function runsToResume(runs: RunStore, isActive: (runId: string) => boolean): string[] {
  return runs
    .listUnfinished()
    .map((r) => r.id)
    .filter((id) => !isActive(id));
}
