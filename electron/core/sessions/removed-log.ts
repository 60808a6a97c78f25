import { REMOVED_LOG_LIMIT, RemovedLogSchema, type RemovedLog, type RemovedSession } from '../../../shared/models';
import { readJsonOrNull, withMutex, writeJson } from '../state/json-store';
import type { StatePaths } from '../state/paths';

/**
 * The removal log: the last REMOVED_LOG_LIMIT sessions removed, newest first, with where their
 * unmerged work was archived, so a supervisor can still see what went and find its work
 * (issue 14: removed sessions archived out of the way, one click to see them). A convenience beside
 * the truth (the archive refs): written after a removal is complete, so a crash can leave a removal
 * out of it, never put one in that did not happen.
 */

/** Adds a removal on top. A log that cannot be read is started anew: it is a convenience, and the
 * archive refs keep the work whatever it says. */
export async function recordRemoval(paths: StatePaths, entry: RemovedSession): Promise<void> {
  await withMutex(paths.removedLog, () => {
    const before = readJsonOrNull(paths.removedLog, RemovedLogSchema)?.removed ?? [];
    const next: RemovedLog = { version: 1, removed: [entry, ...before.filter((r) => r.id !== entry.id)].slice(0, REMOVED_LOG_LIMIT) };
    writeJson(paths.removedLog, next, 'rename-only');
  });
}

/** The removed sessions, newest first; none when the log is missing or unreadable. */
export function listRemoved(paths: StatePaths): RemovedSession[] {
  return readJsonOrNull(paths.removedLog, RemovedLogSchema)?.removed ?? [];
}
