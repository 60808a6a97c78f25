import type { Session } from '../../../shared/models';
import { ContextStore } from '../context/context';
import type { Workspace } from '../workspace';
import { inspectWork } from './inspect';
import { removeSession } from './remove';

export interface CleanupResult {
  removed: string[];
  /** Stale sessions left in place, each with the reason it was not provably safe to remove. */
  kept: { id: string; reason: string }[];
}

/**
 * Removes sessions idle for longer than `olderThanMs` (by their last context update, else their
 * creation) — but only those whose removal provably loses nothing: no commit the base branch lacks,
 * no uncommitted change, no lock held. Everything else is listed with the reason it was kept.
 */
export async function cleanupSessions(ws: Workspace, olderThanMs: number): Promise<CleanupResult> {
  const result: CleanupResult = { removed: [], kept: [] };
  const now = Date.now();
  const contexts = new Map(new ContextStore(ws).all().map((c) => [c.sessionId, c]));
  for (const session of ws.registry.all()) {
    if (session.state !== 'ready') continue;
    const context = contexts.get(session.id);
    const lastActive = Date.parse(context?.updatedAt ?? session.createdAt);
    if (now - lastActive < olderThanMs) continue;
    const reason = await unsafeReason(ws, session, context?.filesLocked ?? []);
    if (reason) {
      result.kept.push({ id: session.id, reason });
      continue;
    }
    try {
      await removeSession(ws, session.id);
      result.removed.push(session.id);
    } catch (err) {
      result.kept.push({ id: session.id, reason: (err as Error).message });
    }
  }
  return result;
}

async function unsafeReason(ws: Workspace, session: Session, locks: string[]): Promise<string | null> {
  const work = await inspectWork(ws, session);
  if (work.unmergedCommits > 0) return `${work.unmergedCommits} unmerged commit(s)`;
  if (work.uncommitted.length > 0) return `uncommitted changes in ${work.uncommitted.length} file(s)`;
  if (locks.length > 0) return `holds ${locks.length} lock(s)`;
  return null;
}
