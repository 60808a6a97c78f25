import type { Session } from '../../../shared/models';
import { agentRunningIn } from '../agents/run-store';
import { ContextStore } from '../context/context';
import type { Workspace } from '../workspace';
import { inspectWork } from './inspect';
import { removeSession } from './remove';

export interface CleanupResult {
  removed: string[];
  /** Stale sessions left in place, each with the reason it was not provably safe to remove. */
  kept: { id: string; reason: string }[];
  /** The idle time a session needed to be a candidate (the stale setting, or what was asked). */
  olderThanMs: number;
  /**
   * Sessions not idle that long (not candidates), with how long each has been idle, and, when it
   * could not be removed however long it stayed idle, why (the reason a candidate would be kept for).
   */
  recent: { id: string; idleMs: number; reason?: string }[];
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Removes sessions idle for longer than `olderThanMs` (by their last context update, else their
 * creation) — but only those whose removal provably loses nothing: no commit the base branch lacks,
 * no uncommitted change, no lock held, no agent running. Every other idle session is listed with
 * the reason it was kept, in plain words; the sessions not idle that long are listed apart.
 */
export async function cleanupSessions(ws: Workspace, olderThanMs: number): Promise<CleanupResult> {
  const result: CleanupResult = { removed: [], kept: [], olderThanMs, recent: [] };
  const now = Date.now();
  const contexts = new Map(new ContextStore(ws).all().map((c) => [c.sessionId, c]));
  for (const session of ws.registry.all()) {
    if (session.state !== 'ready') continue;
    const context = contexts.get(session.id);
    const lastActive = Date.parse(context?.updatedAt ?? session.createdAt);
    const reason = await unsafeReason(ws, session, context?.filesLocked ?? []);
    if (now - lastActive < olderThanMs) {
      result.recent.push({ id: session.id, idleMs: Math.max(0, now - lastActive), ...(reason ? { reason } : {}) });
      continue;
    }
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
  // An agent that runs without telling its context anything is not idle: it is never removed under it.
  if (agentRunningIn(ws.paths, session.id)) return 'its agent is running';
  const work = await inspectWork(ws, session);
  if (work.unmergedCommits > 0) return `has ${plural(work.unmergedCommits, 'unmerged commit')}`;
  if (work.uncommitted.length > 0) return `has uncommitted changes in ${plural(work.uncommitted.length, 'file')}`;
  if (locks.length > 0) return `holds ${plural(locks.length, 'lock')} (${locks.slice(0, 3).join(', ')}${locks.length > 3 ? ', …' : ''})`;
  return null;
}
