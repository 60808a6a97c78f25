import type { QueueEntry } from '../../../shared/merge';
import type { Session } from '../../../shared/models';
import { branchCommit } from '../git/refs';
import { inspectWork } from '../sessions/inspect';
import { deleteJournal, readJournal } from './journal';
import { mergeTree } from '../git/merge-tree';
import { treeOf } from '../git/refs';
import { messageOf, shortSha, type RunContext } from './run-context';

export interface Finish {
  entryId: string;
  sessionId: string;
  baseBranch: string;
  baseBefore: string;
  commit: string;
  strategy: QueueEntry['strategy'];
  /** The base already had everything; it did not move. */
  nothing?: boolean;
}

/**
 * Step 5, idempotent (recovery runs it again after a crash part-way), for one entry or a train in
 * order: locks released, contexts done, entries merged (one queue write), journal gone; then, with
 * removeAfterMerge, the sessions removed.
 */
export async function finishMerged(ctx: RunContext, finishes: readonly Finish[]): Promise<QueueEntry[]> {
  const { council, ws, queue } = ctx;
  const warn = (f: Finish, message: string): void => ctx.emit({ step: 'warning', entryId: f.entryId, sessionId: f.sessionId, message });
  const sessions = finishes.map((f) => ws.registry.find(f.sessionId));
  // Independent files with mutexes of their own: all at once.
  await Promise.all(
    finishes.flatMap((f, i) => {
      if (!sessions[i]) return [];
      const message = f.nothing ? `merged into ${f.baseBranch}: it already had this work (${shortSha(f.commit)})` : `merged into ${f.baseBranch} as ${shortSha(f.commit)}`;
      return [
        council.locks.releaseAll(f.sessionId).catch((err: unknown) => warn(f, `its file locks could not be released: ${messageOf(err)}`)),
        council.context.update(f.sessionId, { status: 'done', message }).catch((err: unknown) => warn(f, `its context could not be updated: ${messageOf(err)}`)),
      ];
    }),
  );
  const byId = new Map(finishes.map((f) => [f.entryId, f]));
  const merged = await queue.update((file) => {
    const now = new Date().toISOString();
    const entries = file.entries.map((e) => {
      const f = byId.get(e.id);
      return f ? { ...e, state: 'merged' as const, baseBefore: f.baseBefore, resultCommit: f.commit, reason: null, files: [], updatedAt: now } : e;
    });
    const result = entries.filter((e) => byId.has(e.id));
    return { next: result.length > 0 ? { ...file, entries } : null, result };
  });
  const journal = readJournal(ws);
  if (journal && finishes.some((f) => f.entryId === journal.entryId)) deleteJournal(ws);
  for (const f of finishes) {
    ctx.emit({
      step: 'merged',
      entryId: f.entryId,
      sessionId: f.sessionId,
      message: f.nothing ? `${f.baseBranch} already had everything of session ${f.sessionId}` : `session ${f.sessionId} merged into ${f.baseBranch} as ${shortSha(f.commit)}`,
      entry: merged.find((e) => e.id === f.entryId),
    });
  }
  if (ws.settings().removeAfterMerge) {
    for (const [i, f] of finishes.entries()) {
      const session = sessions[i];
      if (!session) continue;
      try {
        const note = await removeMerged(ctx, session);
        ctx.emit({ step: note.removed ? 'removed' : 'warning', entryId: f.entryId, sessionId: f.sessionId, message: note.message });
      } catch (err) {
        warn(f, `session ${session.id} was merged but not removed: ${messageOf(err)}`);
      }
    }
  }
  return merged;
}

/**
 * removeAfterMerge: a session whose commits are all in the base is removed like any merged one.
 * After a squash or a rebase its commits are not ancestors of the base; it is removed (its tip kept
 * under refs/council/archive) only when merging it again would change nothing.
 */
async function removeMerged(ctx: RunContext, session: Session): Promise<{ removed: boolean; message: string }> {
  const { council, ws } = ctx;
  // removeSession proves the worktree clean by content itself before deleting anything (and
  // refuses, or archives when forced); proving it here too would hash every file twice.
  const work = await inspectWork(ws, session, { proveClean: false });
  if (work.uncommitted.length > 0) return { removed: false, message: `session ${session.id} was not removed: it has new uncommitted work` };
  if (work.unmergedCommits === 0) {
    await council.removeSession(session.id);
    return { removed: true, message: `removed session ${session.id}` };
  }
  const base = await branchCommit(ws.repo.commonDir, ws.repo.mainRoot, session.baseBranch);
  if (!base || !work.branchTip) return { removed: false, message: `session ${session.id} was not removed: its base or branch is gone` };
  const again = await mergeTree(ws.repo.mainRoot, base, work.branchTip);
  if (!again.clean || again.tree !== (await treeOf(ws.repo.mainRoot, base))) {
    return { removed: false, message: `session ${session.id} was not removed: it has commits whose changes are not in ${session.baseBranch}` };
  }
  const removed = await council.removeSession(session.id, { force: true });
  return { removed: true, message: `removed session ${session.id} (its commits, merged by ${removed.archivedAs ? 'content' : 'ancestry'}, are kept under ${removed.archivedAs ?? 'the base'})` };
}
