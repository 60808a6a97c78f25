import { rmSync } from 'node:fs';
import type { Council } from '../council';
import { refsUnder } from '../git/review-snapshot';
import { tryDeleteRef } from '../git/refs';
import { listRemoved } from '../sessions/removed-log';
import { reviewedSessions, reviewFile, snapshotRefPrefix } from './store';

/**
 * Keeps the reviews bounded across sessions: the review (its file and snapshot refs) of a session
 * that is neither in the registry nor among the last removals the removal log keeps is deleted.
 * A removed session's work is archived by its removal (sessions/remove.ts), never by its review:
 * these snapshots are copies of what the reviewer saw. Returns the sessions whose reviews went.
 */
export async function pruneGoneReviews(council: Council): Promise<string[]> {
  const kept = new Set([...council.listSessions().map((s) => s.id), ...listRemoved(council.ws.paths).map((r) => r.id)]);
  const gone = reviewedSessions(council.ws.paths).filter((id) => !kept.has(id));
  for (const id of gone) {
    for (const { ref, commit } of await refsUnder(council.root, snapshotRefPrefix(id))) await tryDeleteRef(council.root, ref, commit);
    rmSync(reviewFile(council.ws.paths, id), { force: true });
  }
  return gone;
}
